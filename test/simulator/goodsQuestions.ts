/**
 * Questions about goods: the three methods under /v1/businesses/{businessId}/goods-questions and
 * the buyer actions of the admin API.
 *
 * - A question is listed from its createdAt until its buyer or Market deletes it; answers and
 *   comments are listed unless deleted (status DELETED), and not when their question is not.
 * - getGoodsQuestions: dateFrom/dateTo are Moscow calendar days, both included, at most one
 *   calendar month apart (default: the month before `dateTo`, default today). Filters are
 *   AND-ed; how `needAnswer`, `questionIds` and the default order behave is set by
 *   `questionNeedAnswer`, `questionIdsWindow` and `questionOrder` (goodsTypes.ts).
 * - updateGoodsQuestionTextEntity: CREATE makes a new answer (parent QUESTION) or comment
 *   (parent ANSWER) of the store every time; UPDATE and DELETE act on answers and comments with
 *   canModify (400 otherwise); unknown ones, and those of other businesses, are 404.
 * - Every new answer or comment, the store's own included, notifies QUESTION_ANSWER_CREATED or
 *   QUESTION_COMMENT_CREATED; a new question notifies QUESTION_CREATED.
 */
import {
	GOODS_FIXTURE_FACTS,
	QUESTION_AUTHOR_TYPES,
	type AnswerCommentRecord,
	type AnswerRecord,
	type QuestionAuthorType,
	type QuestionRecord,
} from './goodsFixtures';
import {
	MODERATION_DELAY_MS,
	type AddAnswerCommentInput,
	type AddAnswerInput,
	type AddQuestionInput,
	type QuestionOrder,
} from './goodsTypes';
import {
	boolField,
	childPage,
	dateAt,
	enumField,
	given,
	goodsList,
	idItem,
	inOrder,
	intAt,
	listField,
	nextId,
	notify,
	objectAt,
	pushWithNextId,
	storeName,
	textAt,
	timeInput,
} from './goods';
import type { Ctx, HandlerHost } from './handlers';
import { MAX_QUESTION_TEXT_LENGTH } from './operations';
import { formatMsk, monthsBefore, mskDate, mskDayStart } from './time';
import type { OperationId } from './types';
import {
	badRequest,
	enumCheck,
	jsonBody,
	notFound,
	optionalJsonBody,
	type Reply,
} from './validation';

/** AnswerDTO.comments maxItems. */
const MAX_ANSWER_COMMENTS = 100;
const ENTITY_TYPES = ['QUESTION', 'ANSWER', 'COMMENT'] as const;
type EntityType = (typeof ENTITY_TYPES)[number];

// ----- lookups and rendering ---------------------------------------------

function isListed(this: HandlerHost, q: QuestionRecord): boolean {
	return !q.deleted && Date.parse(q.createdAt) <= this.clock();
}

function findQuestion(this: HandlerHost, businessId: number, id: number): QuestionRecord {
	const q = this.state.questions.find((x) => x.id === id && x.businessId === businessId);
	if (!q || !isListed.call(this, q)) throw notFound(`Question ${id} not found`);
	return q;
}

function answersOf(this: HandlerHost, q: QuestionRecord): AnswerRecord[] {
	return this.state.answers.filter((a) => a.questionId === q.id && a.status !== 'DELETED');
}

function commentsOf(this: HandlerHost, a: AnswerRecord): AnswerCommentRecord[] {
	return this.state.answerComments.filter((c) => c.answerId === a.id && c.status !== 'DELETED');
}

/** A listed answer of a listed question of the business, or 404. */
function findAnswer(this: HandlerHost, businessId: number, id: number): AnswerRecord {
	const a = this.state.answers.find((x) => x.id === id && x.status !== 'DELETED');
	const q = a && this.state.questions.find((x) => x.id === a.questionId);
	if (!a || !q || q.businessId !== businessId || !isListed.call(this, q))
		throw notFound(`Answer ${id} not found`);
	return a;
}

