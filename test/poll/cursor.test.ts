/**
 * The cursor's rules alone (nodes/YandexMarket/poll/cursor.ts): what is new in a chat the
 * cursor knows or does not, how it remembers, and what it lets go of.
 */
import {
	AUDIT_MS,
	advance,
	mayStopEarly,
	observeOrder,
	PROOF_DIGITS,
	type OrderProof,
	MAX_CHATS,
	markRead,
	newMessages,
	readCursor,
	readFrom,
	SEEN_PER_CHAT,
	SETTLE_MS,
	startAt,
} from '../../nodes/YandexMarket/poll/cursor';

const T = Date.parse('2026-12-01T12:00:00+03:00');
const msg = (messageId: number, secondsAfterT: number) => ({
	messageId,
	createdAt: T + secondsAfterT * 1000,
});

describe('poll cursor', () => {
	test('a chat it does not know: messages from `from` on are new, older ones are not', () => {
		const cursor = startAt(1, T);
		expect(cursor.from).toBe(T - SETTLE_MS);
		const messages = [msg(1, -60), msg(2, -2), msg(3, 0), msg(4, 5)];
		expect(newMessages(cursor, 7, messages).map((m) => m.messageId)).toEqual([2, 3, 4]);
		expect(readFrom(cursor, 7)).toBeUndefined();
	});

	test('a chat it knows: read from the earliest remembered ID; what it remembers is not new, a late lower ID is', () => {
		let cursor = startAt(1, T);
		cursor = markRead(cursor, { chatId: 7, updatedAt: T }, [msg(10, 0), msg(12, 1), msg(13, 2)]);
		expect(readFrom(cursor, 7)).toBe(10);
		const read = [msg(10, 0), msg(11, 3), msg(12, 1), msg(13, 2), msg(14, 4)];
		expect(newMessages(cursor, 7, read).map((m) => m.messageId)).toEqual([11, 14]);
	});

	test('it remembers the last IDs of a chat only, so a read starts near the end', () => {
		let cursor = startAt(1, T);
		const many = Array.from({ length: 40 }, (_, i) => msg(100 + i, i));
		cursor = markRead(cursor, { chatId: 7, updatedAt: T + 39_000 }, many);
		expect(cursor.chats['7'].s).toHaveLength(SEEN_PER_CHAT);
		expect(readFrom(cursor, 7)).toBe(140 - SEEN_PER_CHAT);
		expect(cursor.chats['7'].u).toBe(T + 39_000);
	});

	test('advancing moves `from` only forward and lets go of the longest-silent chats past the limit', () => {
		let cursor = startAt(1, T);
		for (let i = 0; i < MAX_CHATS + 20; i++) {
			cursor = markRead(cursor, { chatId: i + 1, updatedAt: T - (i + 10) * 1000 }, []);
		}
		const next = advance(cursor, T + 60_000, true);
		expect(next.from).toBe(T + 60_000 - SETTLE_MS);
		expect(Object.keys(next.chats)).toHaveLength(MAX_CHATS);
		// The most recently active are kept, and every one let go is older than `from`.
		expect(next.chats['1']).toBeDefined();
		expect(next.chats[String(MAX_CHATS + 20)]).toBeUndefined();
		expect(advance(next, T, true).from).toBe(next.from);
	});

	test('a chat let go of is then treated as unknown: only messages from `from` on are new', () => {
		let cursor = startAt(1, T);
		for (let i = 0; i <= MAX_CHATS; i++) {
			cursor = markRead(cursor, { chatId: i + 1, updatedAt: T + i }, [msg(i + 1, 0)]);
		}
		cursor = advance(cursor, T + 600_000, true);
		expect(cursor.chats['1']).toBeUndefined();
		const read = [msg(1, 0), msg(99_999, 700)];
		expect(newMessages(cursor, 1, read).map((m) => m.messageId)).toEqual([99_999]);
	});

	test("a stored cursor is used only when it is this version's and this business's", () => {
		const cursor = startAt(5, T);
		expect(readCursor(JSON.parse(JSON.stringify(cursor)), 5)).toEqual(cursor);
		expect(readCursor(cursor, 6)).toBeUndefined();
		expect(readCursor({ ...cursor, v: 3 }, 5)).toBeUndefined();
		expect(readCursor(undefined, 5)).toBeUndefined();
		expect(readCursor({ v: 1, businessId: 5 }, 5)).toBeUndefined();
	});

	test('a v1 cursor (which stopped early unchecked) is kept, with its order to be proven again', () => {
		const v1 = { v: 1, businessId: 5, from: T, chats: { '7': { u: T, s: [1] } } };
		const cursor = readCursor(v1, 5)!;
		expect(cursor).toMatchObject({ v: 2, from: T, full: T, chats: v1.chats });
		expect(cursor.order.mode).toBe('unknown');
		expect(mayStopEarly(cursor)).toBe(false);
	});
});

