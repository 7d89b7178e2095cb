/**
 * Reviews (goods feedback): the five methods under /v2/businesses/{businessId}/goods-feedback and
 * the buyer actions of the admin API.
 *
 * - A review is listed once published (publishedAt not after now) and until its buyer or Market
 *   deletes it; its comments are listed unless deleted (status DELETED) or their review is.
 * - getGoodsFeedbacks: `feedbackIds` alone, or the other filters (AND-ed) within a window of at
 *   most 6 calendar months (Moscow time; default: the 6 months before `dateTimeTo`, default now),
 *   both ends exclusive. The window applies to `feedbackDateFilter`'s date.
 * - A comment of the store (author BUSINESS), via the API or the cabinet, sets the review's
 *   needReaction to false, as skipGoodsFeedbacksReaction does. Buyers' comments leave it as is.
 * - The store may edit and delete only comments with canModify (400 otherwise); unknown reviews
 *   and comments, and those of other businesses, are 404.
 * - Every new comment, the store's own included, notifies GOODS_FEEDBACK_COMMENT_CREATED; a
 *   published review notifies GOODS_FEEDBACK_CREATED.
 */
import type {
	FeedbackCommentAuthorType,
	FeedbackCommentRecord,
	FeedbackRecord,
	TextStatus,
} from './goodsFixtures';
import { FEEDBACK_COMMENT_AUTHOR_TYPES, GOODS_FIXTURE_FACTS } from './goodsFixtures';
import {
	MODERATION_DELAY_MS,
	type AddFeedbackCommentInput,
	type AddFeedbackInput,
} from './goodsTypes';
import {
	boolField,
	checkFeedbackCommentText,
	childPage,
	checkSourceType,
	dateTimeAt,
	enumField,
	given,
	goodsList,
	idItem,
	intAt,
	listField,
	nextId,
	notify,
	objectAt,
	pushWithNextId,
	shopSku,
	storeName,
	textAt,
	timeInput,
} from './goods';
import type { Ctx, HandlerHost } from './handlers';
import { MAX_FEEDBACK_COMMENT_LENGTH } from './operations';
import { formatMsk, monthsBefore } from './time';
import type { OperationId } from './types';
import { badRequest, jsonBody, notFound, optionalJsonBody, type Reply } from './validation';

/** The filters of GetGoodsFeedbackRequest that `feedbackIds` must not be combined with. */
const OTHER_FILTERS = [
	'dateTimeFrom',
	'dateTimeTo',
	'reactionStatus',
	'ratingValues',
	'offerIds',
	'paid',
] as const;
const MAX_WINDOW_MONTHS = 6;

// ----- lookups and rendering ---------------------------------------------

function isListed(this: HandlerHost, f: FeedbackRecord): boolean {
	return !f.deleted && Date.parse(f.publishedAt) <= this.clock();
}

/** A listed review of the business, or 404. */
function findFeedback(this: HandlerHost, businessId: number, feedbackId: number): FeedbackRecord {
	const f = this.state.feedbacks.find(
		(r) => r.feedbackId === feedbackId && r.businessId === businessId,
	);
	if (!f || !isListed.call(this, f)) throw notFound(`Feedback ${feedbackId} not found`);
	return f;
}

/** The listed comments of a listed review. */
function commentsOf(this: HandlerHost, feedback: FeedbackRecord): FeedbackCommentRecord[] {
	return this.state.feedbackComments.filter(
		(c) => c.feedbackId === feedback.feedbackId && c.status !== 'DELETED',
	);
}

function findComment(this: HandlerHost, feedback: FeedbackRecord, id: number) {
	const c = commentsOf.call(this, feedback).find((x) => x.id === id);
	if (!c) throw notFound(`Comment ${id} not found on feedback ${feedback.feedbackId}`);
	return c;
}

function feedbackDTO(this: HandlerHost, f: FeedbackRecord) {
	const identifiers: Record<string, unknown> = {};
	if (f.orderId !== undefined) identifiers.orderId = f.orderId;
	identifiers.offerId = f.offerId;
	const dto: Record<string, unknown> = {
		feedbackId: f.feedbackId,
		createdAt: f.createdAt,
		needReaction: f.needReaction,
		identifiers,
	};
	if (f.author !== undefined) dto.author = f.author;
	const description: Record<string, string> = {};
	for (const k of ['advantages', 'disadvantages', 'comment'] as const)
		if (f[k] !== undefined) description[k] = f[k];
	if (Object.keys(description).length) dto.description = description;
	const media: Record<string, string[]> = {};
	if (f.photos?.length) media.photos = [...f.photos];
	if (f.videos?.length) media.videos = [...f.videos];
	if (Object.keys(media).length) dto.media = media;
	const statistics: Record<string, unknown> = {
		rating: f.rating,
		// "Only answers to the review count, not replies to comments."
		commentsCount: commentsOf.call(this, f).filter((c) => c.parentId === undefined).length,
	};
	if (f.recommended !== undefined) statistics.recommended = f.recommended;
	if (f.paidAmount !== undefined) statistics.paidAmount = f.paidAmount;
	dto.statistics = statistics;
	return dto;
}