function findComment(this: HandlerHost, businessId: number, id: number): AnswerCommentRecord {
	const c = this.state.answerComments.find((x) => x.id === id && x.status !== 'DELETED');
	if (!c) throw notFound(`Comment ${id} not found`);
	try {
		findAnswer.call(this, businessId, c.answerId);
	} catch {
		throw notFound(`Comment ${id} not found`);
	}
	return c;
}

/** needAnswer: true keeps these (see NeedAnswerRule). */
function needsAnswer(this: HandlerHost, q: QuestionRecord): boolean {
	const answers = answersOf.call(this, q);
	return this.questionNeedAnswer === 'noAnswer'
		? answers.length === 0
		: !answers.some((a) => a.author.type === 'BUSINESS');
}

const votesDTO = (r: { votes: { likes: number; dislikes: number } }) => ({ ...r.votes });

function questionDTO(q: QuestionRecord) {
	const questionIdentifiers: Record<string, unknown> = { id: q.id };
	if (q.categoryId !== undefined) questionIdentifiers.categoryId = q.categoryId;
	questionIdentifiers.offerId = q.offerId;
	return {
		questionIdentifiers,
		businessId: q.businessId,
		text: q.text,
		createdAt: q.createdAt,
		votes: votesDTO(q),
		author: { ...q.author },
	};
}

function commentDTO(c: AnswerCommentRecord) {
	const dto: Record<string, unknown> = { id: c.id, text: c.text, canModify: c.canModify };
	if (c.parentId !== undefined) dto.parentId = c.parentId;
	dto.author = { ...c.author };
	dto.status = c.status;
	dto.answerId = c.answerId;
	dto.createdAt = c.createdAt;
	dto.votes = votesDTO(c);
	return dto;
}

/** An answer with at most 100 comments: which ones, `answerCommentCap` says. */
function answerDTO(this: HandlerHost, a: AnswerRecord) {
	const byTime = (c: AnswerCommentRecord) => c.createdAt;
	let comments = commentsOf.call(this, a);
	if (comments.length > MAX_ANSWER_COMMENTS) {
		const oldestFirst = inOrder(this, comments, 'createdAsc', byTime, (c) => c.id);
		comments =
			this.answerCommentCap === 'latest'
				? oldestFirst.slice(-MAX_ANSWER_COMMENTS)
				: oldestFirst.slice(0, MAX_ANSWER_COMMENTS);
	}
	return {
		id: a.id,
		text: a.text,
		canModify: a.canModify,
		author: { ...a.author },
		status: a.status,
		questionId: a.questionId,
		createdAt: a.createdAt,
		votes: votesDTO(a),
		comments: inOrder(this, comments, this.answerOrder, byTime, (c) => c.id).map(commentDTO),
	};
}

function businessOfAnswer(this: HandlerHost, a: AnswerRecord): number {
	return this.state.questions.find((q) => q.id === a.questionId)!.businessId;
}

function createAnswer(
	this: HandlerHost,
	q: QuestionRecord,
	fields: Omit<AnswerRecord, 'id' | 'questionId' | 'votes'>,
): AnswerRecord {
	const answer = pushWithNextId(this.state.answers, GOODS_FIXTURE_FACTS.firstCreatedAnswerId, {
		questionId: q.id,
		...fields,
		votes: { likes: 0, dislikes: 0 },
	});
	notify.call(
		this,
		{
			notificationType: 'QUESTION_ANSWER_CREATED',
			answerId: answer.id,
			businessId: q.businessId,
			createdAt: answer.createdAt,
		},
		answer.author?.type,
	);
	return answer;
}

/** Whether an answer takes one more comment (see AnswerCommentCap). */
function roomForComment(this: HandlerHost, a: AnswerRecord): boolean {
	return (
		this.answerCommentCap !== 'refuse' || commentsOf.call(this, a).length < MAX_ANSWER_COMMENTS
	);
}

