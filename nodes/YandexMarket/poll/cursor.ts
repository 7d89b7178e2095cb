/**
 * Where the Polling Trigger is in a business's chats: what is new, what to read, and the
 * cursor kept in the workflow's static data. No requests here (poll.ts makes them), so every
 * rule can be checked alone.
 *
 * The rules rest on two facts of Market's chats: a chat's `updatedAt` is the time of its last
 * message, and a message written after Market answered a request has a time at or after the
 * `Date` of that answer. So, with `from` = the Date of the last complete listing less a margin:
 * - a chat whose `updatedAt` is before `from` has not changed since (listing stops there);
 * - a chat not in `chats` had every message it then had before `from`: its messages at or
 *   after `from` are new;
 * - a chat in `chats` is read from its earliest remembered message (`messageIdFrom`), and its
 *   messages that are not remembered are new, so one that shows up late is still caught.
 * A message is new once: it is remembered from the poll that emits it on.
 */

/** Market's times have whole seconds, and two of its servers' clocks may differ a little. */
export const SETTLE_MS = 2000;
/** Message IDs remembered per chat: the later of them is where the next read starts. */
export const SEEN_PER_CHAT = 10;
/** Chats remembered per business; a chat silent longer is read from its start when it speaks. */
export const MAX_CHATS = 500;

export interface ChatMark {
	/** The chat's `updatedAt` when it was last read, epoch ms. */
	u: number;
	/** The last message IDs seen, ascending. */
	s: number[];
}

export interface PollCursor {
	v: 1;
	businessId: number;
	/** Epoch ms (Market's clock): chats active at or after it are read. */
	from: number;
	chats: Record<string, ChatMark>;
}

export interface ListedChat {
	chatId: number;
	updatedAt: number;
}

export interface SeenMessage {
	messageId: number;
	createdAt: number;
}

/** A Market date-time as epoch ms; NaN when it is not one. */
export function marketTime(value: unknown): number {
	return typeof value === 'string' || typeof value === 'number' ? Date.parse(String(value)) : NaN;
}

/** The cursor kept in static data, when it is one of ours for this business. */
export function readCursor(stored: unknown, businessId: number): PollCursor | undefined {
	if (typeof stored !== 'object' || stored === null) return undefined;
	const cursor = stored as Partial<PollCursor>;
	if (cursor.v !== 1 || cursor.businessId !== businessId) return undefined;
	if (typeof cursor.from !== 'number' || typeof cursor.chats !== 'object' || !cursor.chats)
		return undefined;
	return cursor as PollCursor;
}

/** Whether listing can stop: this chat and all after it (older) have not changed. */
export function isSettled(chat: ListedChat, from: number): boolean {
	return chat.updatedAt < from;
}

/** Where to read a chat that changed: after its remembered messages, or from its start. */
export function readFrom(cursor: PollCursor, chatId: number): number | undefined {
	return cursor.chats[String(chatId)]?.s[0];
}

/**
 * The messages of a read that are new. `floor`: the time before which a chat the cursor does
 * not know had all its messages (the cursor's `from`; at the first activation, the listing's
 * Date, so that nothing old is emitted).
 */
export function newMessages<T extends SeenMessage>(
	cursor: PollCursor,
	chatId: number,
	messages: T[],
	floor = cursor.from,
): T[] {
	const mark = cursor.chats[String(chatId)];
	if (mark && mark.s.length > 0) {
		const seen = new Set(mark.s);
		return messages.filter((m) => m.messageId > mark.s[0] && !seen.has(m.messageId));
	}
	return messages.filter((m) => m.createdAt >= floor);
}

/** The cursor after a chat was read whole: its messages are remembered. */
export function markRead(
	cursor: PollCursor,
	chat: ListedChat,
	messages: SeenMessage[],
): PollCursor {
	const key = String(chat.chatId);
	const before = cursor.chats[key];
	const ids = new Set([...(before?.s ?? []), ...messages.map((m) => m.messageId)]);
	const s = [...ids].sort((a, b) => a - b).slice(-SEEN_PER_CHAT);
	const latest = Math.max(chat.updatedAt, ...messages.map((m) => m.createdAt));
	return { ...cursor, chats: { ...cursor.chats, [key]: { u: latest, s } } };
}

/**
 * The cursor after a complete poll: listing next time stops before `at` less the margin, and
 * the chats remembered are the most recently active ones. A chat let go is one whose messages
 * are all before `from`, which is what the rule for unknown chats needs.
 */
export function advance(cursor: PollCursor, at: number): PollCursor {
	const from = Math.max(cursor.from, at - SETTLE_MS);
	const kept = Object.entries(cursor.chats)
		.sort(([, a], [, b]) => b.u - a.u)
		.filter(([, mark], index) => index < MAX_CHATS || mark.u >= from);
	return { ...cursor, from, chats: Object.fromEntries(kept) };
}

/** The cursor of a first activation: nothing before `at` is new. */
export function startAt(businessId: number, at: number): PollCursor {
	return { v: 1, businessId, from: at - SETTLE_MS, chats: {} };
}
