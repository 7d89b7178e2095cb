/**
 * Where the Polling Trigger is in a business's reviews and questions: which window to list,
 * what is new, and the cursors kept in the workflow's static data. No requests here
 * (goods.ts makes them), so every rule can be checked alone.
 *
 * Market's spec leaves open the order of reviews ("by publication", no direction) and which
 * date getGoodsFeedbacks' dateTimeFrom filters on (creation or publication), and a review or
 * question can be published long after it was written. So neither cursor trusts an order or a
 * date it has not seen hold: what is new is an ID it has not listed before, in a window that
 * holds everything new.
 *
 * Reviews. Every date the filter could mean lies between a review's `createdAt` and the
 * moment a listing first showed it. The window starts at `from` (Market's time of the last
 * poll, less a margin) once a listing has shown a review whose `createdAt` is at or before the
 * window's start, which only a filter on publication does; until then, or once a probe has
 * shown that the filter is on creation, it starts at `base`, SAFETY_MS before the last full
 * read, and a review published more than SAFETY_MS after it was written is not seen. In such
 * a window a poll reads every page until Market has shown the direction of its order
 * (`ReviewOrder`); then only the pages where new reviews can be: from the first page up to one
 * that holds a review listed LISTING_LAG_MS before the last poll (latest first), or from the
 * window's last page on, by the page token that fetched it (earliest first; the spec says a
 * token received earlier may be passed again; a review Market lists late, before that page,
 * waits for the hourly read). Every page read is checked against that order; once an hour
 * every page is read again, with the stretch the window's start moves past. IDs are kept
 * until no later window can list them.
 *
 * Questions. Their dates are creation days (the spec says so). The window starts on a fixed
 * day, SAFETY_MS back, moved once an hour when every page is read again; between those reads
 * the window only grows, so the `totalCount` of its first page says whether anything is
 * listed that is neither on that page nor remembered: then every page is read.
 */
import { AUDIT_MS, log10Factorial, PROOF_DIGITS, SETTLE_MS } from './cursor';

export { AUDIT_MS, SETTLE_MS };

/**
 * How long after it was written a review or question may be published and still be emitted
 * (when Market's filter is on the date it was written): 26 days, so that a question window
 * of whole days fits in the month getGoodsQuestions lists at most, in any time zone.
 */
export const SAFETY_MS = 26 * 86_400_000;
/**
 * How long after the time Market counts as a review's publication it may first list it (its
 * search can lag; the spec is silent): a window on publication starts this much before the
 * last poll, and the IDs it lists again are known.
 */
export const LISTING_LAG_MS = 3_600_000;
/** Extra time an ID is kept beyond the window it can be listed in (clock differences). */
export const KEEP_MARGIN_MS = 86_400_000;
/** IDs remembered per business and kind at most (the newest first seen are kept). */
export const MAX_SEEN = 10_000;

/** What getGoodsFeedbacks' date filter is seen to mean. */
export type ReviewDates = 'unknown' | 'published' | 'created';

/**
 * What listings have shown of the direction of Market's order of reviews, for each direction:
 * log10(1 / the chance that a random order puts every new review on that side of those
 * listed before), summed over the listings since one that was not so; and whether a new
 * review went there past one written after it, which an order by the date written does not do.
 */
export interface ReviewOrder {
	desc: number;
	asc: number;
	descMoved: boolean;
	ascMoved: boolean;
}

