/** Review → Delete Reply: Market's deleteGoodsFeedbackComment. */
import { marketOperation, readId } from '../../shared/run';

export const reviewDeleteReplyOperation = marketOperation(
	{
		name: 'Delete Reply',
		value: 'deleteReply',
		action: "Delete the store's reply to a review",
		description: "Delete one of the store's replies",
	},
	{
		operationId: 'deleteGoodsFeedbackComment',
		prepare(request) {
			const id = readId.call(this, 'commentId', 'Comment ID');
			request.body = { id };
		},
		output: (_body, request) => ({
			status: 'OK',
			businessId: request.businessId,
			commentId: (request.body as { id: number }).id,
			deleted: true,
		}),
	},
);
