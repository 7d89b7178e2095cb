/**
 * One poll of the Polling Trigger for new reviews or new questions, from the cursor to the
 * items (goodsCursor.ts has the rules):
 *   reviews: every page of the window (getGoodsFeedbacks), or, once Market has shown the
 *   direction of its order, the pages where new reviews can be; and once, when a new review
 *   tells which date Market's filter means, the window after the last poll (one more request);
 *   questions: the first page of the window (getGoodsQuestions), and every page when its count
 *   shows one the cursor does not know, or once an hour.
 * Items are Review → Get's and Question → Get's output, with the ID, text, rating and author at
 * the top. Every request goes through the shared transport (pacing, waits on 420, retries).
 */
import type { IDataObject, INodeExecutionData, IPollFunctions, NodeApiError } from 'n8n-workflow';
import { asNodeError } from '../shared/errors';
import { memory } from '../shared/memory';
import { inSequence } from '../shared/pacing';
import { fetchPages } from '../shared/pager';
import { answeredAt } from '../shared/transport';
import { marketTime } from './cursor';
import { dateWindows } from '../shared/windows';
import { questionEvent } from '../resources/question/shared';
import { reviewEvent } from '../resources/review/shared';
import {
	advanceQuestions,
	advanceReviews,
	marketNowFrom,
	newQuestions,
	newReviews,
	observeDates,
	NO_ORDER,
	observeOrder,
	pagesSuffice,
	probeCandidate,
	publicationWindowStart,
	questionAuditDue,
	questionDay,
	readQuestionCursor,
	readReviewCursor,
	reviewFullRead,
	reviewOrderOf,
	reviewWindowStart,
	SAFETY_MS,
	settledPage,
	startQuestions,
	startReviews,
	unknownBeyond,
	type Listed,
	type QuestionCursor,
	type ReviewCursor,
	type ReviewOrder,
} from './goodsCursor';

/** What a review and question poll needs to know. */
export interface GoodsOptions {
	businessId: number;
	deadline: number;
	/** How long a spent hourly quota is waited out inside a poll. */
	rateLimitWaitMs: number;
	/** Identifies this trigger in this n8n process. */
	key: string;
}

/** A manual test run looks for the latest review among those of this last stretch. */
const SAMPLE_REVIEW_MS = 7 * 86_400_000;
/** The most Market lists reviews for at once (GetGoodsFeedbackRequest). */
const REVIEW_WINDOW_MONTHS = 6;

/**
 * Where each trigger's first activation left its cursors in this n8n process (see poll.ts:
 * with durable poll cursors n8n does not keep the activation's own poll).
 */
const firstActivations = memory.goodsFirstActivations;

interface Entry extends Listed {
	dto: IDataObject;
}

interface Listing {
	entries: Entry[];
	/** Market's times of the first and the last answer. */
	first: number;
	last: number;
	/** Every page was read. */
	complete: boolean;
	/** Market's count of the first page (questions). */
	total?: number;
	/** The page token that fetched the last page listing something (none: the first page). */
	tail?: string;
}

interface Walk {
	/** Ends the walk after this page (`index` 0 is the first page read). */
	stop?: (page: Entry[], total: number | undefined, index: number) => boolean;
	/** The page token to start at. */
	from?: string;
}

/**
 * Lists every page of each body, once per ID, unless `walk.stop` ends it. Without Market's
 * Date, the local clock stands in.
 */
