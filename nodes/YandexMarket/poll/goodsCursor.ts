/**
 * Where the Polling Trigger is in a business's reviews and questions: which window to list,
 * what is new, and the cursors kept in the workflow's static data. No requests here
 * (goods.ts makes them), so every rule can be checked alone.
 *
 * Market's spec leaves open the order of reviews ("by publication", no direction) and which
 * date getGoodsFeedbacks' dateTimeFrom filters on (creation or publication), and a review or
 * question can be published long after it was written. So neither cursor uses an order: each
 * poll reads every page of a window that holds everything new, and what is new is an ID it
 * has not listed before.
 *
 * Reviews. Every date the filter could mean lies between a review's `createdAt` and the
 * moment a listing first showed it. The window starts at `from` (Market's time of the last
 * poll, less a margin) once a listing has shown a review whose `createdAt` is at or before the
 * window's start, which only a filter on publication does; until then, or once a probe has
 * shown that the filter is on creation, it starts SAFETY_MS earlier, and a review published
 * more than SAFETY_MS after it was written is not seen. IDs are kept until no later window
 * can list them.
 *
 * Questions. Their dates are creation days (the spec says so). The window starts on a fixed
 * day, SAFETY_MS back, moved once an hour when every page is read again; between those reads
 * the window only grows, so the `totalCount` of its first page says whether anything is
 * listed that is neither on that page nor remembered: then every page is read.
 */
/** Market's times have whole seconds, and two of its servers' clocks may differ a little. */
export const SETTLE_MS = 2000;
/**
 * How long after it was written a review or question may be published and still be emitted
 * (when Market's filter is on the date it was written): 26 days, so that a question window
 * of whole days fits in the month getGoodsQuestions lists at most, in any time zone.
 */
export const SAFETY_MS = 26 * 86_400_000;
/** Extra time an ID is kept beyond the window it can be listed in (clock differences). */
export const KEEP_MARGIN_MS = 86_400_000;
/** Every page of the question window is read again this often (Market's clock). */
export const QUESTION_AUDIT_MS = 3_600_000;
/** IDs remembered per business and kind at most (the newest first seen are kept). */
export const MAX_SEEN = 10_000;

/** What getGoodsFeedbacks' date filter is seen to mean. */
export type ReviewDates = 'unknown' | 'published' | 'created';

export interface ReviewCursor {
	v: 1;
	businessId: number;
	/** Market's time of the first answer of the last complete poll, less SETTLE_MS. */
	from: number;
	dates: ReviewDates;
	/** feedbackId → Market's time of the last answer of the listing that first showed it. */
	seen: Record<string, number>;
	/** n8n's clock at the last complete poll: how long ago that was, whatever the clocks say. */
	local?: number;
}

export interface QuestionCursor {
	v: 1;
	businessId: number;
	/** The window's first day (dateFrom), kept between full reads. */
	day: string;
	/** Market's time of the last poll that read every page. */
	fullAt: number;
	/** Market's time of the last complete poll. */
	at: number;
	/** questionId → Market's time a listing first showed it: every question of the window. */
	seen: Record<string, number>;
	/** n8n's clock at the last complete poll. */
	local?: number;
}

/**
 * Market's time now, estimated from its time at the last poll and the time n8n's clock says
 * has passed since (the two clocks may differ; their rates do not).
 */
export function marketNowFrom(marketAt: number, localAt: number | undefined, localNow: number) {
	return marketAt + Math.max(0, localNow - (localAt ?? localNow));
}

export interface Listed {
	id: number;
	createdAt: number;
}

/** The Moscow calendar day of an instant (Market's days). */
export function moscowDay(ms: number): string {
	return new Date(ms + 3 * 3_600_000).toISOString().slice(0, 10);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null;
}

/** Keeps the `max` IDs most recently first seen. */
function bounded(seen: Record<string, number>): Record<string, number> {
	const entries = Object.entries(seen);
	if (entries.length <= MAX_SEEN) return seen;
	return Object.fromEntries(entries.sort(([, a], [, b]) => b - a).slice(0, MAX_SEEN));
}

// ----- reviews -------------------------------------------------------------

export function readReviewCursor(stored: unknown, businessId: number): ReviewCursor | undefined {
	if (!isObject(stored) || stored.v !== 1 || stored.businessId !== businessId) return undefined;
	if (typeof stored.from !== 'number' || !isObject(stored.seen)) return undefined;
	if (!['unknown', 'published', 'created'].includes(String(stored.dates))) return undefined;
	return stored as unknown as ReviewCursor;
}

/** The cursor of a first activation at Market's time `at`: the baseline listing comes next. */
export function startReviews(businessId: number, at: number): ReviewCursor {
	return { v: 1, businessId, from: at - SETTLE_MS, dates: 'unknown', seen: {} };
}

/** Where this poll's window starts (dateTimeFrom, exclusive). */
export function reviewWindowStart(cursor: ReviewCursor): number {
	return cursor.dates === 'published' ? cursor.from : cursor.from - SAFETY_MS;
}

