/**
 * What each method does once a request passed authentication, limits and faults: one handler
 * per Market operation, looked up in HANDLERS.
 */
import {
	CHAT_CONTEXT_TYPES,
	CHAT_STATUSES,
	CHAT_TYPES,
	formatMsk,
	type ApiKeyRecord,
	type ChatRecord,
	type MessageRecord,
} from './fixtures';
import { chatInfoDTO, contextDTO, messageDTO } from './dto';
import { FEEDBACK_HANDLERS } from './goodsFeedback';
import { QUESTION_HANDLERS } from './goodsQuestions';
import { keysetPage, mix } from './listing';
import { MAX_FILE_BYTES, MAX_MESSAGE_LENGTH, type OperationSpec } from './operations';
import type {
	ChatOrder,
	AddChatInput,
	AddMessageInput,
	OperationId,
	RecordedRequest,
	SimState,
} from './types';
import type { GoodsSettings } from './goodsTypes';
import {
	ApiError,
	arrayFilter,
	badRequest,
	codePointLength,
	decodeToken,
	encodeToken,
	enumCheck,
	intParam,
	isInt,
	jsonBody,
	mediaType,
	notFound,
	pageToken,
	type Reply,
} from './validation';

/** The request as the handlers see it. */
export interface Ctx {
	spec: OperationSpec;
	record: RecordedRequest;
	key: ApiKeyRecord;
	businessId: number; // NaN for non-business operations
	query: Record<string, string>;
	jsonError?: string;
	multipartError?: string;
}

/** What handlers may use of the simulator (reviews' and questions' settings included). */
export interface HandlerHost extends Readonly<GoodsSettings> {
	readonly state: SimState;
	readonly chatOrder: ChatOrder;
	/** A new seed for each listing in the `shuffled` order. */
	nextListingSeed(): number;
	readonly url: string;
	clock(): number;
	nextMessageId: number;
	addChat(input: AddChatInput): ChatRecord;
	addMessage(chatId: number, input?: AddMessageInput): MessageRecord;
	messagesOf(chatId: number): MessageRecord[];
	storeFile(
		name: string,
		contentType: string,
		data: Buffer,
	): { name: string; size: number; url: string };
}

// ----- helpers shared by handlers --------------------------------------

function chatIdParam(ctx: Ctx): number {
	return intParam(ctx.query.chatId, 'chatId', { required: true, min: 1 })!;
}

/** A chat of the request's business; other businesses' chats are "not found". */
function findChat(this: HandlerHost, ctx: Ctx, chatId: number): ChatRecord {
	const chat = this.state.chats.find((c) => c.chatId === chatId && c.businessId === ctx.businessId);
	if (!chat) throw notFound(`Chat ${chatId} not found`);
	return chat;
}

// ----- operations ------------------------------------------------------

function getAuthTokenInfo(this: HandlerHost, ctx: Ctx): Reply {
	return {
		status: 200,
		body: {
			status: 'OK',
			result: { apiKey: { name: ctx.key.name, authScopes: [...ctx.key.scopes] } },
		},
	};
}

/**
 * GET /v2/campaigns. GetCampaignsResponse has no `status` wrapper in the spec
 * (just campaigns + pager/paging), so neither does this.
 * Two paging styles: `pageToken`/`limit` (→ paging.nextPageToken) or the
 * deprecated `page`/`pageSize` (→ pager). Default page size 50, max 100.
 */
