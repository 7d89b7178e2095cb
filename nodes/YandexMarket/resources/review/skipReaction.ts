/** Review → Mark as Handled: Market's skipGoodsFeedbacksReaction. */
import { marketOperation, readId } from '../../shared/run';

export const reviewSkipReactionOperation = marketOperation(
	{
		name: 'Mark as Handled',
		value: 'skipReaction',
		action: 'Mark a review as handled',
		description: 'Mark a review as needing no reply: it leaves the Need Reaction list',
	},
	{
		operationId: 'skipGoodsFeedbacksReaction',
		prepare(request) {
			const feedbackId = readId.call(this, 'feedbackId', 'Review ID');
			request.body = { feedbackIds: [feedbackId] };
		},
		output: (_body, request) => ({
			status: 'OK',
			businessId: request.businessId,
			feedbackId: (request.body as { feedbackIds: number[] }).feedbackIds[0],
			needReaction: false,
		}),
	},
);