async function list(
	this: IPollFunctions,
	options: GoodsOptions,
	operationId: 'getGoodsFeedbacks' | 'getGoodsQuestions',
	bodies: IDataObject[],
	idOf: (dto: IDataObject) => unknown,
	walk: Walk = {},
): Promise<Listing> {
	const entries: Entry[] = [];
	const ids = new Set<number>();
	let first: number | undefined;
	let last = 0;
	let total: number | undefined;
	let complete = true;
	let pages = 0;
	let tail = walk.from;
	for (const body of bodies) {
		const result = await fetchPages.call(
			this,
			{
				operationId,
				body,
				businessId: options.businessId,
				deadline: options.deadline,
				maxRateLimitWaitMs: options.rateLimitWaitMs,
			},
			{
				from: walk.from,
				onPage: (page, response, token) => {
					const at = answeredAt(response) ?? Date.now();
					first ??= at;
					last = Math.max(last, at);
					const mapped = page.map((dto) => ({
						id: Number(idOf(dto)),
						createdAt: marketTime(dto.createdAt),
						dto,
					}));
					for (const entry of mapped)
						if (Number.isFinite(entry.id) && !ids.has(entry.id) && ids.add(entry.id))
							entries.push(entry);
					// Where Market ends a list with an empty page, the last page is the one before.
					if (page.length > 0) tail = token;
					if (pages === 0) {
						const count = (response.body.result as IDataObject | undefined)?.totalCount;
						total = typeof count === 'number' ? count : undefined;
					}
					return !walk.stop?.(mapped, total, pages++);
				},
			},
		);
		complete &&= result.complete;
	}
	return { entries, first: first ?? Date.now(), last: last || Date.now(), complete, total, tail };
}

/** A new review's item, as the webhook trigger's: ID, text, rating and author on top, the review below. */
function reviewPollItem(review: IDataObject, businessId: number): INodeExecutionData {
	return {
		json: {
			notificationType: 'GOODS_FEEDBACK_CREATED',
			businessId,
			...reviewEvent(review, businessId),
		},
	};
}

/** A new question's item, as the webhook trigger's: ID, text and author on top, the question below. */
function questionPollItem(question: IDataObject, businessId: number): INodeExecutionData {
	return {
		json: {
			notificationType: 'QUESTION_CREATED',
			businessId,
			...questionEvent(question, businessId),
		},
	};
}

const reviewId = (dto: IDataObject) => dto.feedbackId;
const questionId = (dto: IDataObject) => (dto.questionIdentifiers as IDataObject | undefined)?.id;

/**
 * Bodies listing reviews after `start` up to `end` (both exclusive), in windows Market takes;
 * `open`: the last window has no end, so it lists up to Market's now.
 */
function reviewBodies(start: number, end: number, open = true): IDataObject[] {
	const windows = dateWindows(new Date(start), new Date(end), REVIEW_WINDOW_MONTHS, 'dateTime');
	return windows.map(([dateTimeFrom, dateTimeTo], i) =>
		open && i === windows.length - 1 ? { dateTimeFrom } : { dateTimeFrom, dateTimeTo },
	);
}

/**
 * Bodies of the hourly full read: the questions asked from SAFETY_MS before the last poll up to
 * today, in windows of a month at most (after n8n was down, more than one).
 */
function auditBodies(lastPoll: number, now: number, sort: string): IDataObject[] {
	const first = new Date(`${questionDay(lastPoll)}T00:00:00Z`);
	const windows = dateWindows(first, new Date(now), 1, 'day');
	// The last window stays open: questions up to Market's today.
	return windows.map(([dateFrom, dateTo], i) =>
		i < windows.length - 1 ? { dateFrom, dateTo, sort } : { dateFrom, sort },
	);
}

/** Market's time now, from the Date of one small answer (a first activation only). */
async function marketNow(this: IPollFunctions, options: GoodsOptions): Promise<number> {
	let at: number | undefined;
	await fetchPages.call(
		this,
		{
			operationId: 'getGoodsFeedbacks',
			body: {},
			businessId: options.businessId,
			deadline: options.deadline,
			maxRateLimitWaitMs: options.rateLimitWaitMs,
		},
		{
			wanted: 1,
			onPage: (_page, response) => {
				at = answeredAt(response);
				return false;
			},
		},
	);
	return at ?? Date.now();
}

function stored<T>(
	context: IPollFunctions,
	field: string,
	key: string,
	read: (value: unknown) => T | undefined,
): T | undefined {
	const staticData = context.getWorkflowStaticData('node');
	return read(staticData[field]) ?? read(firstActivations.get(`${key}|${field}`));
}

function keep(this: IPollFunctions, field: string, key: string, value: object, first: boolean) {
	// A new object each time: n8n saves static data only when it sees a new value.
	this.getWorkflowStaticData('node')[field] = value as IDataObject;
	if (first) firstActivations.set(`${key}|${field}`, value);
}