/**
 * What a listing of the window after `start` shows of the filter: a review written at or
 * before `start` is there only when the filter is not on the date it was written.
 */
export function observeDates(dates: ReviewDates, listed: Listed[], start: number): ReviewDates {
	if (dates === 'published') return dates;
	return listed.some((r) => Number.isFinite(r.createdAt) && r.createdAt <= start)
		? 'published'
		: dates;
}

/** The listed reviews the cursor has not listed before. */
export function newReviews<T extends Listed>(cursor: ReviewCursor, listed: T[]): T[] {
	return listed.filter((r) => cursor.seen[String(r.id)] === undefined);
}

/**
 * A review that tells the two filters apart, if any: new, written before `from`. A filter on
 * publication lists it in the window after `from` (it was published after the last poll); a
 * filter on creation does not.
 */
export function probeCandidate<T extends Listed>(cursor: ReviewCursor, fresh: T[]): T | undefined {
	if (cursor.dates !== 'unknown') return undefined;
	return fresh.find((r) => Number.isFinite(r.createdAt) && r.createdAt <= cursor.from);
}

/**
 * The cursor after a complete poll whose listing was answered from `first` to `last`: the IDs
 * listed are remembered, and those no later window can list are let go of.
 */
export function advanceReviews(
	cursor: ReviewCursor,
	listed: Listed[],
	first: number,
	last: number,
	dates: ReviewDates,
): ReviewCursor {
	const seen = { ...cursor.seen };
	for (const r of listed) seen[String(r.id)] ??= last;
	const next: ReviewCursor = {
		...cursor,
		from: Math.max(cursor.from, first - SETTLE_MS),
		dates,
		seen,
	};
	// A review's filter date is before the answer that listed it: once that is before the next
	// window's start, no window lists it again.
	const start = reviewWindowStart(next) - KEEP_MARGIN_MS;
	next.seen = bounded(Object.fromEntries(Object.entries(seen).filter(([, t]) => t > start)));
	return next;
}

// ----- questions -----------------------------------------------------------

export function readQuestionCursor(
	stored: unknown,
	businessId: number,
): QuestionCursor | undefined {
	if (!isObject(stored) || stored.v !== 1 || stored.businessId !== businessId) return undefined;
	if (typeof stored.day !== 'string' || typeof stored.at !== 'number' || !isObject(stored.seen))
		return undefined;
	return stored as unknown as QuestionCursor;
}

/** The window's first day for a full read at Market's time `at`. */
export function questionDay(at: number): string {
	return moscowDay(at - SAFETY_MS);
}

/**
 * Whether this poll, at Market's time `now` (estimated), reads every page (and moves the
 * window's first day): once an hour, and after n8n was away.
 */
export function questionAuditDue(cursor: QuestionCursor, now = cursor.at): boolean {
	return Math.max(now, cursor.at) + SETTLE_MS - cursor.fullAt >= QUESTION_AUDIT_MS;
}

/**
 * Whether the window holds a question beyond its first page that the cursor does not know:
 * Market counts `total` questions in the window, `page` are on its first page, and every
 * question the cursor remembers is in the window (it only grew since the last full read). A
 * question deleted since can hide one that is new: the hourly full read finds that one.
 */
export function unknownBeyond(
	cursor: QuestionCursor,
	page: Listed[],
	total: number | undefined,
): boolean {
	if (typeof total !== 'number' || !Number.isFinite(total)) return true;
	const onPage = new Set(page.map((q) => String(q.id)));
	const knownBeyond = Object.keys(cursor.seen).filter((id) => !onPage.has(id)).length;
	return total - page.length !== knownBeyond;
}

export function newQuestions<T extends Listed>(cursor: QuestionCursor, listed: T[]): T[] {
	return listed.filter((q) => cursor.seen[String(q.id)] === undefined);
}

/**
 * The cursor after a complete poll at Market's time `at`. `full`: every page of the window
 * starting on `day` was read, so what it remembers is exactly what was listed.
 */
export function advanceQuestions(
	cursor: QuestionCursor,
	listed: Listed[],
	at: number,
	full: { day: string } | undefined,
): QuestionCursor {
	const seen: Record<string, number> = full ? {} : { ...cursor.seen };
	for (const q of listed) seen[String(q.id)] = cursor.seen[String(q.id)] ?? at;
	return {
		...cursor,
		day: full ? full.day : cursor.day,
		fullAt: full ? at : cursor.fullAt,
		at: Math.max(cursor.at, at),
		seen: bounded(seen),
	};
}

/**
 * The cursor of a first activation, from a listing of Market's default month (which holds the
 * window): every question listed now is known, none new; the next poll reads the window whole.
 */
export function startQuestions(businessId: number, listed: Listed[], at: number): QuestionCursor {
	const start: QuestionCursor = { v: 1, businessId, day: questionDay(at), fullAt: 0, at, seen: {} };
	return { ...advanceQuestions(start, listed, at, undefined), fullAt: 0 };
}
