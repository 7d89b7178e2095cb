/** Review → Get: Market's getGoodsFeedbacks with one `feedbackIds`. */
import { oneByIdBody } from '../../shared/methods';
import { marketOperation, onlyEntry, readId } from '../../shared/run';
import { reviewItem } from './shared';

export const reviewGetOperation = marketOperation(
	{
		name: 'Get',
		value: 'get',
		action: 'Get a review',
		description:
			'Get a review: rating, texts, product, order, photos and whether it needs a reaction',
	},
	{
		operationId: 'getGoodsFeedbacks',
		prepare(request) {
			// feedbackIds is not to be combined with other filters (GetGoodsFeedbackRequest).
			request.body = oneByIdBody('getGoodsFeedbacks', readId.call(this, 'feedbackId', 'Review ID'));
		},
		output(body, request) {
			const [feedbackId] = (request.body as { feedbackIds: number[] }).feedbackIds;
			const review = onlyEntry.call(
				this,
				body,
				`review ${feedbackId} for business ${request.businessId}`,
				'Reviews deleted by the buyer or by Market are not listed. Check the Review ID.',
			);
			return reviewItem(review, request.businessId);
		},
	},
);