function commentDTO(c: FeedbackCommentRecord) {
	const dto: Record<string, unknown> = { id: c.id, text: c.text, canModify: c.canModify };
	if (c.parentId !== undefined) dto.parentId = c.parentId;
	dto.author = { ...c.author };
	dto.status = c.status;
	dto.feedbackId = c.feedbackId;
	return dto;
}

/** Adds a comment (the store's or anyone's) and notifies it. */
function createComment(
	this: HandlerHost,
	feedback: FeedbackRecord,
	fields: Omit<FeedbackCommentRecord, 'id' | 'feedbackId'>,
): FeedbackCommentRecord {
	const comment = pushWithNextId(
		this.state.feedbackComments,
		GOODS_FIXTURE_FACTS.firstCreatedFeedbackCommentId,
		{ feedbackId: feedback.feedbackId, ...fields },
	);
	if (comment.author.type === 'BUSINESS') feedback.needReaction = false;
	notify.call(
		this,
		{
			notificationType: 'GOODS_FEEDBACK_COMMENT_CREATED',
			commentId: comment.id,
			businessId: feedback.businessId,
			createdAt: comment.createdAt,
		},
		comment.author.type,
	);
	return comment;
}

// ----- operations --------------------------------------------------------

/** The window of dateTimeFrom/dateTimeTo (exclusive), at most 6 months. */
function feedbackWindow(this: HandlerHost, body: Record<string, unknown>) {
	const to = given(body, 'dateTimeTo')
		? dateTimeAt(body.dateTimeTo, 'body.dateTimeTo')
		: this.clock();
	const earliest = monthsBefore(to, MAX_WINDOW_MONTHS);
	const from = given(body, 'dateTimeFrom')
		? dateTimeAt(body.dateTimeFrom, 'body.dateTimeFrom')
		: earliest;
	if (from >= to) throw badRequest('body.dateTimeFrom must be before body.dateTimeTo');
	if (from < earliest) {
		throw badRequest(
			`body.dateTimeFrom and body.dateTimeTo must be at most ${MAX_WINDOW_MONTHS} months apart: dateTimeFrom must not be before ${formatMsk(earliest)}`,
		);
	}
	return { from, to };
}

function getGoodsFeedbacks(this: HandlerHost, ctx: Ctx): Reply {
	const body = optionalJsonBody(ctx);
	const feedbackIds = listField(body, 'feedbackIds', 50, idItem());
	const combined = OTHER_FILTERS.filter((f) => given(body, f));
	if (feedbackIds && combined.length) {
		throw badRequest(
			`body.feedbackIds cannot be combined with other filters (${combined.map((f) => `body.${f}`).join(', ')})`,
		);
	}
	const reactionStatus = enumField(body, 'reactionStatus', ['ALL', 'NEED_REACTION'] as const);
	const ratingValues = listField(body, 'ratingValues', 5, idItem());
	const offerIds = listField(body, 'offerIds', 20, shopSku);
	const paid = boolField(body, 'paid');
	const window = feedbackIds ? undefined : feedbackWindow.call(this, body);

	const dateOf = (f: FeedbackRecord) =>
		Date.parse(this.feedbackDateFilter === 'created' ? f.createdAt : f.publishedAt);
	const feedbacks = this.state.feedbacks.filter(
		(f) =>
			f.businessId === ctx.businessId &&
			isListed.call(this, f) &&
			(!feedbackIds || feedbackIds.includes(f.feedbackId)) &&
			(!window || (dateOf(f) > window.from && dateOf(f) < window.to)) &&
			(reactionStatus !== 'NEED_REACTION' || f.needReaction) &&
			(!ratingValues || ratingValues.includes(f.rating)) &&
			(!offerIds || offerIds.includes(f.offerId)) &&
			(paid === undefined || (f.paidAmount ?? 0) > 0 === paid),
	);
	// Normalised, so the same filters in another order or spelling share tokens.
	const filters = {
		feedbackIds: feedbackIds ? [...feedbackIds].sort((a, b) => a - b) : null,
		from: given(body, 'dateTimeFrom') ? window?.from : null,
		to: given(body, 'dateTimeTo') ? window?.to : null,
		reactionStatus: reactionStatus ?? 'ALL',
		ratingValues: ratingValues ? [...ratingValues].sort((a, b) => a - b) : null,
		offerIds: offerIds ? [...offerIds].sort() : null,
		paid: paid ?? null,
		date: this.feedbackDateFilter,
	};
	return goodsList(this, ctx, feedbacks, {
		order: this.feedbackOrder,
		at: (f) => (this.feedbackOrder === 'createdDesc' ? f.createdAt : f.publishedAt),
		id: (f) => f.feedbackId,
		scope: `feedbacks|${JSON.stringify(filters)}`,
		name: 'feedbacks',
		render: (f) => feedbackDTO.call(this, f),
	});
}

