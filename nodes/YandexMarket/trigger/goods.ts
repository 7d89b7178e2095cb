/**
 * What the five review and question notifications only point to, read from Market so that the
 * workflow starts with the content, and who wrote it (the Authors option). Every read goes
 * through the shared transport (marketRequest) with the trigger's deadline and no wait for an
 * hourly reset; the entries are taken where methods.ts says a list's entries are, and shaped
 * as the Review and Question operations output them.
 *
 * Reads (each the only method that gives it, so there is no larger quota to prefer):
 * - GOODS_FEEDBACK_CREATED: the review (getGoodsFeedbacks, feedbackIds);
 * - GOODS_FEEDBACK_COMMENT_CREATED: the comment (getGoodsFeedbackComments, commentIds), which
 *   names its review, then the review;
 * - QUESTION_CREATED: the question (getGoodsQuestions, questionIds);
 * - QUESTION_ANSWER_CREATED: the answer (getGoodsQuestionAnswers, answerIds), which names its
 *   question, then the question;
 * - QUESTION_COMMENT_CREATED: there is no read of one comment: the answer (answerIds) carries
 *   its comments; then the question.
 * The author is read first; an author the workflow does not want ends it there.
 */
import { NodeOperationError, type IDataObject, type IWebhookFunctions } from 'n8n-workflow';
import type { MarketMethod } from '../shared/methods';
import { findById } from '../shared/pager';
import { commentItem, reviewEvent, reviewItem } from '../resources/review/shared';
import { answerItem, questionEvent, questionItem } from '../resources/question/shared';
import { authorOf } from '../shared/run';
import type { EventType } from './notifications';

/**
 * Who writes on Market (QuestionsTextContentAuthorType; review comments use USER, BUSINESS and
 * BRAND of it). A review itself is always a buyer's: its DTO has only the author's name.
 */
export const AUTHORS = ['USER', 'BUSINESS', 'VENDOR', 'BRAND'] as const;
export type Author = (typeof AUTHORS)[number];
/** Buyers only: the store's own replies, notified back, would otherwise start it again. */
export const DEFAULT_AUTHORS: Author[] = ['USER'];

export const GOODS_EVENTS = [
	'GOODS_FEEDBACK_CREATED',
	'GOODS_FEEDBACK_COMMENT_CREATED',
	'QUESTION_CREATED',
	'QUESTION_ANSWER_CREATED',
	'QUESTION_COMMENT_CREATED',
] as const satisfies readonly EventType[];
export type GoodsEvent = (typeof GOODS_EVENTS)[number];

export function isGoodsEvent(type: string): type is GoodsEvent {
	return (GOODS_EVENTS as readonly string[]).includes(type);
}

/** Whether an author is one the seller wants: `authors` empty means everyone. */
export function authorAllowed(author: unknown, authors: readonly string[]): boolean {
	if (authors.length === 0) return true;
	return typeof author === 'string' && authors.includes(author);
}

/** Whether the Authors option lets everyone through (then nothing need be read to filter). */
export function allAuthorsAllowed(authors: readonly string[]): boolean {
	return authors.length === 0 || AUTHORS.every((a) => authors.includes(a));
}

export type GoodsOutcome =
	{ skip: true; authorType: unknown } | { skip: false; details: IDataObject };

interface Reading {
	businessId: number;
	deadline: number;
}

/**
 * The one entry asked for by its ID. Not listed: Market has not indexed it yet (the notification
 * can come before the read shows it) or it was deleted; the two cannot be told apart, so the
 * trigger answers 500 and Market delivers the notification again (see README).
 */
async function readOne(
	this: IWebhookFunctions,
	reading: Reading,
	operationId: MarketMethod,
	id: unknown,
	what: string,
): Promise<IDataObject> {
	const entry = await findById.call(
		this,
		{
			operationId,
			businessId: reading.businessId,
			deadline: reading.deadline,
			// No waiting for an hourly reset here: Market would give up on the answer first.
			maxRateLimitWaitMs: 0,
		},
		id,
	);
	if (entry) return entry;
	throw notListed(this, `${what} ${String(id)} of business ${reading.businessId}`);
}

function notListed(context: IWebhookFunctions, what: string): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`Yandex Market does not list ${what} (yet: a new entry can take a moment to show; or it was deleted)`,
	);
}