function createComment(
	this: HandlerHost,
	a: AnswerRecord,
	fields: Omit<AnswerCommentRecord, 'id' | 'answerId' | 'votes'>,
): AnswerCommentRecord {
	const comment = pushWithNextId(
		this.state.answerComments,
		GOODS_FIXTURE_FACTS.firstCreatedAnswerCommentId,
		{ answerId: a.id, ...fields, votes: { likes: 0, dislikes: 0 } },
	);
	notify.call(
		this,
		{
			notificationType: 'QUESTION_COMMENT_CREATED',
			answerId: a.id,
			commentId: comment.id,
			businessId: businessOfAnswer.call(this, a),
			createdAt: comment.createdAt,
		},
		comment.author?.type,
	);
	return comment;
}

// ----- operations --------------------------------------------------------

/** dateFrom..dateTo (Moscow days, both included), at most one month apart. */
function questionWindow(this: HandlerHost, body: Record<string, unknown>) {
	const to = given(body, 'dateTo') ? dateAt(body.dateTo, 'body.dateTo') : mskDate(this.clock());
	const earliest = mskDate(monthsBefore(mskDayStart(to), 1));
	const from = given(body, 'dateFrom') ? dateAt(body.dateFrom, 'body.dateFrom') : earliest;
	if (from > to) throw badRequest('body.dateFrom must not be after body.dateTo');
	if (from < earliest) {
		throw badRequest(
			`body.dateFrom and body.dateTo must be at most 1 month apart: dateFrom must not be before ${earliest}`,
		);
	}
	return { from, to };
}

function getGoodsQuestions(this: HandlerHost, ctx: Ctx): Reply {
	const body = optionalJsonBody(ctx);
	const categoryIds = listField(body, 'categoryIds', undefined, idItem(0));
	const questionIds = listField(body, 'questionIds', 50, idItem(1));
	const needAnswer = boolField(body, 'needAnswer') ?? false;
	const sort = enumField(body, 'sort', ['CREATED_AT_DESC', 'CREATED_AT_ASC'] as const);
	const window = questionWindow.call(this, body);
	const windowApplies =
		!questionIds ||
		this.questionIdsWindow === 'apply' ||
		given(body, 'dateFrom') ||
		given(body, 'dateTo');

	const questions = this.state.questions.filter((q) => {
		if (q.businessId !== ctx.businessId || !isListed.call(this, q)) return false;
		const day = mskDate(Date.parse(q.createdAt));
		return (
			(!questionIds || questionIds.includes(q.id)) &&
			(!categoryIds || (q.categoryId !== undefined && categoryIds.includes(q.categoryId))) &&
			(!windowApplies || (day >= window.from && day <= window.to)) &&
			(!needAnswer || needsAnswer.call(this, q))
		);
	});
	const order: QuestionOrder =
		sort && this.questionSort === 'honored'
			? sort === 'CREATED_AT_DESC'
				? 'createdDesc'
				: 'createdAsc'
			: this.questionOrder;
	const filters = {
		categoryIds: categoryIds ? [...categoryIds].sort((a, b) => a - b) : null,
		questionIds: questionIds ? [...questionIds].sort((a, b) => a - b) : null,
		window: windowApplies ? window : null,
		needAnswer: needAnswer && this.questionNeedAnswer,
	};
	return goodsList(this, ctx, questions, {
		order,
		at: (q) => q.createdAt,
		id: (q) => q.id,
		scope: `questions|${JSON.stringify(filters)}`,
		name: 'questions',
		render: questionDTO,
		extra: { totalCount: questions.length },
	});
}

