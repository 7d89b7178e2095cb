/**
 * Review → Reply: Market's updateGoodsFeedbackComment without `comment.id`, which publishes a
 * new reply on every call. So, unless told otherwise, it first reads the review's comments and
 * sends nothing when the store has already replied at the same place.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { byStore, marketOperation, readId, skipIfAnswered } from '../../shared/run';
import { idOf, parseId } from '../../shared/validate';
import { checkReplyText, commentItem } from './shared';

const show = { resource: ['review'], operation: ['reply'] };

export const reviewReplyOperation = marketOperation(
	{
		name: 'Reply',
		value: 'reply',
		action: 'Reply to a review',
		description: "Publish the store's reply to a review, or to a buyer's comment on it",
	},
	{
		operationId: 'updateGoodsFeedbackComment',
		oneAtATime(request) {
			return `review:${request.businessId}:${String(this.getNodeParameter('feedbackId', '')).trim()}`;
		},
		async prepare(request) {
			const node = this.getNode();
			const itemIndex = this.getItemIndex();
			const feedbackId = readId.call(this, 'feedbackId', 'Review ID');
			const text = checkReplyText(node, itemIndex, this.getNodeParameter('text', ''));
			const parent = this.getNodeParameter('parentId', '');
			const parentId =
				parent === undefined || parent === ''
					? undefined
					: parseId(node, itemIndex, parent, 'Reply To Comment ID', 'parentId');
			request.body = { feedbackId, comment: { text, ...(parentId ? { parentId } : {}) } };

			// The store's reply at the same place: at the top (no parentId), or under that comment.
			await skipIfAnswered.call(
				this,
				request,
				{ operationId: 'getGoodsFeedbackComments', body: { feedbackId } },
				(comments) =>
					comments.find((c) => byStore(c) && (idOf(c.parentId) ?? undefined) === parentId),
			);
		},
		output(body, request) {
			const sent = request.body as IDataObject;
			const skipped = body.skipped as IDataObject | undefined;
			if (skipped) {
				return {
					...commentItem(skipped, request.businessId, sent.feedbackId),
					skipped: true,
					skipReason: 'The store has already replied here (Skip If Already Answered)',
				};
			}
			return {
				...commentItem((body.result as IDataObject) ?? {}, request.businessId, sent.feedbackId),
				skipped: false,
			};
		},
	},
);

export const reviewReplyDescription: INodeProperties[] = [
	{
		displayName: 'Reply To Comment ID',
		name: 'parentId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 987654',
		description:
			"Answer this buyer's comment on the review instead of the review itself (leave empty to reply to the review)",
		displayOptions: { show },
	},
	{
		displayName: 'Skip If Already Answered',
		name: 'skipIfAnswered',
		type: 'boolean',
		default: true,
		description:
			'Whether to first read the review (one request) and send nothing when the store has already replied at the same place; the item then says skipped, with that reply. Keeps a workflow that runs twice for one review from replying twice.',
		displayOptions: { show },
	},
];
