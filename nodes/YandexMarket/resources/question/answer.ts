/**
 * Question → Answer and Comment on Answer: Market's updateGoodsQuestionTextEntity, CREATE under
 * a question (an answer) or under an answer (a comment). Market publishes a new entry on every
 * call, so, unless told otherwise, the node first reads what is there and sends nothing when the
 * store has already written at that place.
 */
import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';
import { oneByIdBody } from '../../shared/methods';
import {
	byStore,
	marketOperation,
	readId,
	skipIfAnswered,
	type PreparedRequest,
} from '../../shared/run';
import { answerItem, checkAnswerText } from './shared';

interface Place {
	option: Omit<INodePropertyOptions, 'routing'>;
	/** The parent's ID parameter and Market's type for it. */
	parent: { field: 'questionId' | 'answerId'; label: string; type: 'QUESTION' | 'ANSWER' };
	/** The store's earlier entry at that place, from getGoodsQuestionAnswers' answers. */
	earlier: (answers: IDataObject[]) => IDataObject | undefined;
	/** The item's ID field for what is created: `answerId` or `commentId`. */
	created: 'answerId' | 'commentId';
	skipReason: string;
}

function publishUnder(place: Place) {
	return marketOperation(place.option, {
		operationId: 'updateGoodsQuestionTextEntity',
		oneAtATime(request) {
			const parent = String(this.getNodeParameter(place.parent.field, '')).trim();
			return `${place.parent.type}:${request.businessId}:${parent}`;
		},
		async prepare(request) {
			const parentId = readId.call(this, place.parent.field, place.parent.label);
			const text = checkAnswerText(
				this.getNode(),
				this.getItemIndex(),
				this.getNodeParameter('text', ''),
			);
			request.body = {
				operationType: 'CREATE',
				parentEntityId: { id: parentId, type: place.parent.type },
				text,
			};
			await skipIfAnswered.call(
				this,
				request,
				{
					operationId: 'getGoodsQuestionAnswers',
					body:
						place.parent.type === 'QUESTION'
							? { questionId: parentId }
							: oneByIdBody('getGoodsQuestionAnswers', parentId),
				},
				place.earlier,
			);
		},
		output(body, request: PreparedRequest) {
			const parentId = ((request.body as IDataObject).parentEntityId as IDataObject).id;
			const where = { businessId: request.businessId, [place.parent.field]: parentId };
			const skipped = body.skipped as IDataObject | undefined;
			if (skipped) {
				return {
					...skipped,
					...(place.created === 'answerId' ? answerItem(skipped, request.businessId) : {}),
					...where,
					[place.created]: skipped.id,
					skipped: true,
					skipReason: place.skipReason,
				};
			}
			const entity = ((body.result as IDataObject | undefined)?.entity as IDataObject) ?? {};
			return {
				status: 'OK',
				...where,
				[place.created]: entity.id,
				text: (request.body as IDataObject).text,
				skipped: false,
			};
		},
	});
}

export const questionAnswerOperation = publishUnder({
	option: {
		name: 'Answer',
		value: 'answer',
		action: 'Answer a question',
		description: "Publish the store's answer to a buyer's question",
	},
	parent: { field: 'questionId', label: 'Question ID', type: 'QUESTION' },
	earlier: (answers) => answers.find(byStore),
	created: 'answerId',
	skipReason: 'The store has already answered this question (Skip If Already Answered)',
});

export const questionCommentOperation = publishUnder({
	option: {
		name: 'Comment on Answer',
		value: 'comment',
		action: 'Comment on an answer to a question',
		description: "Publish the store's comment on an answer (e.g. another buyer's) to a question",
	},
	parent: { field: 'answerId', label: 'Answer ID', type: 'ANSWER' },
	earlier: ([answer]) => {
		const comment = ((answer?.comments as IDataObject[] | undefined) ?? []).find(byStore);
		return comment && { ...comment, questionId: answer.questionId };
	},
	created: 'commentId',
	skipReason: 'The store has already commented on this answer (Skip If Already Answered)',
});