function getGoodsQuestionAnswers(this: HandlerHost, ctx: Ctx): Reply {
	return childPage(this, ctx, {
		parentField: 'questionId',
		idsField: 'answerIds',
		minId: 1,
		// The spec does not forbid both: they narrow each other.
		exclusive: false,
		findParent: (id) => findQuestion.call(this, ctx.businessId, id),
		parents: () =>
			this.state.questions.filter((q) => q.businessId === ctx.businessId && isListed.call(this, q)),
		childrenOf: (q) => answersOf.call(this, q),
		order: this.answerOrder,
		items: 'answers',
		render: (a) => answerDTO.call(this, a),
	});
}

/** TypedQuestionsTextEntityIdDTO: {id ≥ 1, type}. */
function typedId(body: Record<string, unknown>, field: string): { id: number; type: EntityType } {
	if (!given(body, field)) throw badRequest(`body.${field} is required`);
	const o = objectAt(body[field], `body.${field}`);
	return {
		id: intAt(o.id, `body.${field}.id`, 1),
		type: enumCheck(ENTITY_TYPES)(o.type, `body.${field}.type`),
	};
}

function updateGoodsQuestionTextEntity(this: HandlerHost, ctx: Ctx): Reply {
	const body = jsonBody(ctx);
	const operation = enumField(body, 'operationType', ['CREATE', 'UPDATE', 'DELETE'] as const);
	if (!operation) throw badRequest('body.operationType is required');
	const now = formatMsk(this.clock());
	const store = {
		author: { type: 'BUSINESS' as const, name: storeName.call(this, ctx.businessId) },
		status: 'PUBLISHED' as const,
		canModify: true,
		createdAt: now,
	};

	if (operation === 'CREATE') {
		const parent = typedId(body, 'parentEntityId');
		const text = textAt(body.text, 'body.text', MAX_QUESTION_TEXT_LENGTH);
		if (parent.type === 'QUESTION') {
			const q = findQuestion.call(this, ctx.businessId, parent.id);
			const answer = createAnswer.call(this, q, { text, ...store });
			return entityReply(answer.id, 'ANSWER');
		}
		if (parent.type === 'ANSWER') {
			const a = findAnswer.call(this, ctx.businessId, parent.id);
			if (!roomForComment.call(this, a))
				throw badRequest(
					`Answer ${a.id} already has ${MAX_ANSWER_COMMENTS} comments, the most an answer has`,
				);
			const comment = createComment.call(this, a, { text, ...store });
			return entityReply(comment.id, 'COMMENT');
		}
		throw badRequest(
			'body.parentEntityId.type must be QUESTION (to answer it) or ANSWER (to comment on it)',
		);
	}

	const entity = typedId(body, 'entityId');
	const text =
		operation === 'UPDATE' ? textAt(body.text, 'body.text', MAX_QUESTION_TEXT_LENGTH) : undefined;
	if (entity.type === 'QUESTION')
		throw badRequest('body.entityId.type must be ANSWER or COMMENT: questions are the buyers’');
	const target =
		entity.type === 'ANSWER'
			? findAnswer.call(this, ctx.businessId, entity.id)
			: findComment.call(this, ctx.businessId, entity.id);
	if (!target.canModify) {
		throw badRequest(
			`${entity.type === 'ANSWER' ? 'Answer' : 'Comment'} ${entity.id} cannot be changed by the store (canModify is false)`,
		);
	}
	if (text !== undefined) target.text = text;
	else target.status = 'DELETED';
	// "Returned only for CREATE; UPDATE and DELETE answer an empty response."
	return { status: 200, body: { status: 'OK' } };
}

function entityReply(id: number, type: EntityType): Reply {
	return { status: 200, body: { status: 'OK', result: { entity: { id, type } } } };
}

export const QUESTION_HANDLERS = {
	getGoodsQuestions,
	getGoodsQuestionAnswers,
	updateGoodsQuestionTextEntity,
} satisfies Partial<Record<OperationId, (this: HandlerHost, ctx: Ctx) => Reply>>;

// ----- buyer actions (admin API) -----------------------------------------