/**
 * The pages of the review window where new reviews can be, in the order Market has shown:
 * from the first page to one that holds a review listed an hour before the last poll (latest
 * first), or from the window's last page on (earliest first: a review Market lists late,
 * before that page, comes with the hourly read). Undefined when those pages do not show that
 * they hold all that is new (the order did not hold, or Market refused the token): read every
 * page, and, where the order did not hold, every poll until Market shows one again.
 */
async function readWhereNew(
	this: IPollFunctions,
	options: GoodsOptions,
	cursor: ReviewCursor,
	now: number,
): Promise<{ listing?: Listing; order: ReviewOrder }> {
	const bodies = reviewBodies(cursor.base, now);
	if (bodies.length !== 1) return { order: cursor.order };
	const latestFirst = reviewOrderOf(cursor.order) === 'desc';
	const from = latestFirst ? undefined : cursor.tail;
	let listing: Listing;
	try {
		const walk = latestFirst ? { stop: (page: Entry[]) => settledPage(cursor, page) } : { from };
		listing = await list.call(this, options, 'getGoodsFeedbacks', bodies, reviewId, walk);
	} catch (error) {
		// A token Market no longer takes: read the window from its start.
		const failure = asNodeError(this.getNode(), error);
		if (from && (failure as NodeApiError).httpCode === '400') return { order: cursor.order };
		throw failure;
	}
	// Only a walk to the window's end knows its last page.
	if (latestFirst && !listing.complete) listing.tail = cursor.tail;
	const order = observeOrder(cursor.order, cursor.seen, listing.entries);
	// Walked from the first page to the last: that is the whole window, in any order.
	const whole = listing.complete && from === undefined;
	if (whole || pagesSuffice(cursor, listing.entries)) return { listing, order };
	// Not the order shown (or the reviews listed last are gone): every page from now on, until
	// Market shows an order again; skipping on would cost a failed short read each poll.
	return { order: { ...NO_ORDER } };
}

/** New reviews since the last poll; the first activation lists the window and emits nothing. */
export async function pollReviews(
	this: IPollFunctions,
	options: GoodsOptions,
): Promise<INodeExecutionData[]> {
	return await inSequence(`${options.key}|reviews`, async () => {
		const read = (value: unknown) => readReviewCursor(value, options.businessId);
		const before = stored(this, 'reviews', options.key, read);
		const cursor: ReviewCursor =
			before ?? startReviews(options.businessId, await marketNow.call(this, options));
		const now = marketNowFrom(cursor.from, cursor.local, Date.now());
		let order = cursor.order;
		let listing: Listing | undefined;
		if (before && !reviewFullRead(cursor, now))
			({ listing, order } = await readWhereNew.call(this, options, cursor, now));
		const full = listing === undefined;
		// A full read starts the window anew: SAFETY_MS before the last poll.
		const base = full ? cursor.from - SAFETY_MS : cursor.base;
		const start = reviewWindowStart({ ...cursor, base });
		if (!listing) {
			const bodies = reviewBodies(start, now);
			listing = await list.call(this, options, 'getGoodsFeedbacks', bodies, reviewId);
			// The page token and the order are those of one listing: the window's, in one body.
			if (bodies.length > 1) listing.tail = undefined;
			else if (before) order = observeOrder(order, cursor.seen, listing.entries);
		}
		let dates = observeDates(cursor.dates, listing.entries, start);
		// Pages were skipped since the last full read, and this one moves the window's start:
		// what was written in between and not seen yet is looked for there once more.
		if (
			full &&
			before &&
			cursor.dates !== 'published' &&
			reviewOrderOf(cursor.order) &&
			base > cursor.base
		) {
			const between = reviewBodies(cursor.base, base + 1000, false);
			const extra = await list.call(this, options, 'getGoodsFeedbacks', between, reviewId);
			// Listed in a window from the former start: it tells the filter against that start.
			dates = observeDates(dates, extra.entries, cursor.base);
			const ids = new Set(listing.entries.map((r) => r.id));
			listing.entries.push(...extra.entries.filter((r) => !ids.has(r.id)));
			listing.last = Math.max(listing.last, extra.last);
		}
		const fresh = before ? newReviews(cursor, listing.entries) : [];
		const candidate = probeCandidate({ ...cursor, dates }, fresh);
		if (candidate) {
			// Published after the last poll, written before it: only a filter on publication lists it.
			const probe = await list.call(
				this,
				options,
				'getGoodsFeedbacks',
				reviewBodies(publicationWindowStart(cursor), now),
				reviewId,
			);
			dates = probe.entries.some((r) => r.id === candidate.id) ? 'published' : 'created';
		}
		const next = advanceReviews(cursor, listing.entries, listing.first, listing.last, {
			dates,
			order,
			base,
			tail: listing.tail,
			...(full ? { fullAt: listing.first } : {}),
		});
		keep.call(this, 'reviews', options.key, { ...next, local: Date.now() }, !before);
		return fresh
			.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)
			.map((r) => reviewPollItem(r.dto, options.businessId));
	});
}