function getCampaigns(this: HandlerHost, ctx: Ctx): Reply {
	const q = ctx.query;
	const all = this.state.campaigns
		.filter((c) => ctx.key.businessIds.includes(c.businessId))
		.sort((a, b) => a.id - b.id)
		.map((c) => ({
			domain: c.domain,
			id: c.id,
			clientId: c.clientId,
			business: {
				id: c.businessId,
				name: this.state.businesses.find((b) => b.id === c.businessId)?.name ?? '',
			},
			placementType: c.placementType,
			apiAvailability: c.apiAvailability,
		}));
	const token = pageToken(q);
	if (token !== undefined || q.limit !== undefined) {
		const limit = intParam(q.limit, 'limit', { min: 1, max: 100 }) ?? 50;
		const scope = `campaigns|${ctx.key.key}`;
		const offset = token
			? decodeToken(token, scope, (c): c is { o: number } => isInt((c as { o?: unknown })?.o, 0)).o
			: 0;
		const page = all.slice(offset, offset + limit);
		const paging =
			offset + limit < all.length
				? { nextPageToken: encodeToken(scope, { o: offset + limit }) }
				: {};
		return { status: 200, body: { campaigns: page, paging } };
	}
	const page = intParam(q.page, 'page', { min: 1, max: 10000 }) ?? 1;
	const pageSize = intParam(q.pageSize, 'pageSize', { min: 1, max: 100 }) ?? 50;
	const from = (page - 1) * pageSize;
	const items = all.slice(from, from + pageSize);
	const pager = {
		total: all.length,
		from: items.length ? from + 1 : 0,
		to: items.length ? from + items.length : 0,
		currentPage: page,
		pagesCount: Math.ceil(all.length / pageSize),
		pageSize,
	};
	return { status: 200, body: { campaigns: items, pager } };
}

/**
 * POST /v2/businesses/{businessId}/chats — filters are AND-ed across fields
 * and OR-ed within one. Order: the simulator's `chatOrder` (Market's spec states none).
 * Paging is keyset-based: the token carries the last chat's sort key (and the listing's
 * seed when shuffled) and is signed with the normalised filters.
 */
/** A chat's place in a listing, ascending; the chatId last makes every key unique. */
function chatSortKey(order: ChatOrder, chat: ChatRecord, seed: number): number[] {
	switch (order) {
		case 'creation':
			return [-Date.parse(chat.createdAt), -chat.chatId];
		case 'idAsc':
			return [chat.chatId];
		case 'shuffled':
			return [mix(seed, chat.chatId), chat.chatId];
		default:
			return [-Date.parse(chat.updatedAt), -chat.chatId];
	}
}

function getChats(this: HandlerHost, ctx: Ctx): Reply {
	const limit = intParam(ctx.query.limit, 'limit', { min: 1, max: 20 }) ?? 10;
	const body = jsonBody(ctx);
	const filter = {
		orderIds: arrayFilter(body, 'orderIds', (v, where) => {
			if (!isInt(v)) throw badRequest(`${where} must be an integer, got ${JSON.stringify(v)}`);
			return v;
		}),
		contexts: arrayFilter(
			body,
			'contexts',
			(v, where) => {
				if (typeof v !== 'object' || v === null || Array.isArray(v))
					throw badRequest(`${where} must be an object {type, id}`);
				const { type, id } = v as { type?: unknown; id?: unknown };
				const t = enumCheck(['ORDER', 'RETURN'] as const)(type, `${where}.type`);
				if (!isInt(id, 1))
					throw badRequest(`${where}.id must be an integer >= 1, got ${JSON.stringify(id)}`);
				return { type: t, id };
			},
			(c) => `${c.type}:${c.id}`,
		),
		contextTypes: arrayFilter(body, 'contextTypes', enumCheck(CHAT_CONTEXT_TYPES)),
		types: arrayFilter(body, 'types', enumCheck(CHAT_TYPES)),
		statuses: arrayFilter(body, 'statuses', enumCheck(CHAT_STATUSES)),
	};

	const chats = this.state.chats
		.filter((c) => c.businessId === ctx.businessId)
		.filter(
			(c) =>
				!filter.orderIds ||
				(c.context.orderId !== undefined && filter.orderIds.includes(c.context.orderId)),
		)
		.filter(
			(c) =>
				!filter.contexts ||
				filter.contexts.some((f) =>
					f.type === 'ORDER'
						? c.context.type === 'ORDER' && c.context.orderId === f.id
						: c.context.type === 'RETURN' && c.context.returnId === f.id,
				),
		)
		.filter((c) => !filter.contextTypes || filter.contextTypes.includes(c.context.type))
		.filter((c) => !filter.types || filter.types.includes(c.type))
		.filter((c) => !filter.statuses || filter.statuses.includes(c.status));

	// Normalise so the same filters in another order share tokens.
	const normalised = {
		orderIds: filter.orderIds ? [...filter.orderIds].sort((a, b) => a - b) : null,
		contexts: filter.contexts ? filter.contexts.map((c) => `${c.type}:${c.id}`).sort() : null,
		contextTypes: filter.contextTypes ? [...filter.contextTypes].sort() : null,
		types: filter.types ? [...filter.types].sort() : null,
		statuses: filter.statuses ? [...filter.statuses].sort() : null,
	};
	const { page, paging } = keysetPage(chats, {
		keyOf: (chat, seed) => chatSortKey(this.chatOrder, chat, seed),
		newSeed: () => (this.chatOrder === 'shuffled' ? this.nextListingSeed() : 0),
		scope: `chats|${ctx.businessId}|${JSON.stringify(normalised)}`,
		token: pageToken(ctx.query),
		limit,
	});
	return {
		status: 200,
		body: { status: 'OK', result: { chats: page.map(chatInfoDTO), paging } },
	};
}