function getGoodsFeedbackComments(this: HandlerHost, ctx: Ctx): Reply {
	checkSourceType(ctx);
	return childPage(this, ctx, {
		parentField: 'feedbackId',
		idsField: 'commentIds',
		exclusive: true,
		findParent: (id) => findFeedback.call(this, ctx.businessId, id),
		parents: () =>
			this.state.feedbacks.filter((f) => f.businessId === ctx.businessId && isListed.call(this, f)),
		childrenOf: (f) => commentsOf.call(this, f),
		order: this.feedbackCommentOrder,
		items: 'comments',
		render: commentDTO,
	});
}

/**
 * No comment.id: a new comment of the store, every time (not idempotent); with parentId it
 * answers that comment. comment.id: edits that comment (parentId is then ignored, as the spec
 * says).
 */
function updateGoodsFeedbackComment(this: HandlerHost, ctx: Ctx): Reply {
	checkSourceType(ctx);
	const body = jsonBody(ctx);
	if (!given(body, 'feedbackId')) throw badRequest('body.feedbackId is required');
	const feedbackId = intAt(body.feedbackId, 'body.feedbackId');
	if (!given(body, 'comment')) throw badRequest('body.comment is required');
	const input = objectAt(body.comment, 'body.comment');
	const text = textAt(input.text, 'body.comment.text', MAX_FEEDBACK_COMMENT_LENGTH);
	checkFeedbackCommentText(text, 'body.comment.text');
	const id = given(input, 'id') ? intAt(input.id, 'body.comment.id') : undefined;
	const parentId = given(input, 'parentId')
		? intAt(input.parentId, 'body.comment.parentId')
		: undefined;

	const feedback = findFeedback.call(this, ctx.businessId, feedbackId);
	let comment: FeedbackCommentRecord;
	if (id !== undefined) {
		comment = findComment.call(this, feedback, id);
		if (!comment.canModify)
			throw badRequest(`Comment ${id} cannot be changed by the store (canModify is false)`);
		comment.text = text;
	} else {
		if (parentId !== undefined) findComment.call(this, feedback, parentId);
		comment = createComment.call(this, feedback, {
			...(parentId !== undefined ? { parentId } : {}),
			text,
			author: { type: 'BUSINESS', name: storeName.call(this, ctx.businessId) },
			status: 'PUBLISHED',
			canModify: true,
			createdAt: formatMsk(this.clock()),
		});
	}
	return { status: 200, body: { status: 'OK', result: commentDTO(comment) } };
}

function deleteGoodsFeedbackComment(this: HandlerHost, ctx: Ctx): Reply {
	checkSourceType(ctx);
	const body = jsonBody(ctx);
	if (!given(body, 'id')) throw badRequest('body.id is required');
	const id = intAt(body.id, 'body.id');
	const comment = this.state.feedbackComments.find((c) => c.id === id && c.status !== 'DELETED');
	const feedback = comment && this.state.feedbacks.find((f) => f.feedbackId === comment.feedbackId);
	if (
		!comment ||
		!feedback ||
		feedback.businessId !== ctx.businessId ||
		!isListed.call(this, feedback)
	)
		throw notFound(`Comment ${id} not found`);
	if (!comment.canModify)
		throw badRequest(`Comment ${id} cannot be deleted by the store (canModify is false)`);
	comment.status = 'DELETED';
	return { status: 200, body: { status: 'OK' } };
}

/** Every review must be there (404 naming the others, and nothing changes). */
function skipGoodsFeedbacksReaction(this: HandlerHost, ctx: Ctx): Reply {
	checkSourceType(ctx);
	const body = jsonBody(ctx);
	const ids = listField(body, 'feedbackIds', 50, idItem());
	if (!ids) throw badRequest('body.feedbackIds is required');
	const found = ids.map((id) =>
		this.state.feedbacks.find(
			(f) => f.feedbackId === id && f.businessId === ctx.businessId && isListed.call(this, f),
		),
	);
	const missing = ids.filter((_, i) => !found[i]);
	if (missing.length) throw notFound(`Feedbacks not found: ${missing.join(', ')}`);
	for (const f of found) f!.needReaction = false;
	return { status: 200, body: { status: 'OK' } };
}

