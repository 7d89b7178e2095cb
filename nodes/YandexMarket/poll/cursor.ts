/**
 * Where the Polling Trigger is in a business's chats: what is new, what to read, how far to
 * list, and the cursor kept in the workflow's static data. No requests here (poll.ts makes
 * them), so every rule can be checked alone.
 *
 * The rules rest on two facts of Market's chats: a chat's `updatedAt` is the time of its last
 * message, and a message written after Market answered a request has a time at or after the
 * `Date` of that answer. With `from` = the Date of the last complete poll less a margin:
 * - a chat in `chats` is read when it is active at or after `from`, or changed since it was
 *   read; its messages that are not remembered are new, so one that shows up late is caught;
 * - a chat not in `chats` had every message it then had before `full` (the `from` of the last
 *   poll that listed every chat): it is read when active since, and its messages at or after
 *   `full` are new.
 * A message is new once: it is remembered from the poll that emits it on.
 *
 * Market's spec does not say in which order getChats lists chats. Listing may stop early (at
 * the first chat not active since `from`) only when the trigger has seen that Market lists
 * by latest activity (`OrderProof`); until then, and after any listing that is out of that
 * order, every poll lists every chat. While it stops early, every page read is still checked,
 * and once an hour a poll lists every chat to check again and catch up.
 */

/** Market's times have whole seconds, and two of its servers' clocks may differ a little. */
export const SETTLE_MS = 2000;
/** Message IDs remembered per chat: the earliest of them is where the next read starts. */
export const SEEN_PER_CHAT = 10;
/** Chats remembered per business beyond those active since the last full listing. */
export const MAX_CHATS = 500;
/** While listing stops early, a full listing checks the order again this often (Market's clock). */
export const AUDIT_MS = 3_600_000;
/**
 * Early stopping needs the odds that an order unrelated to activity listed every chat sorted
 * by `updatedAt` by chance to be below 10^-PROOF_DIGITS.
 */
export const PROOF_DIGITS = 12;
/**
 * Chat IDs of the last full listing kept to see a chat overtake another (any chat of a
 * business that polling every minute can list whole within Market's hourly getChats quota).
 */
export const PROOF_IDS = 2000;

export interface ChatMark {
	/** The chat's `updatedAt` when it was last read, epoch ms. */
	u: number;
	/** The last message IDs seen, ascending. */
	s: number[];
}

/** What the trigger has seen of the order in which Market lists chats. */
export interface OrderProof {
	/**
	 * `activity`: shown to list by latest activity, so listing may stop early; `other`: a
	 * listing was out of that order; `unknown`: neither shown yet. Only `activity` stops early.
	 */
	mode: 'unknown' | 'activity' | 'other';
	/**
	 * Sum over the full listings sorted by activity since the last one that was not, of
	 * log10(1 / the chance that a random order lists those chats sorted).
	 */
	odds: number;
	/**
	 * A chat was listed ahead of one it was listed behind in the full listing before, both
	 * sorted by activity: no fixed order (by creation, by ID, …) does that.
	 */
	moved: boolean;
	/** The first chat IDs of the last full listing sorted by activity, in its order. */
	last: number[];
	/** The fallback to full listings has been logged for this trigger. */
	told?: boolean;
}

