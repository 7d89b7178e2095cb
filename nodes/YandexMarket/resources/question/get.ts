/** Question → Get: Market's getGoodsQuestions with one `questionIds`. */
import { oneByIdBody } from '../../shared/methods';
import { findById } from '../../shared/pager';
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
		async prepare(request) {
			const questionId = readId.call(this, 'questionId', 'Question ID');
			request.body = oneByIdBody('getGoodsQuestions', questionId);
			// Market may list a question by ID only within its default month: findById looks back.
			const question = await findById.call(this, request, questionId);
			request.answered = { entries: question ? [question] : [] };
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
