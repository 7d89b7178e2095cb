/**
 * One poll of the Yandex Market Polling Trigger, from the cursor to the items:
 *   list chats: every page, or, once Market is seen to list by latest activity, up to the
 *   first chat older than the cursor (getChats)
 *   → read each chat that moved, from its remembered messages (getChatHistory)
 *   → new messages from the chosen senders in chats of the chosen statuses become items.
 * Every request goes through the shared transport (pacing, waits on 420, read retries, errors).
 * The cursor moves only past what was read whole; see cursor.ts for the rules.
 */
import {
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
} from 'n8n-workflow';
import { attachmentsFor } from '../shared/attachments';
import { LIMITS } from '../shared/constants';
import { asNodeError } from '../shared/errors';
import { memory } from '../shared/memory';
import { inSequence } from '../shared/pacing';
import { fetchPages } from '../shared/pager';
import { answeredAt } from '../shared/transport';
import { parseId } from '../shared/validate';
import { DEFAULT_SENDERS, senderAllowed } from '../trigger/details';
import { pollQuestions, pollReviews, sampleGoods, type GoodsOptions } from './goods';
import {
	advance,
	isSettled,
	markRead,
	marketTime,
	mayStopEarly,
	needsRead,
	newMessages,
	observeOrder,
	readCursor,
	readFrom,
	sortedByActivity,
	startAt,
	type ListedChat,
	type PollCursor,
} from './cursor';

/** How long a poll may take when n8n does not say (n8n polls at most once a minute). */
export const DEFAULT_POLL_BUDGET_MS = 120_000;
/** A spent hourly quota is waited out only this long inside a poll; the next poll goes on. */
export const POLL_RATE_LIMIT_WAIT_MS = 30_000;
/**
 * Where each trigger's first activation started, in this n8n process. With n8n's durable poll
 * cursors the activation's own poll is a test whose static data n8n does not keep; the first
 * scheduled poll then goes on from here instead of starting afresh (and losing what came
 * between).
 */
const { firstActivations } = memory;

/** A manual test run looks for its sample in this many of the most recently active chats. */
const SAMPLE_CHATS = 5;

interface Chat extends ListedChat {
	info: IDataObject;
}

interface Message {
	messageId: number;
	createdAt: number;
	dto: IDataObject;
}

interface Options {
	businessId: number;
	senders: string[];
	statuses: string[];
	deadline: number;
}

interface Listing {
	/** Every chat listed, once, in Market's order. */
	chats: Chat[];
	/** Market's time of the first answer. */
	at: number;
	/** The listing went to the last page. */
	full: boolean;
}

/**
 * Lists chats page by page. With `stopBefore`, stops after the page that has a chat not active
 * since then, unless a page so far was out of activity order (then it lists every page).
 */
async function listChats(
	this: IPollFunctions,
	options: Options,
	stopBefore?: (at: number) => number,
): Promise<Listing> {
	const chats: Chat[] = [];
	const listed = new Set<number>();
	let at: number | undefined;
	const { complete } = await fetchPages.call(
		this,
		{
			operationId: 'getChats',
			body: {},
			businessId: options.businessId,
			deadline: options.deadline,
			maxRateLimitWaitMs: POLL_RATE_LIMIT_WAIT_MS,
		},
		{
			onPage: (entries, response) => {
				const page = entries.map((info) => ({
					chatId: Number(info.chatId),
					updatedAt: marketTime(info.updatedAt),
					info,
				}));
				// Without a Date from Market, its newest chat time stands in (that chat is read again).
				at ??=
					answeredAt(response) ?? Math.max(0, ...page.map((c) => c.updatedAt).filter(isFinite));
				// A chat moved between pages may be listed twice: the first time counts.
				for (const chat of page) {
					if (!listed.has(chat.chatId) && listed.add(chat.chatId)) chats.push(chat);
				}
				if (!stopBefore || !sortedByActivity(chats, at)) return true;
				const stop = stopBefore(at);
				return !page.some((c) => Number.isFinite(c.updatedAt) && isSettled(c, stop));
			},
		},
	);
	return { chats, at: at ?? 0, full: complete };
}

/** All of a chat's messages from `messageIdFrom` on (its whole history without it), oldest first. */
async function readHistory(
	this: IPollFunctions,
	options: Options,
	chatId: number,
	messageIdFrom: number | undefined,
): Promise<Message[]> {
	const { entries } = await fetchPages.call(this, {
		operationId: 'getChatHistory',
		qs: { chatId },
		body: messageIdFrom ? { messageIdFrom } : {},
		businessId: options.businessId,
		deadline: options.deadline,
		maxRateLimitWaitMs: POLL_RATE_LIMIT_WAIT_MS,
	});
	return entries.map((dto) => ({
		messageId: Number(dto.messageId),
		createdAt: marketTime(dto.createdAt),
		dto,
	}));
}