export interface ReviewCursor {
	v: 2;
	businessId: number;
	/** Market's time of the first answer of the last complete poll, less SETTLE_MS. */
	from: number;
	dates: ReviewDates;
	/** The window's start (dateTimeFrom) until the next full read, unless dates are 'published'. */
	base: number;
	/** Market's time of the last poll that read every page. */
	fullAt: number;
	order: ReviewOrder;
	/** The page token that fetched the window's last page (none: the first page). */
	tail?: string;
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

/** No direction shown: every page is read until one is again. */
export const NO_ORDER: Readonly<ReviewOrder> = {
	desc: 0,
	asc: 0,
	descMoved: false,
	ascMoved: false,
};

export function readReviewCursor(stored: unknown, businessId: number): ReviewCursor | undefined {
	if (!isObject(stored) || stored.businessId !== businessId) return undefined;
	if (typeof stored.from !== 'number' || !isObject(stored.seen)) return undefined;
	if (!['unknown', 'published', 'created'].includes(String(stored.dates))) return undefined;
	// A v1 cursor read every page each poll: its window starts a full read from now on.
	if (stored.v === 1) {
		const v1 = stored as unknown as Omit<ReviewCursor, 'v'>;
		return { ...v1, v: 2, base: v1.from - SAFETY_MS, fullAt: 0, order: { ...NO_ORDER } };
	}
	if (stored.v !== 2 || typeof stored.base !== 'number' || !isObject(stored.order))
		return undefined;
	return stored as unknown as ReviewCursor;
}

/** The cursor of a first activation at Market's time `at`: the baseline listing comes next. */
export function startReviews(businessId: number, at: number): ReviewCursor {
	const from = at - SETTLE_MS;
	return {
		v: 2,
		businessId,
		from,
		dates: 'unknown',
		base: from - SAFETY_MS,
		fullAt: 0,
		order: { ...NO_ORDER },
		seen: {},
	};
}

/** Where this poll's window starts (dateTimeFrom, exclusive). */
export function reviewWindowStart(cursor: ReviewCursor): number {
	return cursor.dates === 'published' ? publicationWindowStart(cursor) : cursor.base;
}

/** The direction Market has shown it lists reviews in, if it has. */
export function reviewOrderOf(order: ReviewOrder): 'desc' | 'asc' | undefined {
	if (order.descMoved && order.desc >= PROOF_DIGITS) return 'desc';
	if (order.ascMoved && order.asc >= PROOF_DIGITS) return 'asc';
	return undefined;
}

/**
 * Whether this poll, at Market's time `now` (estimated), reads every page of a window that
 * starts anew SAFETY_MS before the last poll: each poll until the order is shown, then once an
 * hour. A window from the last poll (a filter on publication) is always read whole.
 */
export function reviewFullRead(cursor: ReviewCursor, now: number): boolean {
	if (cursor.dates === 'published' || !reviewOrderOf(cursor.order)) return true;
	return Math.max(now, cursor.from) + SETTLE_MS - cursor.fullAt >= AUDIT_MS;
}

/**
 * What a listing, or the pages of it read in a row, shows of the order: where the reviews the
 * cursor has not listed before are, against those it has. Both kinds listed, every new one
 * ahead of the others is a point for the latest first, every one behind them for the earliest
 * first; a listing with new ones on both sides is out of either order.
 */
export function observeOrder(
	order: ReviewOrder,
	seen: Record<string, number>,
	listed: Listed[],
): ReviewOrder {
	const known = listed.map((r) => seen[String(r.id)] !== undefined);
	const m = known.filter(Boolean).length;
	const n = known.length - m;
	if (n === 0 || m === 0) return order;
	const newFirst = known.indexOf(true) >= n;
	const newLast = known.indexOf(false) >= m;
	const odds = log10Factorial(n + m) - log10Factorial(n) - log10Factorial(m);
	// Published late: written before a review listed earlier than it was.
	const earliestNew = Math.min(...listed.filter((_, i) => !known[i]).map((r) => r.createdAt));
	const latestKnown = Math.max(...listed.filter((_, i) => known[i]).map((r) => r.createdAt));
	const moved = earliestNew < latestKnown;
	return {
		desc: newFirst ? order.desc + odds : 0,
		descMoved: newFirst && (order.descMoved || moved),
		asc: newLast ? order.asc + odds : 0,
		ascMoved: newLast && (order.ascMoved || moved),
	};
}

/**
 * Whether pages read in a row from where new reviews start, in the cursor's order, hold all
 * that is new: the order held on them, and they hold one of the reviews a listing showed
 * last (those first seen latest), which that order lists next to the new ones. Elsewhere,
 * Market's order has changed (or those reviews were deleted): every page is read.
 */
export function pagesSuffice(cursor: ReviewCursor, listed: Listed[]): boolean {
	const direction = reviewOrderOf(cursor.order);
	const after = observeOrder(cursor.order, cursor.seen, listed);
	const latest = Object.values(cursor.seen).reduce((a, b) => Math.max(a, b), -Infinity);
	return (
		direction !== undefined &&
		reviewOrderOf(after) === direction &&
		listed.some((r) => cursor.seen[String(r.id)] === latest)
	);
}

/**
 * Whether listing latest first may stop after this page: it holds a review first listed long
 * enough ago (LISTING_LAG_MS before the last poll, or at the first activation) that one Market
 * lists late yet counts as published earlier is ahead of it.
 */
export function settledPage(cursor: ReviewCursor, page: Listed[]): boolean {
	const times = Object.values(cursor.seen);
	const oldest = times.reduce((a, b) => Math.min(a, b), Infinity);
	const settled = Math.max(cursor.from - LISTING_LAG_MS, oldest);
	return page.some((r) => (cursor.seen[String(r.id)] ?? Infinity) <= settled);
}

/**
 * Whether a review was written before `at` whatever Market's times hide: they show whole
 * seconds, so one shown a second before `at` may have been written after it.
 */
function writtenBefore(review: Listed, at: number): boolean {
	return Number.isFinite(review.createdAt) && review.createdAt <= at - SETTLE_MS;
}

/**
 * What a listing of the window after `start` shows of the filter: a review written before
 * `start` is there only when the filter is not on the date it was written.
 */
export function observeDates(dates: ReviewDates, listed: Listed[], start: number): ReviewDates {
	if (dates === 'published') return dates;
	return listed.some((r) => writtenBefore(r, start)) ? 'published' : dates;
}

/** The listed reviews the cursor has not listed before. */
export function newReviews<T extends Listed>(cursor: ReviewCursor, listed: T[]): T[] {
	return listed.filter((r) => cursor.seen[String(r.id)] === undefined);
}

/**
 * A review that tells the two filters apart, if any: new, written before the window a probe
 * lists (from LISTING_LAG_MS before the last poll). A filter on publication lists it there (it
 * was published after the last poll, or listed late); a filter on creation does not.
 */
export function probeCandidate<T extends Listed>(cursor: ReviewCursor, fresh: T[]): T | undefined {
	if (cursor.dates !== 'unknown') return undefined;
	return fresh.find((r) => writtenBefore(r, publicationWindowStart(cursor)));
}

/** Where a window on publication starts (dateTimeFrom): the polls' window, and a probe's. */
export function publicationWindowStart(cursor: ReviewCursor): number {
	return cursor.from - LISTING_LAG_MS;
}

/**
 * The cursor after a complete poll whose listing was answered from `first` to `last`: the IDs
 * listed are remembered, and those no later window can list are let go of. `changes`: what
 * else the poll learnt (the filter's date, the order, a full read's window and last page).
 */
export function advanceReviews(
	cursor: ReviewCursor,
	listed: Listed[],
	first: number,
	last: number,
	changes: Partial<Pick<ReviewCursor, 'dates' | 'base' | 'fullAt' | 'order' | 'tail'>> = {},
): ReviewCursor {
	const seen = { ...cursor.seen };
	for (const r of listed) seen[String(r.id)] ??= last;
	const next: ReviewCursor = {
		...cursor,
		...changes,
		from: Math.max(cursor.from, first - SETTLE_MS),
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
	return Math.max(now, cursor.at) + SETTLE_MS - cursor.fullAt >= AUDIT_MS;
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
