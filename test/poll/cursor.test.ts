/**
 * The cursor's rules alone (nodes/YandexMarket/poll/cursor.ts): what is new in a chat the
 * cursor knows or does not, how it remembers, and what it lets go of.
 */
import {
	advance,
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
		const next = advance(cursor, T + 60_000);
		expect(next.from).toBe(T + 60_000 - SETTLE_MS);
		expect(Object.keys(next.chats)).toHaveLength(MAX_CHATS);
		// The most recently active are kept, and every one let go is older than `from`.
		expect(next.chats['1']).toBeDefined();
		expect(next.chats[String(MAX_CHATS + 20)]).toBeUndefined();
		expect(advance(next, T).from).toBe(next.from);
	});

	test('a chat let go of is then treated as unknown: only messages from `from` on are new', () => {
		let cursor = startAt(1, T);
		for (let i = 0; i <= MAX_CHATS; i++) {
			cursor = markRead(cursor, { chatId: i + 1, updatedAt: T + i }, [msg(i + 1, 0)]);
		}
		cursor = advance(cursor, T + 600_000);
		expect(cursor.chats['1']).toBeUndefined();
		const read = [msg(1, 0), msg(99_999, 700)];
		expect(newMessages(cursor, 1, read).map((m) => m.messageId)).toEqual([99_999]);
	});

	test("a stored cursor is used only when it is this version's and this business's", () => {
		const cursor = startAt(5, T);
		expect(readCursor(JSON.parse(JSON.stringify(cursor)), 5)).toEqual(cursor);
		expect(readCursor(cursor, 6)).toBeUndefined();
		expect(readCursor({ ...cursor, v: 2 }, 5)).toBeUndefined();
		expect(readCursor(undefined, 5)).toBeUndefined();
		expect(readCursor({ v: 1, businessId: 5 }, 5)).toBeUndefined();
	});
});