/** The item of one message: the webhook trigger's CHAT_MESSAGE_SENT with details, plus the chat. */
function itemOf(businessId: number, chat: Chat, message: Message): INodeExecutionData {
	const notification: IDataObject = {
		notificationType: 'CHAT_MESSAGE_SENT',
		chatId: chat.chatId,
		messageId: String(message.messageId),
		businessId,
		sentAt: message.dto.createdAt,
	};
	const { chatId: _id, updatedAt: _u, ...chatInfo } = chat.info;
	return {
		json: {
			...notification,
			...message.dto,
			notification,
			businessId,
			chatId: chat.chatId,
			chat: chatInfo,
		},
	};
}

function wanted(options: Options, chat: Chat, message: Message): boolean {
	if (!senderAllowed(message.dto.sender, options.senders)) return false;
	return options.statuses.length === 0 || options.statuses.includes(String(chat.info.status));
}

function byTime(a: { json: IDataObject }, b: { json: IDataObject }): number {
	return (
		marketTime(a.json.createdAt) - marketTime(b.json.createdAt) ||
		Number(a.json.messageId) - Number(b.json.messageId)
	);
}

function readOptions(this: IPollFunctions, deadline: number): Options {
	const node = this.getNode();
	const businessId = parseId(
		node,
		0,
		this.getNodeParameter('businessId', '', { extractValue: true }),
		'Business',
		'businessId',
	);
	const filters = this.getNodeParameter('filters', {}) as IDataObject;
	return {
		businessId,
		senders: Array.isArray(filters.senders) ? (filters.senders as string[]) : [...DEFAULT_SENDERS],
		statuses: Array.isArray(filters.statuses) ? (filters.statuses as string[]) : [],
		deadline,
	};
}

/**
 * A manual test run: the latest wanted message of the most recently active chats, whatever
 * order Market lists them in (so it lists every page). Touches no cursor.
 */
async function sample(
	this: IPollFunctions,
	options: Options,
): Promise<INodeExecutionData[] | null> {
	const { chats } = await listChats.call(this, options);
	const recent = chats
		.filter((c) => Number.isFinite(c.updatedAt))
		.sort((a, b) => b.updatedAt - a.updatedAt)
		.slice(0, SAMPLE_CHATS);
	let best: INodeExecutionData | undefined;
	for (const chat of recent) {
		const messages = await readHistory.call(this, options, chat.chatId, undefined);
		const latest = messages.filter((m) => wanted(options, chat, m)).pop();
		if (latest) {
			const item = itemOf(options.businessId, chat, latest);
			if (!best || byTime(best, item) < 0) best = item;
		}
	}
	return best ? [best] : null;
}

function budgetOf(context: IPollFunctions): number {
	const withBudget = context as { getPollBudgetMs?: () => number | undefined };
	const budget =
		typeof withBudget.getPollBudgetMs === 'function' ? withBudget.getPollBudgetMs() : undefined;
	return typeof budget === 'number' && budget > 0 ? budget : DEFAULT_POLL_BUDGET_MS;
}

/** What the trigger can watch (Trigger On); chat messages when it is not set. */
export const WATCH_VALUES = ['chatMessage', 'review', 'question'] as const;
export type Watched = (typeof WATCH_VALUES)[number];

function watched(this: IPollFunctions): Watched[] {
	const value = this.getNodeParameter('events', ['chatMessage']);
	const list = (Array.isArray(value) ? value : [value]).filter((v): v is Watched =>
		(WATCH_VALUES as readonly unknown[]).includes(v),
	);
	if (list.length === 0)
		throw new NodeOperationError(
			this.getNode(),
			'Trigger On (events) is empty: choose at least one of New Chat Message, New Review, New Question',
		);
	return list;
}

/**
 * One poll of everything watched: chat messages, reviews and questions each keep a cursor of
 * their own. A kind that fails emits nothing and keeps its cursor; the others still emit.
 */
