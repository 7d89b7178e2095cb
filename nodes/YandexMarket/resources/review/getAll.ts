/** Review → Get Many: Market's getGoodsFeedbacks. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { returnAllAndLimit } from '../../shared/descriptions';
import { marketOperation } from '../../shared/run';
import { invalidParameter } from '../../shared/validate';
import { dateWindows, filterDate } from '../../shared/windows';

const show = { resource: ['review'], operation: ['getAll'] };
/** The longest period Market lists in one request (GetGoodsFeedbackRequest). */
const WINDOW_MONTHS = 6;

export const reviewGetAllOperation = marketOperation(
	{
		name: 'Get Many',
		value: 'getAll',
		action: 'Get many reviews',
		description: 'List product reviews, one item per review',
	},
	{
		operationId: 'getGoodsFeedbacks',
		prepare(request) {
			const node = this.getNode();
			const itemIndex = this.getItemIndex();
			const filters = this.getNodeParameter('filters', {}) as IDataObject;
			const body: IDataObject = {};
			if (filters.reactionStatus) body.reactionStatus = filters.reactionStatus;
			const ratings = (filters.ratingValues as Array<string | number> | undefined) ?? [];
			if (ratings.length) body.ratingValues = ratings.map(Number);
			const offers = String(filters.offerIds ?? '')
				.split(/[\s,;]+/)
				.filter(Boolean);
			if (offers.length > 20)
				throw invalidParameter(
					node,
					itemIndex,
					`Offer IDs (offerIds) has ${offers.length} SKUs; Yandex Market takes at most 20`,
				);
			if (offers.length) body.offerIds = [...new Set(offers)];
			if (filters.paid !== undefined) body.paid = filters.paid;
			const from = filterDate(node, itemIndex, filters, 'dateTimeFrom', 'From');
			const to = filterDate(node, itemIndex, filters, 'dateTimeTo', 'To');
			if (from && to && from >= to)
				throw invalidParameter(
					node,
					itemIndex,
					'From (dateTimeFrom) must be before To (dateTimeTo)',
				);
			if (from) {
				// Longer than Market lists at once: one window after another (Return All means all).
				const windows = dateWindows(from, to ?? new Date(), WINDOW_MONTHS, 'dateTime');
				request.windows = {
					key: (review) => review.feedbackId,
					bodies: windows.map(([dateTimeFrom, dateTimeTo], i) => ({
						...body,
						dateTimeFrom,
						// Without To, the last window is open: reviews up to now.
						...(to || i < windows.length - 1 ? { dateTimeTo } : {}),
					})),
				};
			} else if (to) {
				body.dateTimeTo = to.toISOString();
			}
			request.body = body;
		},
		output: (body, request) =>
			(body.entries as IDataObject[]).map((review) => ({
				...review,
				businessId: request.businessId,
			})),
	},
);

export const reviewGetAllDescription: INodeProperties[] = [
	...returnAllAndLimit(show, 'reviews', 50),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'From',
				name: 'dateTimeFrom',
				type: 'dateTime',
				default: '',
				description:
					'Reviews after this moment. Without From, Market lists the last 6 months; a range longer than 6 months is read in 6-month windows.',
			},
			{
				displayName: 'Offer IDs',
				name: 'offerIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. SKU-1, SKU-2',
				description: 'Only reviews of these products (your SKUs), comma-separated, at most 20',
			},
			{
				displayName: 'Paid',
				name: 'paid',
				type: 'boolean',
				default: false,
				description:
					'Whether to list only reviews written for points (true) or only the others (false)',
			},
			{
				displayName: 'Ratings',
				name: 'ratingValues',
				type: 'multiOptions',
				options: [1, 2, 3, 4, 5].map((n) => ({ name: `${n} ★`, value: n })),
				default: [],
				description: 'Only reviews with these ratings',
			},
			{
				displayName: 'Reaction Status',
				name: 'reactionStatus',
				type: 'options',
				options: [
					{ name: 'All', value: 'ALL' },
					{ name: 'Need Reaction', value: 'NEED_REACTION' },
				],
				default: 'NEED_REACTION',
				description: 'Need Reaction: reviews the store has not answered or marked as handled',
			},
			{
				displayName: 'To',
				name: 'dateTimeTo',
				type: 'dateTime',
				default: '',
				description: 'Reviews before this moment',
			},
		],
	},
];