/**
 * POST /v2/businesses/{businessId}/chats/new.
 * - body.context {type: ORDER|RETURN, id} or the deprecated body.orderId (= ORDER context);
 *   both given and disagreeing, DIRECT, or neither → 400.
 * - An order/return this business doesn't have → 404 NOT_FOUND: the request is
 *   well-formed but names a resource that doesn't exist, which is what the
 *   spec's 404 ("Запрашиваемый ресурс не найден") is for; 400 is kept for
 *   malformed input.
 * - A CHAT-type chat that already exists for the context is returned as is
 *   ("возвращает информацию о нем или созданном ранее").
 */
function createChat(this: HandlerHost, ctx: Ctx): Reply {
	const body = jsonBody(ctx);
	let type: 'ORDER' | 'RETURN';
	let id: number;
	const legacy = body.orderId;
	if (legacy !== undefined && legacy !== null && !isInt(legacy, 1)) {
		throw badRequest(`body.orderId must be an integer >= 1, got ${JSON.stringify(legacy)}`);
	}
	if (body.context !== undefined && body.context !== null) {
		const c = body.context;
		if (typeof c !== 'object' || Array.isArray(c))
			throw badRequest('body.context must be an object {type, id}');
		const { type: t, id: i } = c as { type?: unknown; id?: unknown };
		if (t === 'DIRECT')
			throw badRequest(
				'body.context.type DIRECT is not allowed: only the buyer starts DIRECT chats',
			);
		type = enumCheck(['ORDER', 'RETURN'] as const)(t, 'body.context.type');
		if (!isInt(i, 1))
			throw badRequest(`body.context.id must be an integer >= 1, got ${JSON.stringify(i)}`);
		id = i;
		if (isInt(legacy) && (type !== 'ORDER' || legacy !== id)) {
			throw badRequest(
				'body.orderId (deprecated) contradicts body.context; send only body.context',
			);
		}
	} else if (isInt(legacy)) {
		type = 'ORDER';
		id = legacy;
	} else {
		throw badRequest('body.context is required');
	}

	const businessId = ctx.businessId;
	let chat: ChatRecord | undefined;
	let orderId: number;
	let returnId: number | undefined;
	let campaignId: number;
	if (type === 'ORDER') {
		const order = this.state.orders.find((o) => o.id === id && o.businessId === businessId);
		if (!order) throw notFound(`Order ${id} not found`);
		orderId = order.id;
		campaignId = order.campaignId;
		chat = this.state.chats.find(
			(c) =>
				c.businessId === businessId &&
				c.type === 'CHAT' &&
				c.context.type === 'ORDER' &&
				c.context.orderId === id,
		);
	} else {
		const ret = this.state.returns.find((r) => r.id === id && r.businessId === businessId);
		if (!ret) throw notFound(`Return ${id} not found`);
		orderId = ret.orderId;
		returnId = ret.id;
		campaignId = ret.campaignId;
		chat = this.state.chats.find(
			(c) =>
				c.businessId === businessId &&
				c.type === 'CHAT' &&
				c.context.type === 'RETURN' &&
				c.context.returnId === id,
		);
	}
	if (!chat) {
		const customer = this.state.orders.find(
			(o) => o.id === orderId && o.businessId === businessId,
		)?.customer;
		chat = this.addChat({
			businessId,
			contextType: type,
			orderId,
			returnId,
			campaignId,
			customer,
		});
		this.state.createdChats.push({ businessId, chatId: chat.chatId, context: { type, id } });
	}
	return { status: 200, body: { status: 'OK', result: { chatId: chat.chatId } } };
}

