/**
 * The review and question cursors' rules alone (nodes/YandexMarket/poll/goodsCursor.ts): which
 * window a poll lists, what tells the review filter's date, what is new, what is remembered and
 * for how long, and when the first page of questions is enough.
 */
import { PROOF_DIGITS } from '../../nodes/YandexMarket/poll/cursor';
import {
	advanceQuestions,
	advanceReviews,
	KEEP_MARGIN_MS,
	LISTING_LAG_MS,
	marketNowFrom,
	MAX_SEEN,
	moscowDay,
	newQuestions,
	newReviews,
	observeDates,
	observeOrder,
	pagesSuffice,
	probeCandidate,
	publicationWindowStart,
	reviewFullRead,
	reviewOrderOf,
	AUDIT_MS,
	questionAuditDue,
	questionDay,
	readQuestionCursor,
	readReviewCursor,
	reviewWindowStart,
	settledPage,
	SAFETY_MS,
	SETTLE_MS,
	startQuestions,
	startReviews,
	unknownBeyond,
} from '../../nodes/YandexMarket/poll/goodsCursor';

const T = Date.parse('2026-12-01T12:00:00+03:00');
const HOUR = 3_600_000;
const item = (id: number, createdAt: number) => ({ id, createdAt });

describe('review cursor', () => {
	test('the window: 26 days back until the filter is known to be on publication, then from an hour before the last poll (Market may list a review later than the time it counts as published)', () => {
		const cursor = startReviews(1, T);
		expect(cursor.from).toBe(T - SETTLE_MS);
		expect(reviewWindowStart(cursor)).toBe(T - SETTLE_MS - SAFETY_MS);
		expect(reviewWindowStart({ ...cursor, dates: 'created' })).toBe(T - SETTLE_MS - SAFETY_MS);
		expect(reviewWindowStart({ ...cursor, dates: 'published' })).toBe(
			T - SETTLE_MS - LISTING_LAG_MS,
		);
		expect(LISTING_LAG_MS).toBe(HOUR);
		expect(SAFETY_MS).toBe(26 * 24 * HOUR);
	});

	test('only a review written before the window’s start, listed in it, shows a filter on publication; that stays', () => {
		const start = T - HOUR;
		expect(observeDates('unknown', [item(1, start + 1000)], start)).toBe('unknown');
		// Shown in the window's first second or the one before: written then, or a moment after
		// the start (Market shows whole seconds); a filter on the date written lists that too.
		expect(observeDates('unknown', [item(1, start)], start)).toBe('unknown');
		expect(observeDates('unknown', [item(1, start - 1000)], start)).toBe('unknown');
		expect(observeDates('unknown', [item(1, start - SETTLE_MS)], start)).toBe('published');
		expect(observeDates('created', [item(1, start - 5000)], start)).toBe('published');
		expect(observeDates('published', [], start)).toBe('published');
		expect(observeDates('unknown', [item(1, NaN)], start)).toBe('unknown');
	});

	test('a probe is due for a new review written more than an hour before the last poll (Market may list one late), while the filter is unknown', () => {
		const cursor = startReviews(1, T);
		const before = cursor.from - LISTING_LAG_MS;
		const fresh = [item(1, T), item(2, before - SETTLE_MS), item(3, T - HOUR)];
		expect(probeCandidate(cursor, fresh)?.id).toBe(2);
		expect(publicationWindowStart(cursor)).toBe(before);
		expect(probeCandidate(cursor, [item(1, before - 1000)])).toBeUndefined();
		expect(probeCandidate(cursor, [item(1, cursor.from - SETTLE_MS)])).toBeUndefined();
		expect(probeCandidate({ ...cursor, dates: 'created' }, fresh)).toBeUndefined();
		expect(probeCandidate({ ...cursor, dates: 'published' }, fresh)).toBeUndefined();
	});

	test('new: an ID not listed before; `from` moves only forward', () => {
		let cursor = startReviews(1, T);
		cursor = advanceReviews(cursor, [item(1, T - HOUR), item(2, T)], T, T + 1000, {
			dates: 'unknown',
		});
		expect(newReviews(cursor, [item(1, 0), item(2, 0), item(3, 0)]).map((r) => r.id)).toEqual([3]);
		expect(cursor.seen).toEqual({ '1': T + 1000, '2': T + 1000 });
		expect(advanceReviews(cursor, [], T - HOUR, T, { dates: 'unknown' }).from).toBe(cursor.from);
	});

	test('an ID is let go of only once no later window can list it: at the safety window’s edge, or an hour after the last poll once the filter is on publication', () => {
		let cursor = startReviews(1, T);
		cursor = advanceReviews(cursor, [item(1, T)], T, T, { dates: 'unknown' });
		// Unknown filter: kept while the window, from SAFETY_MS before the last full read, can list it.
		const base = (at: number) => at - SETTLE_MS - SAFETY_MS;
		const edge = T + SAFETY_MS + KEEP_MARGIN_MS + SETTLE_MS;
		const unknown = (at: number) => ({ dates: 'unknown' as const, base: base(at) });
		expect(advanceReviews(cursor, [], edge - 1000, edge, unknown(edge - 1000)).seen['1']).toBe(T);
		expect(advanceReviews(cursor, [], edge, edge, unknown(edge)).seen['1']).toBeUndefined();
		// Between full reads the window keeps its start: nothing is let go of.
		expect(advanceReviews(cursor, [], edge, edge, { dates: 'unknown' }).seen['1']).toBe(T);
		// Filter on publication: the next window starts at this poll, less the margin.
		const later = T + KEEP_MARGIN_MS + LISTING_LAG_MS + SETTLE_MS;
		expect(advanceReviews(cursor, [], later - 1000, later, { dates: 'published' }).seen['1']).toBe(
			T,
		);
		expect(
			advanceReviews(cursor, [], later, later, { dates: 'published' }).seen['1'],
		).toBeUndefined();
	});

	test('at most MAX_SEEN IDs, the most recently first seen kept', () => {
		let cursor = startReviews(1, T);
		const many = Array.from({ length: MAX_SEEN + 5 }, (_, i) => item(i + 1, T));
		cursor = advanceReviews(cursor, many.slice(0, 5), T, T, { dates: 'unknown' });
		cursor = advanceReviews(cursor, many.slice(5), T + 1000, T + 1000, { dates: 'unknown' });
		expect(Object.keys(cursor.seen)).toHaveLength(MAX_SEEN);
		expect(cursor.seen['1']).toBeUndefined();
		expect(cursor.seen[String(MAX_SEEN + 5)]).toBe(T + 1000);
	});

	describe('the order of reviews', () => {
		// Reviews 1–4 listed before (written an hour apart), then new ones.
		const seen = { '1': T, '2': T, '3': T, '4': T };
		const old = [
			item(4, T - HOUR),
			item(3, T - 2 * HOUR),
			item(2, T - 3 * HOUR),
			item(1, T - 4 * HOUR),
		];
		const fresh = item(5, T + HOUR);
		// Published now, written before review 4 was.
		const late = item(6, T - 5 * HOUR);
		const none = observeOrder(startReviews(1, T).order, {}, []);

		test('new reviews ahead of all listed before count for the latest first; behind them, for the earliest first; on both sides, for neither', () => {
			const desc = observeOrder(none, seen, [fresh, ...old]);
			expect(desc.desc).toBeCloseTo(Math.log10(5));
			expect([desc.asc, desc.descMoved]).toEqual([0, false]);
			const asc = observeOrder(none, seen, [...old].reverse().concat(fresh));
			expect([asc.desc, asc.asc > 0]).toEqual([0, true]);
			const both = observeOrder(desc, seen, [fresh, ...old, late]);
			expect(both).toEqual({ desc: 0, asc: 0, descMoved: false, ascMoved: false });
			// Nothing new, or nothing listed before: no evidence either way.
			expect(observeOrder(desc, seen, old)).toEqual(desc);
			expect(observeOrder(desc, {}, old)).toEqual(desc);
		});

		test('shown only with the odds of a random order below 10^-12 and a review published out of the order it was written in', () => {
			let order = none;
			let polls = 0;
			while (order.desc < PROOF_DIGITS) {
				order = observeOrder(order, seen, [fresh, ...old]);
				polls++;
			}
			// One new review ahead of four, eighteen times: (1/5)^18 < 10^-12, but every new one was
			// also written last, as an order by the date written would list them.
			expect(polls).toBe(18);
			expect(reviewOrderOf(order)).toBeUndefined();
			order = observeOrder(order, seen, [late, ...old]);
			expect(order.descMoved).toBe(true);
			expect(reviewOrderOf(order)).toBe('desc');
			// A listing out of that order takes it back.
			expect(
				reviewOrderOf(observeOrder(order, seen, [old[0], late, ...old.slice(1)])),
			).toBeUndefined();
		});

		test('pages read where new reviews start suffice when the order held and they hold one of the reviews listed last', () => {
			const proven = { desc: PROOF_DIGITS, asc: 0, descMoved: true, ascMoved: false };
			// Reviews 1 and 2 were first listed an hour before 3 and 4.
			const batches = { ...seen, '1': T - HOUR, '2': T - HOUR };
			const cursor = { ...startReviews(1, T), order: proven, seen: batches };
			expect(pagesSuffice(cursor, [fresh, late, old[0]])).toBe(true);
			expect(pagesSuffice(cursor, [fresh, late])).toBe(false);
			expect(pagesSuffice(cursor, [old[0], fresh])).toBe(false);
			expect(pagesSuffice({ ...cursor, order: none }, [fresh, old[0]])).toBe(false);
			// Next to the new one, a review of an earlier listing: those listed last are elsewhere,
			// so Market's order is not the one shown (or they were deleted).
			expect(pagesSuffice(cursor, [fresh, old[3]])).toBe(false);
			const ascending = {
				...cursor,
				order: { desc: 0, asc: 13, descMoved: false, ascMoved: true },
			};
			expect(pagesSuffice(ascending, [old[1], old[0], late, fresh])).toBe(true);
			expect(pagesSuffice(ascending, [late, old[0], fresh])).toBe(false);
			expect(pagesSuffice(ascending, [old[3], old[2], fresh])).toBe(false);
		});

		test('listing latest first stops at a page holding a review first listed an hour before the last poll, or at the first activation', () => {
			const cursor = { ...startReviews(1, T), seen: { ...seen, '1': T - 2 * HOUR } };
			// Review 4 was first listed at the last poll: one Market lists late can be behind it.
			expect(settledPage(cursor, [fresh, old[0]])).toBe(false);
			expect(settledPage(cursor, [old[3]])).toBe(true);
			expect(settledPage(cursor, [fresh, late])).toBe(false);
			// All listed at the first activation: nothing was listed late before it.
			expect(settledPage({ ...cursor, seen }, [fresh, old[0]])).toBe(true);
		});

		test('every page is read each poll until the order is shown, then once an hour; always when the filter is on publication', () => {
			const proven = { desc: PROOF_DIGITS, asc: 0, descMoved: true, ascMoved: false };
			const cursor = { ...startReviews(1, T), fullAt: T, order: proven };
			expect(reviewFullRead({ ...cursor, order: none }, T)).toBe(true);
			expect(reviewFullRead(cursor, T + AUDIT_MS - SETTLE_MS - 1000)).toBe(false);
			expect(reviewFullRead(cursor, T + AUDIT_MS - SETTLE_MS)).toBe(true);
			expect(reviewFullRead({ ...cursor, dates: 'published' }, T)).toBe(true);
		});
	});

	test("a stored cursor is used only when it is this version's and this business's", () => {
		const cursor = startReviews(5, T);
		expect(readReviewCursor(JSON.parse(JSON.stringify(cursor)), 5)).toEqual(cursor);
		expect(readReviewCursor(cursor, 6)).toBeUndefined();
		expect(readReviewCursor({ ...cursor, v: 3 }, 5)).toBeUndefined();
		// A cursor of the version before: its window starts a full read at once.
		const { base, fullAt, order, ...v1 } = cursor;
		expect(readReviewCursor({ ...v1, v: 1 }, 5)).toEqual({ ...cursor, fullAt: 0 });
		expect([base, fullAt, order.desc]).toEqual([cursor.from - SAFETY_MS, 0, 0]);
		expect(readReviewCursor({ ...cursor, dates: 'sideways' }, 5)).toBeUndefined();
		expect(readReviewCursor(undefined, 5)).toBeUndefined();
	});
});

