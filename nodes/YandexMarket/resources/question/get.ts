/** Question → Get: Market's getGoodsQuestions with one `questionIds`. */
import { oneByIdBody } from '../../shared/methods';
import { marketOperation, onlyEntry, readId } from '../../shared/run';
import { questionItem } from './shared';

export const questionGetOperation = marketOperation(
	{
		name: 'Get',
		value: 'get',
		action: 'Get a question',
		description: 'Get a question: its text, product, author and votes',
	},
	{
		operationId: 'getGoodsQuestions',
		prepare(request) {
			request.body = oneByIdBody(
				'getGoodsQuestions',
				readId.call(this, 'questionId', 'Question ID'),
			);
		},
		output(body, request) {
			const [questionId] = (request.body as { questionIds: number[] }).questionIds;
			const question = onlyEntry.call(
				this,
				body,
				`question ${questionId} for business ${request.businessId}`,
				'Questions deleted by the buyer or by Market are not listed. Check the Question ID.',
			);
			return questionItem(question, request.businessId);
		},
	},
);