function getChat(this: HandlerHost, ctx: Ctx): Reply {
	const chat = findChat.call(this, ctx, chatIdParam(ctx));
	return { status: 200, body: { status: 'OK', result: chatInfoDTO(chat) } };
}

/**
 * POST /v2/businesses/{businessId}/chats/history.
 *
 * Order: ascending by messageId (oldest first). The spec doesn't say; the
 * step-by-step guide says to pass the id of the last known message
 * (messageIdFrom) to get only the new ones, i.e. reading moves forward in
 * time, so pages go oldest → newest and nextPageToken continues to newer
 * messages. messageIdFrom is inclusive (that message and all later ones).
 */
function getChatHistory(this: HandlerHost, ctx: Ctx): Reply {
	const chatId = chatIdParam(ctx);
	const limit = intParam(ctx.query.limit, 'limit', { min: 1, max: 100 }) ?? 50;
	const body = jsonBody(ctx);
	const from = body.messageIdFrom;
	if (from !== undefined && !isInt(from, 1)) {
		throw badRequest(`body.messageIdFrom must be an integer >= 1, got ${JSON.stringify(from)}`);
	}
	const chat = findChat.call(this, ctx, chatId);
	const scope = `history|${ctx.businessId}|${chatId}`;
	const token = pageToken(ctx.query);
	const after = token
		? decodeToken(token, scope, (c): c is { m: number } => isInt((c as { m?: unknown })?.m, 1)).m
		: 0;
	const rest = this.messagesOf(chatId).filter(
		(m) => m.messageId > after && (from === undefined || m.messageId >= from),
	);
	const page = rest.slice(0, limit);
	const paging =
		rest.length > limit
			? { nextPageToken: encodeToken(scope, { m: page[page.length - 1].messageId }) }
			: {};
	const result: Record<string, unknown> = {};
	if (chat.context.orderId !== undefined) result.orderId = chat.context.orderId; // deprecated field
	result.context = contextDTO(chat);
	result.messages = page.map(messageDTO);
	result.paging = paging;
	return { status: 200, body: { status: 'OK', result } };
}

/**
 * POST /v2/businesses/{businessId}/chats/message. Appends a PARTNER message;
 * the chat becomes WAITING_FOR_CUSTOMER (whatever it was, FINISHED included:
 * a shop message reopens it) and its updatedAt moves to now.
 */