/**
 * Reads what a review or question notification points to, as far as needed: the author to
 * filter on; with `full` (Fetch Details) also what it belongs to. Throws when Market cannot
 * give it in time (the webhook answers 500).
 */
export async function fetchGoodsDetails(
	this: IWebhookFunctions,
	type: GoodsEvent,
	fields: IDataObject,
	reading: Reading,
	options: { full: boolean; authors: readonly string[] },
): Promise<GoodsOutcome> {
	const { businessId } = reading;
	const { full, authors } = options;
	const readReview = async (feedbackId: unknown) =>
		reviewItem(
			await readOne.call(this, reading, 'getGoodsFeedbacks', feedbackId, 'review'),
			businessId,
		);
	const readQuestion = async (questionId: unknown) =>
		questionItem(
			await readOne.call(this, reading, 'getGoodsQuestions', questionId, 'question'),
			businessId,
		);
	const readAnswer = async (answerId: unknown) =>
		await readOne.call(this, reading, 'getGoodsQuestionAnswers', answerId, 'answer');

	switch (type) {
		case 'GOODS_FEEDBACK_CREATED': {
			const authorType = 'USER';
			if (!authorAllowed(authorType, authors)) return { skip: true, authorType };
			if (!full) return { skip: false, details: { authorType } };
			const review = await readReview(fields.feedbackId);
			const event = reviewEvent(review, businessId);
			return {
				skip: false,
				details: { ...event, feedbackId: event.feedbackId ?? fields.feedbackId },
			};
		}
		case 'GOODS_FEEDBACK_COMMENT_CREATED': {
			const comment = await readOne.call(
				this,
				reading,
				'getGoodsFeedbackComments',
				fields.commentId,
				'review comment',
			);
			const authorType = authorOf(comment);
			if (!authorAllowed(authorType, authors)) return { skip: true, authorType };
			const ids = { feedbackId: comment.feedbackId, commentId: comment.id ?? fields.commentId };
			if (!full) return { skip: false, details: { ...ids, authorType } };
			return {
				skip: false,
				details: {
					...ids,
					text: comment.text,
					authorType,
					comment: commentItem(comment, businessId),
					review: await readReview(comment.feedbackId),
				},
			};
		}
		case 'QUESTION_CREATED': {
			const question = await readQuestion(fields.questionId);
			const event = questionEvent(question, businessId);
			const authorType = String(event.authorType);
			if (!authorAllowed(authorType, authors)) return { skip: true, authorType };
			const questionId = event.questionId ?? fields.questionId;
			if (!full) return { skip: false, details: { questionId, authorType } };
			return { skip: false, details: { ...event, questionId } };
		}
		case 'QUESTION_ANSWER_CREATED': {
			const answer = await readAnswer(fields.answerId);
			const authorType = authorOf(answer);
			if (!authorAllowed(authorType, authors)) return { skip: true, authorType };
			const ids = { answerId: answer.id ?? fields.answerId, questionId: answer.questionId };
			if (!full) return { skip: false, details: { ...ids, authorType } };
			return {
				skip: false,
				details: {
					...ids,
					text: answer.text,
					authorType,
					answer: answerItem(answer, businessId),
					question: await readQuestion(answer.questionId),
				},
			};
		}
		case 'QUESTION_COMMENT_CREATED': {
			const answer = await readAnswer(fields.answerId);
			const comments = Array.isArray(answer.comments) ? (answer.comments as IDataObject[]) : [];
			const comment = comments.find((c) => String(c.id) === String(fields.commentId));
			// An answer lists up to 100 comments: a comment beyond them cannot be read at all.
			if (!comment) {
				throw notListed(
					this,
					`comment ${String(fields.commentId)} among the ${comments.length} comments of answer ${String(fields.answerId)} of business ${businessId}`,
				);
			}
			const authorType = authorOf(comment);
			if (!authorAllowed(authorType, authors)) return { skip: true, authorType };
			const ids = {
				answerId: answer.id ?? fields.answerId,
				commentId: comment.id,
				questionId: answer.questionId,
			};
			if (!full) return { skip: false, details: { ...ids, authorType } };
			return {
				skip: false,
				details: {
					...ids,
					text: comment.text,
					authorType,
					comment: { ...comment, businessId, ...ids },
					answer: answerItem(answer, businessId),
					question: await readQuestion(answer.questionId),
				},
			};
		}
	}
}