export async function pollWatched(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const kinds = watched.call(this);
	// Workflows saved before reviews and questions could be watched poll exactly as before.
	if (kinds.length === 1 && kinds[0] === 'chatMessage') return await pollChats.call(this);
	const node = this.getNode();
	const deadline = Date.now() + budgetOf(this);
	const businessId = readOptions.call(this, deadline).businessId;
	const goods: GoodsOptions = {
		businessId,
		deadline,
		rateLimitWaitMs: POLL_RATE_LIMIT_WAIT_MS,
		key: `poll|${this.getWorkflow().id ?? ''}|${node.id ?? node.name}`,
	};
	const items: INodeExecutionData[] = [];
	const failures: unknown[] = [];
	for (const kind of kinds) {
		try {
			if (kind === 'chatMessage') {
				items.push(...((await pollChats.call(this))?.[0] ?? []));
			} else if (this.getMode() === 'manual') {
				const sampled = await sampleGoods.call(this, goods, kind);
				if (sampled) items.push(sampled);
			} else {
				const poll = kind === 'review' ? pollReviews : pollQuestions;
				items.push(...(await poll.call(this, goods)));
			}
		} catch (error) {
			failures.push(error);
		}
	}
	if (failures.length > 0) {
		const error = asNodeError(node, failures[0]);
		if (items.length === 0) throw error;
		this.logger.warn(
			`Yandex Market Polling Trigger "${node.name}": part of the poll failed (${error.message}); ${items.length} item(s) are emitted, the rest comes with the next poll`,
		);
	}
	return items.length > 0 ? [items] : null;
}

/** One poll; the items of new messages (with their files, if the options ask), or null. */
export async function pollChats(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const options = readOptions.call(this, Date.now() + budgetOf(this));
	const found = await pollOnce.call(this, options);
	if (!found) return null;
	// After the cursor moved: a file that cannot be fetched keeps its link and repeats nothing.
	const extra = this.getNodeParameter('options', {}) as IDataObject;
	return [await attachmentsFor.call(this, found[0], extra, options.deadline)];
}

async function pollOnce(
	this: IPollFunctions,
	options: Options,
): Promise<INodeExecutionData[][] | null> {
	const node = this.getNode();
	if (this.getMode() === 'manual') {
		const items = await sample.call(this, options);
		return items ? [items] : null;
	}

	// Two polls of one trigger never overlap: the second starts from where the first ended.
	const key = `poll|${this.getWorkflow().id ?? ''}|${node.id ?? node.name}`;
	return await inSequence(key, async () => {
		const staticData = this.getWorkflowStaticData('node');
		const stored =
			readCursor(staticData.cursor, options.businessId) ??
			readCursor(firstActivations.get(key), options.businessId);
		const first = !stored;

		// First activation: every chat is listed; those active right now are remembered.
		const listing = await listChats.call(
			this,
			options,
			stored && mayStopEarly(stored) ? () => stored.from : undefined,
		);
		const { chats, at } = listing;
		let cursor = stored ?? startAt(options.businessId, at);
		// Written after Market's answer to the listing: new, even at the first activation.
		const floor = first ? Math.floor(at / 1000) * 1000 + 1000 : cursor.full;
		const items: INodeExecutionData[] = [];
		let failure: unknown;
		for (const chat of chats) {
			if (!Number.isFinite(chat.updatedAt) || !needsRead(cursor, chat)) continue;
			let messages: Message[];
			try {
				messages = await readHistory.call(
					this,
					options,
					chat.chatId,
					readFrom(cursor, chat.chatId),
				);
			} catch (error) {
				if (first) throw asNodeError(node, error);
				failure = error;
				break;
			}
			for (const message of newMessages(cursor, chat.chatId, messages, floor)) {
				if (wanted(options, chat, message)) items.push(itemOf(options.businessId, chat, message));
			}
			cursor = markRead(cursor, chat, messages);
		}
		cursor = { ...cursor, order: observeOrder(cursor.order, chats, at, listing.full) };
		if (cursor.order.mode === 'other' && !cursor.order.told) {
			this.logger.warn(
				`Yandex Market Polling Trigger "${node.name}": Market does not list chats by latest activity, so every poll reads every page of chats (${Math.max(1, Math.ceil(chats.length / LIMITS.chatsPageMax))} getChats request(s) now)`,
			);
			cursor = { ...cursor, order: { ...cursor.order, told: true } };
		}
		// A poll cut short keeps `from`: the chats it did not read are listed and read next time.
		staticData.cursor = failure === undefined ? advance(cursor, at, listing.full) : cursor;
		if (first) firstActivations.set(key, staticData.cursor as PollCursor);
		if (failure !== undefined) {
			const error = asNodeError(node, failure);
			if (items.length === 0) throw error;
			this.logger.warn(
				`Yandex Market Polling Trigger "${node.name}": the poll stopped early (${error.message}); ${items.length} message(s) read whole are emitted, the rest comes with the next poll`,
			);
		}
		return items.length > 0 ? [items.sort(byTime)] : null;
	});
}
