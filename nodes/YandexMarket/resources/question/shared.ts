/** What the Question operations share: IDs, the answer text and what Market's items carry. */
import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';
import { authorOf } from '../../shared/run';
import { checkText } from '../../shared/validate';
import { LIMITS } from '../../shared/constants';

const shown = (operations: string[]) => ({
	show: { resource: ['question'], operation: operations },
});

export const questionIdField = (operations: string[]): INodeProperties => ({
	displayName: 'Question ID',
	name: 'questionId',
	type: 'string',
	default: '',
	placeholder: 'e.g. 123456789',
	description: "The question's ID (questionId), e.g. mapped from the trigger's item",
	displayOptions: shown(operations),
});

export const answerIdField = (operations: string[]): INodeProperties => ({
	displayName: 'Answer ID',
	name: 'answerId',
	type: 'string',
	default: '',
	placeholder: 'e.g. 987654',
	description: 'The answer (answerId), e.g. from Question → Answer or Get Answers',
	displayOptions: shown(operations),
});

export const skipIfAnsweredField = (operations: string[], where: string): INodeProperties => ({
	displayName: 'Skip If Already Answered',
	name: 'skipIfAnswered',
	type: 'boolean',
	default: true,
	description: `Whether to first read ${where} (one request) and send nothing when the store has already written there; the item then says skipped, with that entry. Keeps a workflow that runs twice for one event from answering twice.`,
	displayOptions: shown(operations),
});

export function checkAnswerText(node: INode, itemIndex: number, value: unknown): string {
	return checkText(node, itemIndex, value, {
		label: 'Answer text',
		displayName: 'Text',
		field: 'text',
		min: 1,
		max: LIMITS.answerMaxChars,
	});
}

/** A question as the node outputs it: its ID at the top. */
export function questionItem(question: IDataObject, businessId: number): IDataObject {
	const ids = (question.questionIdentifiers as IDataObject | undefined) ?? {};
	return { ...question, businessId, questionId: ids.id };
}

/** A new question as both triggers start a workflow with it: ID, text and author type on top. */
export function questionEvent(question: IDataObject, businessId: number): IDataObject {
	const item = questionItem(question, businessId);
	return {
		questionId: item.questionId,
		text: item.text,
		authorType: authorOf(item),
		question: item,
	};
}

/** An answer as the node outputs it: its IDs at the top. */
export function answerItem(answer: IDataObject, businessId: number): IDataObject {
	return { ...answer, businessId, answerId: answer.id, questionId: answer.questionId };
}
