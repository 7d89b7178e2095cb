/** Question → Update Answer and Delete Answer: Market's updateGoodsQuestionTextEntity UPDATE / DELETE. */
import type { IDataObject } from 'n8n-workflow';
import { marketOperation, readId } from '../../shared/run';
import { checkAnswerText } from './shared';

export const questionUpdateAnswerOperation = marketOperation(
	{
		name: 'Update Answer',
		value: 'updateAnswer',
		action: "Update the store's answer to a question",
		description: "Change the text of the store's answer",
	},
	{
		operationId: 'updateGoodsQuestionTextEntity',
		prepare(request) {
			const node = this.getNode();
			const itemIndex = this.getItemIndex();
			const answerId = readId.call(this, 'answerId', 'Answer ID');
			const text = checkAnswerText(node, itemIndex, this.getNodeParameter('text', ''));
			request.body = { operationType: 'UPDATE', entityId: { id: answerId, type: 'ANSWER' }, text };
		},
		output: (_body, request) => ({
			status: 'OK',
			businessId: request.businessId,
			answerId: ((request.body as IDataObject).entityId as IDataObject).id,
			text: (request.body as IDataObject).text,
		}),
	},
);

export const questionDeleteAnswerOperation = marketOperation(
	{
		name: 'Delete Answer',
		value: 'deleteAnswer',
		action: "Delete the store's answer to a question",
		description: "Delete one of the store's answers",
	},
	{
		operationId: 'updateGoodsQuestionTextEntity',
		prepare(request) {
			const answerId = readId.call(this, 'answerId', 'Answer ID');
			request.body = { operationType: 'DELETE', entityId: { id: answerId, type: 'ANSWER' } };
		},
		output: (_body, request) => ({
			status: 'OK',
			businessId: request.businessId,
			answerId: ((request.body as IDataObject).entityId as IDataObject).id,
			deleted: true,
		}),
	},
);