function sendMessageToChat(this: HandlerHost, ctx: Ctx): Reply {
	const chatId = chatIdParam(ctx);
	const body = jsonBody(ctx);
	const text = body.message;
	if (text === undefined || text === null) throw badRequest('body.message is required');
	if (typeof text !== 'string')
		throw badRequest(`body.message must be a string, got ${typeof text}`);
	const len = codePointLength(text);
	if (len < 1 || len > MAX_MESSAGE_LENGTH) {
		throw badRequest(`body.message must be 1 to ${MAX_MESSAGE_LENGTH} characters long, got ${len}`);
	}
	const chat = findChat.call(this, ctx, chatId);
	const msg = this.addMessage(chat.chatId, {
		sender: 'PARTNER',
		message: text,
		status: 'WAITING_FOR_CUSTOMER',
	});
	this.state.sentMessages.push({
		businessId: ctx.businessId,
		chatId,
		messageId: msg.messageId,
		message: text,
		at: msg.createdAt,
	});
	return { status: 200, body: { status: 'OK' } };
}

function getChatMessage(this: HandlerHost, ctx: Ctx): Reply {
	const chatId = chatIdParam(ctx);
	const messageId = intParam(ctx.query.messageId, 'messageId', { required: true, min: 1 })!;
	findChat.call(this, ctx, chatId);
	const msg = this.state.messages.find((m) => m.chatId === chatId && m.messageId === messageId);
	if (!msg) throw notFound(`Message ${messageId} not found in chat ${chatId}`);
	return { status: 200, body: { status: 'OK', result: messageDTO(msg) } };
}

/**
 * POST /v2/businesses/{businessId}/chats/file/send, multipart/form-data with
 * exactly one `file` part (a file: it must carry a filename) of 1 byte to 5 MB.
 */
function sendFileToChat(this: HandlerHost, ctx: Ctx): Reply {
	const chatId = chatIdParam(ctx);
	const ct = ctx.record.headers['content-type'];
	if (mediaType(ct) !== 'multipart/form-data') {
		throw new ApiError(
			400,
			'UNSUPPORTED_MEDIA_TYPE',
			`Content-Type must be multipart/form-data, got '${ct ?? ''}'`,
		);
	}
	if (ctx.record.rawBody.length === 0)
		throw badRequest('Request body is required (multipart/form-data with a file part)');
	if (ctx.multipartError !== undefined)
		throw badRequest(`Malformed multipart body: ${ctx.multipartError}`);
	const files = (ctx.record.multipart ?? []).filter((p) => p.name === 'file');
	if (files.length === 0) throw badRequest('Multipart part "file" is required');
	if (files.length > 1) throw badRequest('Only one "file" part may be sent per request');
	const file = files[0];
	if (file.filename === undefined || file.filename === '') {
		throw badRequest('Multipart part "file" must be a file (Content-Disposition needs a filename)');
	}
	if (file.data.length === 0) throw badRequest('File is empty');
	if (file.data.length > MAX_FILE_BYTES) {
		throw badRequest(
			`File is too large: ${file.data.length} bytes, the maximum is ${MAX_FILE_BYTES} bytes (5 MB)`,
		);
	}
	const chat = findChat.call(this, ctx, chatId);
	const data = Buffer.from(file.data); // own copy, independent of the recorded raw body
	const msg: MessageRecord = {
		messageId: this.nextMessageId++,
		chatId,
		createdAt: formatMsk(this.clock()),
		sender: 'PARTNER',
		payload: [this.storeFile(file.filename, file.contentType ?? 'application/octet-stream', data)],
	};
	this.state.messages.push(msg);
	chat.status = 'WAITING_FOR_CUSTOMER';
	chat.updatedAt = msg.createdAt;
	this.state.sentFiles.push({
		businessId: ctx.businessId,
		chatId,
		messageId: msg.messageId,
		filename: file.filename,
		contentType: file.contentType,
		size: data.length,
		data,
		at: msg.createdAt,
	});
	return { status: 200, body: { status: 'OK' } };
}

export const HANDLERS: Record<OperationId, (this: HandlerHost, ctx: Ctx) => Reply> = {
	getAuthTokenInfo,
	getCampaigns,
	getChats,
	createChat,
	getChat,
	getChatHistory,
	sendMessageToChat,
	getChatMessage,
	sendFileToChat,
	...FEEDBACK_HANDLERS,
	...QUESTION_HANDLERS,
};
