/** Review → Update Reply: Market's updateGoodsFeedbackComment with `comment.id`. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { marketOperation, readId } from '../../shared/run';
import { checkReplyText, commentItem } from './shared';

export const reviewUpdateReplyOperation = marketOperation(
	{
		name: 'Update Reply',
		value: 'updateReply',
		action: "Update the store's reply to a review",
		description: "Change the text of the store's reply",
	},
	{
		operationId: 'updateGoodsFeedbackComment',
		prepare(request) {
			const node = this.getNode();
			const itemIndex = this.getItemIndex();
			const feedbackId = readId.call(this, 'feedbackId', 'Review ID');
			const id = readId.call(this, 'commentId', 'Comment ID');
			const text = checkReplyText(node, itemIndex, this.getNodeParameter('text', ''));
			request.body = { feedbackId, comment: { id, text } };
		},
		output: (body, request) =>
			commentItem(
				(body.result as IDataObject) ?? {},
				request.businessId,
				(request.body as IDataObject).feedbackId,
			),
	},
);

export const commentIdField = (operations: string[]): INodeProperties => ({
	displayName: 'Comment ID',
	name: 'commentId',
	type: 'string',
	default: '',
	placeholder: 'e.g. 987654',
	description: "The store's reply (commentId), e.g. from Review → Reply or Get Comments",
	displayOptions: { show: { resource: ['review'], operation: operations } },
});