export interface PollCursor {
	v: 2;
	businessId: number;
	/** Epoch ms (Market's clock): chats active at or after it are read. */
	from: number;
	/** `from` of the last poll that listed every chat: unknown chats active since are read. */
	full: number;
	/** Market's time of the last poll that listed every chat. */
	fullAt: number;
	order: OrderProof;
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

const UNPROVEN: OrderProof = { mode: 'unknown', odds: 0, moved: false, last: [] };

/** The cursor kept in static data, when it is one of ours for this business (v1 is upgraded). */
export function readCursor(stored: unknown, businessId: number): PollCursor | undefined {
	if (typeof stored !== 'object' || stored === null) return undefined;
	const cursor = stored as Omit<Partial<PollCursor>, 'v'> & { v?: number };
	if (cursor.businessId !== businessId) return undefined;
	if (typeof cursor.from !== 'number' || typeof cursor.chats !== 'object' || !cursor.chats)
		return undefined;
	// A v1 cursor stopped early on an order it never checked: start proving it afresh.
	if (cursor.v === 1)
		return { ...(cursor as PollCursor), v: 2, full: cursor.from, fullAt: 0, order: UNPROVEN };
	if (cursor.v !== 2 || typeof cursor.full !== 'number' || typeof cursor.order !== 'object')
		return undefined;
	return cursor as PollCursor;
}

/** Whether this poll may stop listing at the first chat not active since `from`. */
export function mayStopEarly(cursor: PollCursor): boolean {
	return cursor.order.mode === 'activity' && cursor.from + SETTLE_MS - cursor.fullAt < AUDIT_MS;
}

/** Whether listing can stop after this chat's page: it and all after it have not changed. */
export function isSettled(chat: ListedChat, from: number): boolean {
	return chat.updatedAt < from;
}

/** Whether a listed chat has to be read. */
export function needsRead(cursor: PollCursor, chat: ListedChat): boolean {
	const mark = cursor.chats[String(chat.chatId)];
	if (!mark) return chat.updatedAt >= cursor.full;
	return chat.updatedAt >= cursor.from || chat.updatedAt > mark.u;
}

/** Where to read a chat that changed: after its remembered messages, or from its start. */
export function readFrom(cursor: PollCursor, chatId: number): number | undefined {
	return cursor.chats[String(chatId)]?.s[0];
}

/**
 * The messages of a read that are new. `floor`: the time before which a chat the cursor does
 * not know had all its messages (the cursor's `full`; at the first activation, the listing's
 * Date, so that nothing old is emitted).
 */
export function newMessages<T extends SeenMessage>(
	cursor: PollCursor,
	chatId: number,
	messages: T[],
	floor = cursor.full,
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
 * Whether chats were listed by latest activity: `updatedAt` never rises along the listing.
 * Chats active at or after `at` (Market's time of the first page) changed while it was listed
 * and say nothing of the order.
 */
export function sortedByActivity(listed: ListedChat[], at: number): boolean {
	let previous = Infinity;
	for (const chat of listed) {
		if (!Number.isFinite(chat.updatedAt) || chat.updatedAt >= at) continue;
		if (chat.updatedAt > previous) return false;
		previous = chat.updatedAt;
	}
	return true;
}

/** log10(n!): odds of orders are sums of these. */
export const log10Factorial = (n: number) => {
	let sum = 0;
	for (let k = 2; k <= n; k++) sum += Math.log10(k);
	return sum;
};

/** log10(1 / the chance that a random order lists these times sorted), ties counted. */
function sortedOdds(times: number[]): number {
	const ties = new Map<number, number>();
	for (const t of times) ties.set(t, (ties.get(t) ?? 0) + 1);
	let odds = log10Factorial(times.length);
	for (const n of ties.values()) odds -= log10Factorial(n);
	return odds;
}

/** Whether a chat of `ids` is listed ahead of one it was behind in `last`. */
function overtook(last: number[], ids: number[]): boolean {
	const position = new Map(last.map((id, index) => [id, index]));
	let previous = -1;
	for (const id of ids) {
		const index = position.get(id);
		if (index === undefined) continue;
		if (index < previous) return true;
		previous = index;
	}
	return false;
}

/** What a listing shows of the order. `full`: it went to the last page. */
export function observeOrder(
	proof: OrderProof,
	listed: ListedChat[],
	at: number,
	full: boolean,
): OrderProof {
	if (!sortedByActivity(listed, at)) return { ...UNPROVEN, mode: 'other', told: proof.told };
	if (!full) return proof;
	const settled = listed.filter((c) => Number.isFinite(c.updatedAt) && c.updatedAt < at);
	// Every chat's place counts for overtaking: no fixed order moves one, changed or not.
	const ids = listed.map((c) => c.chatId);
	const odds = proof.odds + sortedOdds(settled.map((c) => c.updatedAt));
	const moved = proof.moved || overtook(proof.last, ids);
	const proven = moved && odds >= PROOF_DIGITS;
	return {
		mode: proven ? 'activity' : proof.mode,
		odds,
		moved,
		last: ids.slice(0, PROOF_IDS),
		...(proof.told ? { told: true } : {}),
	};
}

/**
 * The cursor after a complete poll: listing next time stops before `at` less the margin, and
 * the chats remembered are those active since the last full listing and the most recently
 * active others. A chat let go of is treated as unknown, which is what `full` is for.
 */
export function advance(cursor: PollCursor, at: number, listedAll: boolean): PollCursor {
	const from = Math.max(cursor.from, at - SETTLE_MS);
	const full = listedAll ? from : cursor.full;
	const kept = Object.entries(cursor.chats)
		.sort(([, a], [, b]) => b.u - a.u)
		.filter(([, mark], index) => index < MAX_CHATS || mark.u >= full);
	return {
		...cursor,
		from,
		full,
		fullAt: listedAll ? at : cursor.fullAt,
		chats: Object.fromEntries(kept),
	};
}

/** The cursor of a first activation: nothing before `at` is new. */
export function startAt(businessId: number, at: number): PollCursor {
	const from = at - SETTLE_MS;
	return { v: 2, businessId, from, full: from, fullAt: at, order: UNPROVEN, chats: {} };
}