function authorFor(this: HandlerHost, type: QuestionAuthorType, businessId: number, name?: string) {
	if (!QUESTION_AUTHOR_TYPES.includes(type))
		throw new Error(`authorType must be one of ${QUESTION_AUTHOR_TYPES.join(', ')}`);
	const fallback: Record<QuestionAuthorType, string> = {
		BUSINESS: storeName.call(this, businessId),
		USER: 'Покупатель',
		VENDOR: 'Производитель',
		BRAND: 'Бренд',
	};
	return { type, name: name ?? fallback[type] };
}

export function addQuestion(this: HandlerHost, input: AddQuestionInput): QuestionRecord {
	if (!this.state.businesses.some((b) => b.id === input.businessId))
		throw new Error(`addQuestion: no business ${input.businessId}`);
	const id =
		input.questionId ??
		nextId(
			this.state.questions.map((q) => q.id),
			GOODS_FIXTURE_FACTS.firstCreatedQuestionId,
		);
	const question: QuestionRecord = {
		id,
		businessId: input.businessId,
		offerId: input.offerId,
		...(input.categoryId !== undefined ? { categoryId: input.categoryId } : {}),
		text: input.text ?? 'Подскажите, есть ли этот товар в другом цвете?',
		author: authorFor.call(this, 'USER', input.businessId, input.authorName),
		createdAt: formatMsk(
			input.createdAt !== undefined
				? timeInput.call(this, input.createdAt, 'addQuestion: createdAt')
				: this.clock() - MODERATION_DELAY_MS[this.moderationDelay],
		),
		votes: { likes: 0, dislikes: 0 },
	};
	this.state.questions.push(question);
	notify.call(this, {
		notificationType: 'QUESTION_CREATED',
		questionId: id,
		businessId: question.businessId,
		createdAt: question.createdAt,
	});
	return question;
}

function textFields(this: HandlerHost, input: AddAnswerInput, businessId: number, what: string) {
	const type = input.authorType ?? 'USER';
	return {
		text: input.text ?? 'Пользуюсь месяц — всё отлично.',
		author: authorFor.call(this, type, businessId, input.authorName),
		status: input.status ?? 'PUBLISHED',
		canModify: input.canModify ?? type === 'BUSINESS',
		createdAt: formatMsk(timeInput.call(this, input.createdAt, `${what}: createdAt`)),
	};
}

export function addAnswer(
	this: HandlerHost,
	questionId: number,
	input: AddAnswerInput = {},
): AnswerRecord {
	const q = this.state.questions.find((x) => x.id === questionId && !x.deleted);
	if (!q) throw new Error(`addAnswer: no question ${questionId}`);
	return createAnswer.call(this, q, textFields.call(this, input, q.businessId, 'addAnswer'));
}

export function addAnswerComment(
	this: HandlerHost,
	answerId: number,
	input: AddAnswerCommentInput = {},
): AnswerCommentRecord {
	const a = this.state.answers.find((x) => x.id === answerId && x.status !== 'DELETED');
	if (!a) throw new Error(`addAnswerComment: no answer ${answerId}`);
	if (
		input.parentId !== undefined &&
		!this.state.answerComments.some((c) => c.id === input.parentId && c.answerId === answerId)
	)
		throw new Error(`addAnswerComment: answer ${answerId} has no comment ${input.parentId}`);
	if (!roomForComment.call(this, a))
		throw new Error(`addAnswerComment: answer ${answerId} has ${MAX_ANSWER_COMMENTS} comments`);
	const fields = textFields.call(this, input, businessOfAnswer.call(this, a), 'addAnswerComment');
	return createComment.call(this, a, {
		...(input.parentId !== undefined ? { parentId: input.parentId } : {}),
		...fields,
	});
}

export function deleteQuestion(this: HandlerHost, questionId: number): void {
	const q = this.state.questions.find((x) => x.id === questionId);
	if (!q) throw new Error(`deleteQuestion: no question ${questionId}`);
	q.deleted = true;
}
