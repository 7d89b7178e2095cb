/** Question → Get Many: Market's getGoodsQuestions. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { returnAllAndLimit } from '../../shared/descriptions';
import { marketOperation } from '../../shared/run';
import { invalidParameter, parseIdList } from '../../shared/validate';
import { dateWindows, filterDate } from '../../shared/windows';
import { questionItem } from './shared';

const show = { resource: ['question'], operation: ['getAll'] };
/** The longest period Market lists in one request (GetQuestionsRequest). */
const WINDOW_MONTHS = 1;

export const questionGetAllOperation = marketOperation(
	{
		name: 'Get Many',
		value: 'getAll',
		action: 'Get many questions',
		description: 'List buyers’ questions about products, one item per question',
	},
	{
		operationId: 'getGoodsQuestions',
		prepare(request) {
			const node = this.getNode();
			const itemIndex = this.getItemIndex();
			const filters = this.getNodeParameter('filters', {}) as IDataObject;
			const body: IDataObject = {};
			if (filters.needAnswer !== undefined) body.needAnswer = filters.needAnswer;
			const categories = parseIdList(
				node,
				itemIndex,
				filters.categoryIds,
				'Category IDs',
				'categoryIds',
			);
			if (categories.length) body.categoryIds = categories;
			const from = filterDate(node, itemIndex, filters, 'dateFrom', 'From', true);
			const to = filterDate(node, itemIndex, filters, 'dateTo', 'To', true);
			if (from && to && from > to)
				throw invalidParameter(node, itemIndex, 'From (dateFrom) must not be after To (dateTo)');
			if (from) {
				// Longer than Market lists at once: one month after another (Return All means all).
				request.windows = {
					key: (question) => (question.questionIdentifiers as IDataObject | undefined)?.id,
					bodies: dateWindows(from, to ?? new Date(), WINDOW_MONTHS, 'day').map(
						([dateFrom, dateTo], i, all) => ({
							...body,
							dateFrom,
							// Without To, the last window is open: questions up to now.
							...(to || i < all.length - 1 ? { dateTo } : {}),
						}),
					),
				};
			} else if (to) {
				body.dateTo = to.toISOString().slice(0, 10);
			}
			request.body = body;
		},
		output: (body, request) =>
			(body.entries as IDataObject[]).map((question) => questionItem(question, request.businessId)),
	},
);

export const questionGetAllDescription: INodeProperties[] = [
	...returnAllAndLimit(show, 'questions', 50),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Category IDs',
				name: 'categoryIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 91491, 90855',
				description: 'Only questions about products of these Market categories, comma-separated',
			},
			{
				displayName: 'From',
				name: 'dateFrom',
				type: 'dateTime',
				default: '',
				description:
					'Questions from this day on. Without From, Market lists the last month; a longer range is read month by month.',
			},
			{
				displayName: 'Need Answer',
				name: 'needAnswer',
				type: 'boolean',
				default: true,
				description: 'Whether to list only the questions the store has not answered',
			},
			{
				displayName: 'To',
				name: 'dateTo',
				type: 'dateTime',
				default: '',
				description: 'Questions up to this day',
			},
		],
	},
];