export const FEEDBACK_HANDLERS = {
	getGoodsFeedbacks,
	getGoodsFeedbackComments,
	updateGoodsFeedbackComment,
	deleteGoodsFeedbackComment,
	skipGoodsFeedbacksReaction,
} satisfies Partial<Record<OperationId, (this: HandlerHost, ctx: Ctx) => Reply>>;

// ----- buyer actions (admin API) -----------------------------------------

export function addFeedback(this: HandlerHost, input: AddFeedbackInput): FeedbackRecord {
	if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5)
		throw new Error(`addFeedback: rating must be 1 to 5, got ${input.rating}`);
	if (!this.state.businesses.some((b) => b.id === input.businessId))
		throw new Error(`addFeedback: no business ${input.businessId}`);
	const published = timeInput.call(this, input.publishedAt, 'addFeedback: publishedAt');
	if (published > this.clock())
		throw new Error(
			'addFeedback: publishedAt is later than now; add the review when it is published',
		);
	const created =
		input.createdAt !== undefined
			? timeInput.call(this, input.createdAt, 'addFeedback: createdAt')
			: published - (input.moderationMs ?? MODERATION_DELAY_MS[this.moderationDelay]);
	if (created > published) throw new Error('addFeedback: createdAt is later than publishedAt');
	const { businessId, offerId, rating, moderationMs: _, ...rest } = input;
	const feedback: FeedbackRecord = {
		...rest,
		feedbackId:
			input.feedbackId ??
			nextId(
				this.state.feedbacks.map((f) => f.feedbackId),
				GOODS_FIXTURE_FACTS.firstCreatedFeedbackId,
			),
		businessId,
		offerId,
		rating,
		createdAt: formatMsk(created),
		publishedAt: formatMsk(published),
		needReaction: true,
	};
	this.state.feedbacks.push(feedback);
	// Market notifies once the review is published.
	notify.call(this, {
		notificationType: 'GOODS_FEEDBACK_CREATED',
		feedbackId: feedback.feedbackId,
		businessId,
		createdAt: feedback.createdAt,
		publishedAt: feedback.publishedAt,
	});
	return feedback;
}

function defaultName(this: HandlerHost, type: FeedbackCommentAuthorType, f: FeedbackRecord) {
	if (type === 'BUSINESS') return storeName.call(this, f.businessId);
	return type === 'BRAND' ? 'Бренд' : (f.author ?? 'Покупатель');
}

export function addFeedbackComment(
	this: HandlerHost,
	feedbackId: number,
	input: AddFeedbackCommentInput = {},
): FeedbackCommentRecord {
	const feedback = this.state.feedbacks.find((f) => f.feedbackId === feedbackId && !f.deleted);
	if (!feedback) throw new Error(`addFeedbackComment: no review ${feedbackId}`);
	const type: FeedbackCommentAuthorType = input.authorType ?? 'USER';
	if (!FEEDBACK_COMMENT_AUTHOR_TYPES.includes(type))
		throw new Error(
			`addFeedbackComment: authorType must be one of ${FEEDBACK_COMMENT_AUTHOR_TYPES.join(', ')}`,
		);
	if (
		input.parentId !== undefined &&
		!this.state.feedbackComments.some((c) => c.id === input.parentId && c.feedbackId === feedbackId)
	)
		throw new Error(`addFeedbackComment: review ${feedbackId} has no comment ${input.parentId}`);
	const status: TextStatus = input.status ?? 'PUBLISHED';
	return createComment.call(this, feedback, {
		...(input.parentId !== undefined ? { parentId: input.parentId } : {}),
		text: input.text ?? 'Спасибо за ответ!',
		author: { type, name: input.authorName ?? defaultName.call(this, type, feedback) },
		status,
		canModify: input.canModify ?? type === 'BUSINESS',
		createdAt: formatMsk(timeInput.call(this, input.createdAt, 'addFeedbackComment: createdAt')),
	});
}

export function deleteFeedback(this: HandlerHost, feedbackId: number): void {
	const feedback = this.state.feedbacks.find((f) => f.feedbackId === feedbackId);
	if (!feedback) throw new Error(`deleteFeedback: no review ${feedbackId}`);
	feedback.deleted = true;
}
