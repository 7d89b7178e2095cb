/** Question → Get Answers: Market's getGoodsQuestionAnswers (answers with their comments). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { returnAllAndLimit } from '../../shared/descriptions';
import { marketOperation, readId } from '../../shared/run';
import { answerItem } from './shared';

export const questionGetAnswersOperation = marketOperation(
	{
		name: 'Get Answers',
		value: 'getAnswers',
		action: 'Get the answers to a question',
		description: 'Get the answers to a question, with their comments, one item per answer',
	},
	{
		operationId: 'getGoodsQuestionAnswers',
		prepare(request) {
			const questionId = readId.call(this, 'questionId', 'Question ID');
			request.body = { questionId };
		},
		output: (body, request) =>
			(body.entries as IDataObject[]).map((answer) => ({
				...answerItem(answer, request.businessId),
				questionId: answer.questionId ?? (request.body as IDataObject).questionId,
			})),
	},
);

export const questionGetAnswersDescription: INodeProperties[] = returnAllAndLimit(
	{ resource: ['question'], operation: ['getAnswers'] },
	'answers',
	50,
);
