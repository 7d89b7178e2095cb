/** Review → Get Comments: Market's getGoodsFeedbackComments. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { returnAllAndLimit } from '../../shared/descriptions';
import { marketOperation, readId } from '../../shared/run';
import { commentItem } from './shared';

export const reviewGetCommentsOperation = marketOperation(
	{
		name: 'Get Comments',
		value: 'getComments',
		action: 'Get the comments of a review',
		description:
			"Get a review's comments (the store's replies and buyers' answers), one item per comment",
	},
	{
		operationId: 'getGoodsFeedbackComments',
		prepare(request) {
			const feedbackId = readId.call(this, 'feedbackId', 'Review ID');
			request.body = { feedbackId };
		},
		output: (body, request) =>
			(body.entries as IDataObject[]).map((comment) =>
				commentItem(comment, request.businessId, (request.body as IDataObject).feedbackId),
			),
	},
);

export const reviewGetCommentsDescription: INodeProperties[] = returnAllAndLimit(
	{ resource: ['review'], operation: ['getComments'] },
	'comments',
	50,
);