/** New questions since the last poll; the first activation lists the month and emits nothing. */
export async function pollQuestions(
	this: IPollFunctions,
	options: GoodsOptions,
): Promise<INodeExecutionData[]> {
	return await inSequence(`${options.key}|questions`, async () => {
		const read = (value: unknown) => readQuestionCursor(value, options.businessId);
		const before = stored(this, 'questions', options.key, read);
		// Newest first, as the spec states: new questions are then on the first page.
		const sort = 'CREATED_AT_DESC';
		if (!before) {
			const listing = await list.call(this, options, 'getGoodsQuestions', [{ sort }], questionId);
			const cursor = startQuestions(options.businessId, listing.entries, listing.first);
			keep.call(this, 'questions', options.key, { ...cursor, local: Date.now() }, true);
			return [];
		}
		const now = marketNowFrom(before.at, before.local, Date.now());
		const audit = questionAuditDue(before, now);
		const listing = await list.call(
			this,
			options,
			'getGoodsQuestions',
			audit ? auditBodies(before.at, now, sort) : [{ dateFrom: before.day, sort }],
			questionId,
			audit
				? {}
				: { stop: (page, total, index) => index === 0 && !unknownBeyond(before, page, total) },
		);
		const fresh = newQuestions(before, listing.entries);
		// After a full read the window starts SAFETY_MS before now: one request from then on.
		const day = audit ? questionDay(listing.first) : before.day;
		const next: QuestionCursor = advanceQuestions(
			before,
			listing.entries,
			listing.first,
			listing.complete ? { day } : undefined,
		);
		keep.call(this, 'questions', options.key, { ...next, local: Date.now() }, false);
		return fresh
			.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)
			.map((q) => questionPollItem(q.dto, options.businessId));
	});
}

/** A manual test run: the latest review or question Market lists now. Touches no cursor. */
export async function sampleGoods(
	this: IPollFunctions,
	options: GoodsOptions,
	kind: 'review' | 'question',
): Promise<INodeExecutionData | undefined> {
	// Market's order of reviews is not stated: every page of the last week, else the first page.
	const week = async () => {
		const at = await marketNow.call(this, options);
		return { dateTimeFrom: new Date(at - SAMPLE_REVIEW_MS).toISOString() };
	};
	let listing =
		kind === 'review'
			? await list.call(this, options, 'getGoodsFeedbacks', [await week()], reviewId)
			: await list.call(
					this,
					options,
					'getGoodsQuestions',
					[{ sort: 'CREATED_AT_DESC' }],
					questionId,
					{ stop: () => true },
				);
	if (kind === 'review' && listing.entries.length === 0)
		listing = await list.call(this, options, 'getGoodsFeedbacks', [{}], reviewId, {
			stop: () => true,
		});
	const latest = listing.entries
		.filter((e) => Number.isFinite(e.createdAt))
		.sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)[0];
	if (!latest) return undefined;
	return kind === 'review'
		? reviewPollItem(latest.dto, options.businessId)
		: questionPollItem(latest.dto, options.businessId);
}