describe('question cursor', () => {
	test('the first activation knows what it listed and reads the 26-day window whole next', () => {
		const cursor = startQuestions(1, [item(1, T), item(2, T - HOUR)], T);
		expect(cursor.day).toBe(moscowDay(T - SAFETY_MS));
		expect(questionDay(T)).toBe('2026-11-05');
		expect(questionAuditDue(cursor)).toBe(true);
		expect(newQuestions(cursor, [item(1, 0), item(3, 0)]).map((q) => q.id)).toEqual([3]);
	});

	test('every page again once an hour (Market’s clock)', () => {
		const full = advanceQuestions(startQuestions(1, [], T), [], T, { day: '2026-11-05' });
		expect(questionAuditDue(full)).toBe(false);
		const almost = advanceQuestions(full, [], T + AUDIT_MS - SETTLE_MS - 1000, undefined);
		expect(questionAuditDue(almost)).toBe(false);
		const due = advanceQuestions(full, [], T + AUDIT_MS - SETTLE_MS, undefined);
		expect(questionAuditDue(due)).toBe(true);
		expect(due.day).toBe('2026-11-05');
		// n8n was away: the next poll reads every page, whenever the last one was.
		expect(questionAuditDue(almost, T + AUDIT_MS)).toBe(true);
		expect(marketNowFrom(T, 1000, 1000 + HOUR)).toBe(T + HOUR);
		expect(marketNowFrom(T, undefined, 5000)).toBe(T);
	});

	test('the first page is enough only when Market’s count is that page and the questions known beyond it', () => {
		const known = advanceQuestions(
			startQuestions(1, [], T),
			[1, 2, 3, 4].map((id) => item(id, T)),
			T,
			{ day: '2026-11-05' },
		);
		const page = [item(5, T), item(1, T)];
		// On the page: 5 (new) and 1; beyond it: 2, 3, 4.
		expect(unknownBeyond(known, page, 5)).toBe(false);
		// One more than that: a question neither on the page nor known.
		expect(unknownBeyond(known, page, 6)).toBe(true);
		// One fewer: a known one was deleted, which could hide a new one.
		expect(unknownBeyond(known, page, 4)).toBe(true);
		expect(unknownBeyond(known, page, undefined)).toBe(true);
	});

	test('a full read remembers exactly what it listed; a first page adds to what is known', () => {
		const known = advanceQuestions(startQuestions(1, [item(1, T), item(2, T)], T), [], T, {
			day: 'd',
		});
		expect(Object.keys(known.seen)).toEqual([]);
		const start = startQuestions(1, [item(1, T), item(2, T)], T);
		const partial = advanceQuestions(start, [item(3, T)], T + 60_000, undefined);
		expect(Object.keys(partial.seen).sort()).toEqual(['1', '2', '3']);
		expect(partial.seen['1']).toBe(T);
		const full = advanceQuestions(partial, [item(2, T), item(3, T)], T + 120_000, { day: 'd2' });
		expect(Object.keys(full.seen).sort()).toEqual(['2', '3']);
		expect(full).toMatchObject({ day: 'd2', fullAt: T + 120_000, at: T + 120_000 });
	});

	test("a stored cursor is used only when it is this version's and this business's", () => {
		const cursor = startQuestions(5, [], T);
		expect(readQuestionCursor(JSON.parse(JSON.stringify(cursor)), 5)).toEqual(cursor);
		expect(readQuestionCursor(cursor, 6)).toBeUndefined();
		expect(readQuestionCursor({ ...cursor, day: 3 }, 5)).toBeUndefined();
	});
});