describe('the order of chats', () => {
	const listing = (ids: number[], times: number[]) =>
		ids.map((chatId, i) => ({ chatId, updatedAt: T - times[i] * 1000 }));
	const start: OrderProof = startAt(1, T).order;

	test('a listing out of activity order rules it out, whatever came before; chats that changed while listed do not count', () => {
		const sorted = listing([1, 2, 3], [1, 2, 3]);
		expect(observeOrder(start, sorted, T, true).mode).toBe('unknown');
		expect(observeOrder(start, listing([1, 2, 3], [2, 1, 3]), T, false).mode).toBe('other');
		// Chat 9 got a message after Market's first page (at T): listed lower, it proves nothing.
		const moving = [...sorted.slice(0, 2), { chatId: 9, updatedAt: T + 500 }, sorted[2]];
		expect(observeOrder(start, moving, T, true).mode).toBe('unknown');
	});

	test('proof needs a chat seen overtaking another, which no fixed order does', () => {
		let proof = start;
		const many = Array.from({ length: 30 }, (_, i) => i + 1);
		for (let k = 0; k < 5; k++) proof = observeOrder(proof, listing(many, many), T, true);
		expect(proof.odds).toBeGreaterThan(PROOF_DIGITS);
		expect(proof.mode).toBe('unknown');
		// Chat 20 got a message: it now comes first.
		const moved = [20, ...many.filter((id) => id !== 20)];
		proof = observeOrder(proof, listing(moved, many), T, true);
		expect(proof.mode).toBe('activity');
	});

	test('a random order that looks sorted by chance is not enough: few chats need many listings', () => {
		// Two chats swapping places: each sorted listing is a coin flip for a shuffled order.
		let proof = start;
		let listings = 0;
		while (proof.mode !== 'activity') {
			const ids = listings % 2 === 0 ? [1, 2] : [2, 1];
			proof = observeOrder(proof, listing(ids, [1, 2]), T, true);
			listings++;
		}
		// 2^-40 < 10^-12: forty coin flips in a row.
		expect(listings).toBe(Math.ceil(PROOF_DIGITS / Math.log10(2)));
		// Ties tell nothing: chats with the same time may be listed either way.
		const tied = observeOrder(start, listing([1, 2, 3], [5, 5, 5]), T, true);
		expect(tied.odds).toBe(0);
	});

	test('once proven, listing stops early until the hourly full listing is due', () => {
		const cursor = { ...startAt(1, T), order: { ...start, mode: 'activity' as const } };
		expect(mayStopEarly(cursor)).toBe(true);
		expect(mayStopEarly(advance(cursor, T + AUDIT_MS - 60_000, false))).toBe(true);
		expect(mayStopEarly(advance(cursor, T + AUDIT_MS, false))).toBe(false);
		expect(mayStopEarly(advance(cursor, T + AUDIT_MS, true))).toBe(true);
	});
});
