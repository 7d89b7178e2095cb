/**
 * Yandex Market Partner API simulator (chat methods + token info + campaigns).
 *
 * A plain `node:http` server that behaves like the real API as the OpenAPI spec
 * (partner-api/openapi) describes it: same paths, parameters, limits, response
 * shapes, error envelope (ApiErrorResponse), Api-Key scopes and hourly resource
 * limits. It keeps live, inspectable state and records every exchange so tests
 * can assert on what a client actually sent.
 *
 * Processing order of a request (the first failing step answers):
 *   1. route (404)            2. Api-Key present and known (401)
 *   3. key has a scope from the operation's x-auth-scopes (403)
 *   4. businessId is an integer ≥ 1 (400) and owned by the key (403)
 *   5. hourly resource limit of (business, method) (420, consumes one unit)
 *   6. parallel requests per business ≤ maxParallel (420)
 *   7. injected faults (failNext)
 *   8. the operation itself: query/body validation (400), lookups (404), 200.
 *
 * Files by concern: types.ts (options, records, state, the admin API of `Simulator`),
 * operations.ts (routes, scopes, limits), validation.ts (error envelope, parameter checks,
 * page tokens), listing.ts (list order and pages), multipart.ts, dto.ts, handlers.ts (one
 * handler per operation, in a table), fixtures.ts (seed data); reviews and questions:
 * goodsTypes.ts (their settings, buyer actions, notifications), goods.ts, goodsFeedback.ts,
 * goodsQuestions.ts, goodsFixtures.ts; settings.ts (environment defaults), time.ts (Moscow
 * dates); this file is the HTTP server, limits, faults and the admin API.
 *
 * Hourly limits follow the seller's subscription tier (`subscriptionTier`: x-resource-limit-
 * config's `none` or `medium`); chat methods have the same amounts in both.
 *
 * The simulator does not need the spec files at run time; the per-operation
 * scopes and limits in operations.ts were taken from each path's `x-auth-scopes` and
 * `x-resource-limit-config` (a test checks them against the spec).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HANDLERS, type Ctx } from './handlers';
import { multipartBoundary, parseMultipart } from './multipart';
import {
	HOUR_MS,
	MAX_BODY_BYTES,
	OPERATIONS,
	ROUTES,
	hourlyAmount,
	type OperationSpec,
} from './operations';
import { addFeedback, addFeedbackComment, deleteFeedback } from './goodsFeedback';
import { emptyGoods } from './goodsFixtures';
import { addAnswer, addAnswerComment, addQuestion, deleteQuestion } from './goodsQuestions';
import type { GoodsSettings } from './goodsTypes';
import { initialGoodsSettings, settingFromEnv, subscriptionTierFromEnv } from './settings';
import { CHAT_ORDERS } from './types';
import type {
	AddChatInput,
	AddMessageInput,
	ChatOrder,
	FaultSpec,
	FileAccess,
	OperationId,
	RecordedRequest,
	SimState,
	Simulator,
	SimulatorOptions,
	SubscriptionTier,
} from './types';
import {
	ApiError,
	DEFAULT_ERROR_CODES,
	STATUS_TEXT,
	badRequest,
	errorBody,
	intParam,
	isJsonMediaType,
	mediaType,
	notFound,
	type Reply,
} from './validation';

import {
	SIM_FILE_TOKEN,
	cloneFixtures,
	createFixtures,
	formatMsk,
	type ApiKeyRecord,
	type ChatRecord,
	type ChatStatus,
	type FileRecord,
	type Fixtures,
	type MessageRecord,
} from './fixtures';

export { SIM_KEYS, SIM_FILE_TOKEN, FIXTURE_FACTS, createFixtures, formatMsk } from './fixtures';
export type * from './fixtures';
export type * from './types';
export { CHAT_ORDERS, SUBSCRIPTION_TIERS } from './types';
// Reviews and questions: their settings (values and types), records and buyer actions.
export * from './goodsTypes';
export type * from './goodsFixtures';
export { DEFAULT_GOODS_SETTINGS, GOODS_SETTINGS } from './settings';
export { OPERATIONS, MAX_FILE_BYTES, MAX_MESSAGE_LENGTH, type OperationSpec } from './operations';
export { MultipartError, multipartBoundary, parseHeaderParams, parseMultipart } from './multipart';

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

interface Bucket {
	windowStart: number;
	remaining: number;
	/** The hourly amount it was counted against (the tier may change within the window). */
	limit: number;
}

interface Fault extends FaultSpec {
	times: number;
}

function faultReply(opId: OperationId, fault: Fault, processedStatus?: number): Reply {
	const status = fault.status ?? processedStatus ?? 500;
	const code = DEFAULT_ERROR_CODES[status] ?? `HTTP_${status}`;
	const reply: Reply = {
		status,
		body:
			fault.body !== undefined
				? fault.body
				: errorBody(code, `Injected fault: ${status} for ${opId}`),
	};
	if (typeof fault.body === 'string' || Buffer.isBuffer(fault.body)) {
		reply.raw = Buffer.from(fault.body as string | Buffer);
		reply.contentType = 'text/plain; charset=utf-8';
	}
	if (fault.remaining !== undefined) reply.remainingOverride = fault.remaining;
	else if (status === 420) reply.remainingOverride = 0;
	return reply;
}

/** YM_SIM_CHAT_ORDER lets a whole test run (e2e included) use another getChats order. */
function chatOrderFromEnv(): ChatOrder {
	return settingFromEnv('YM_SIM_CHAT_ORDER', CHAT_ORDERS, 'activity');
}

function hourStart(ms: number): number {
	return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

function emptyState(): SimState {
	return {
		businesses: [],
		campaigns: [],
		apiKeys: [],
		orders: [],
		returns: [],
		chats: [],
		messages: [],
		files: [],
		sentMessages: [],
		sentFiles: [],
		createdChats: [],
		downloads: [],
		fileRequests: [],
		...emptyGoods(),
		notifications: [],
	};
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// The settings of reviews and questions are plain properties, set in the constructor.
interface YandexMarketSimulator extends GoodsSettings {}

class YandexMarketSimulator implements Simulator {
	url = '';
	port = 0;
	readonly requests: RecordedRequest[] = [];
	readonly state: SimState = emptyState();

	private readonly server: http.Server;
	private readonly fixtures: Fixtures;
	readonly clock: () => number;
	private readonly maxParallel: number;
	private readonly latencyMs: number;
	private quotaOverrides: Partial<Record<OperationId, number>> = {};
	private buckets = new Map<string, Bucket>();
	private inFlight = new Map<string, number>();
	private faults = new Map<OperationId, Fault[]>();
	private spentUntil = new Map<OperationId, number>();
	/** Quotas spent by spendQuotaFromFirstCall, waiting for the method's first call. */
	private spendOnFirstCall = new Map<OperationId, number>();
	private seq = 0;
	private nextChatId = 5001;
	nextMessageId = 900001;
	private nextFileId = 1;
	chatOrder: ChatOrder;
	subscriptionTier: SubscriptionTier;
	private listingSeed: number;

	constructor(private readonly opts: SimulatorOptions) {
		this.fixtures = cloneFixtures(opts.fixtures ?? createFixtures());
		this.clock = opts.clock ?? Date.now;
		this.maxParallel = opts.maxParallel ?? 4;
		this.latencyMs = opts.latencyMs ?? 0;
		this.chatOrder = opts.chatOrder ?? chatOrderFromEnv();
		this.listingSeed = opts.chatOrderSeed ?? 1;
		this.subscriptionTier = opts.subscriptionTier ?? subscriptionTierFromEnv();
		Object.assign(this, initialGoodsSettings(opts));
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((err) => {
				// Only reachable on a bug in the simulator; answer 500 rather than hang.
				if (!res.headersSent) {
					res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
					res.end(
						JSON.stringify(
							errorBody('INTERNAL_ERROR', `simulator bug: ${String(err?.stack ?? err)}`),
						),
					);
				}
			});
		});
		this.server.keepAliveTimeout = 1000;
	}

	async listen(): Promise<void> {
		const host = this.opts.host ?? '127.0.0.1';
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.opts.port ?? 0, host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		this.port = (this.server.address() as AddressInfo).port;
		this.url = `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
		this.reset();
	}

	close(): Promise<void> {
		return new Promise((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	// ----- test controls ---------------------------------------------------

	reset(): void {
		this.requests.length = 0;
		const f = cloneFixtures(this.fixtures);
		// Fixture attachment URLs are relative to the simulator.
		for (const m of f.messages) {
			for (const p of m.payload ?? []) if (p.url.startsWith('/')) p.url = this.fileBase() + p.url;
		}
		Object.assign(this.state, emptyState(), f);
		this.quotaOverrides = { ...(this.opts.quotas ?? {}) };
		this.buckets.clear();
		this.faults.clear();
		this.spentUntil.clear();
		this.spendOnFirstCall.clear();
		this.seq = 0;
		this.nextChatId = Math.max(5001, ...f.chats.map((c) => c.chatId + 1));
		this.nextMessageId = Math.max(900001, ...f.messages.map((m) => m.messageId + 1));
		this.nextFileId = 1;
	}

	nextListingSeed(): number {
		this.listingSeed = (Math.imul(this.listingSeed, 1103515245) + 12345) | 0;
		return this.listingSeed;
	}

	setQuota(opId: OperationId, remaining: number): void {
		this.quotaOverrides[opId] = remaining;
		for (const [key, bucket] of this.buckets)
			if (key.startsWith(opId + '|')) bucket.remaining = remaining;
	}

	quotaRemaining(opId: OperationId, scope: number | string): number {
		return this.bucket(OPERATIONS[opId], String(scope)).remaining;
	}

	failNext(opId: OperationId, status: number, times = 1, body?: unknown): void {
		this.injectFault(opId, { status, body }, times);
	}

	injectFault(opId: OperationId, fault: FaultSpec, times = 1): void {
		const list = this.faults.get(opId) ?? [];
		list.push({ ...fault, times });
		this.faults.set(opId, list);
	}

	spendQuotaFromFirstCall(opId: OperationId, ms: number): void {
		this.spendOnFirstCall.set(opId, ms);
	}

	spendQuotaUntil(opId: OperationId, until: number): void {
		// Market's Until header has whole seconds: the window ends on one.
		this.spentUntil.set(opId, Math.ceil(until / 1000) * 1000);
	}

	addChat(input: AddChatInput): ChatRecord {
		const s = this.state;
		const contextType = input.contextType ?? 'DIRECT';
		const businessId = input.businessId;
		const campaignId = input.campaignId ?? s.campaigns.find((c) => c.businessId === businessId)?.id;
		let customer = input.customer;
		const context: ChatRecord['context'] = { type: contextType };
		if (contextType !== 'DIRECT') {
			let orderId = input.orderId;
			if (contextType === 'RETURN') {
				const returnId = input.returnId;
				if (returnId === undefined)
					throw new Error('addChat: returnId is required for RETURN chats');
				let ret = s.returns.find((r) => r.id === returnId && r.businessId === businessId);
				if (!ret) {
					if (orderId === undefined)
						throw new Error(`addChat: return ${returnId} is unknown; pass its orderId`);
					ret = { id: returnId, orderId, businessId, campaignId: campaignId! };
					s.returns.push(ret);
				}
				orderId = ret.orderId;
				context.returnId = returnId;
			}
			if (orderId === undefined)
				throw new Error('addChat: orderId is required for ORDER/RETURN chats');
			let order = s.orders.find((o) => o.id === orderId && o.businessId === businessId);
			if (!order) {
				order = {
					id: orderId,
					businessId,
					campaignId: campaignId!,
					customer: customer ?? { name: 'Покупатель', publicId: `sim-public-${orderId}` },
				};
				s.orders.push(order);
			}
			customer ??= order.customer;
			context.campaignId = order.campaignId;
			context.orderId = orderId;
		}
		context.customer = customer ?? {
			name: 'Покупатель',
			publicId: `sim-public-chat-${this.nextChatId}`,
		};
		const now = input.createdAt ?? formatMsk(this.clock());
		const chat: ChatRecord = {
			chatId: input.chatId ?? this.nextChatId++,
			businessId,
			type: input.type ?? 'CHAT',
			status: input.status ?? 'NEW',
			context,
			createdAt: now,
			updatedAt: now,
		};
		s.chats.push(chat);
		return chat;
	}

	addMessage(chatId: number, input: AddMessageInput = {}): MessageRecord {
		const chat = this.state.chats.find((c) => c.chatId === chatId);
		if (!chat) throw new Error(`addMessage: no chat ${chatId}`);
		const sender = input.sender ?? 'CUSTOMER';
		const msg: MessageRecord = {
			messageId: input.messageId ?? this.nextMessageId++,
			chatId,
			createdAt: input.createdAt ?? formatMsk(this.clock()),
			sender,
		};
		if (input.files?.length) {
			msg.payload = input.files.map((f) => {
				const data = Buffer.isBuffer(f.data)
					? f.data
					: Buffer.from(f.data ?? `attachment ${f.name}`, 'utf8');
				return this.storeFile(f.name, f.contentType ?? 'application/octet-stream', data, f.access);
			});
		}
		if (input.message !== undefined || !msg.payload)
			msg.message = input.message ?? 'Новое сообщение от покупателя';
		this.state.messages.push(msg);
		// updatedAt is the time of the chat's latest message, whatever order they come in.
		if (Date.parse(msg.createdAt) >= Date.parse(chat.updatedAt)) chat.updatedAt = msg.createdAt;
		const status =
			input.status ??
			(sender === 'CUSTOMER'
				? 'WAITING_FOR_PARTNER'
				: sender === 'PARTNER'
					? 'WAITING_FOR_CUSTOMER'
					: chat.status);
		chat.status = status;
		return msg;
	}

	deleteMessage(chatId: number, messageId: number): void {
		const index = this.state.messages.findIndex(
			(m) => m.chatId === chatId && m.messageId === messageId,
		);
		if (index < 0) throw new Error(`deleteMessage: no message ${messageId} in chat ${chatId}`);
		this.state.messages.splice(index, 1);
	}

	setChatStatus(chatId: number, status: ChatStatus): void {
		const chat = this.state.chats.find((c) => c.chatId === chatId);
		if (!chat) throw new Error(`setChatStatus: no chat ${chatId}`);
		chat.status = status;
	}

	messagesOf(chatId: number): MessageRecord[] {
		return this.state.messages
			.filter((m) => m.chatId === chatId)
			.sort((a, b) => a.messageId - b.messageId);
	}

	storeFile(name: string, contentType: string, data: Buffer, access?: FileAccess) {
		const file: FileRecord = { id: `f-${this.nextFileId++}`, name, contentType, data, access };
		this.state.files.push(file);
		return { name, size: data.length, url: `${this.fileBase()}/files/${file.id}` };
	}

	/** Where attachment links point: the API's own origin, or `fileHost` on the same port. */
	private fileBase(): string {
		return this.opts.fileHost ? `http://${this.opts.fileHost}:${this.port}` : this.url;
	}

	// Reviews and questions: buyer actions (goodsFeedback.ts, goodsQuestions.ts).
	readonly addFeedback = addFeedback;
	readonly addFeedbackComment = addFeedbackComment;
	readonly deleteFeedback = deleteFeedback;
	readonly addQuestion = addQuestion;
	readonly addAnswer = addAnswer;
	readonly addAnswerComment = addAnswerComment;
	readonly deleteQuestion = deleteQuestion;

	deleteFile(url: string): void {
		const id = decodeURIComponent(new URL(url).pathname.slice('/files/'.length));
		const at = this.state.files.findIndex((f) => f.id === id);
		if (at >= 0) this.state.files.splice(at, 1);
	}

	// ----- rate limits -----------------------------------------------------

	/** The hourly amount of a method in the current subscription tier. */
	private hourlyLimit(spec: OperationSpec): number {
		return hourlyAmount(spec, this.subscriptionTier);
	}

	private bucket(spec: OperationSpec, scope: string): Bucket {
		const key = `${spec.id}|${scope}`;
		const windowStart = hourStart(this.clock());
		const limit = this.hourlyLimit(spec);
		let b = this.buckets.get(key);
		if (!b || b.windowStart !== windowStart) {
			b = { windowStart, remaining: this.quotaOverrides[spec.id] ?? limit, limit };
			this.buckets.set(key, b);
		} else if (b.limit !== limit) {
			// A new tier within the window: what was used stays used.
			b.remaining = Math.max(0, b.remaining + limit - b.limit);
			b.limit = limit;
		}
		return b;
	}

	private rateHeaders(
		spec: OperationSpec | null,
		bucketScope: string | null,
		remainingOverride?: number,
	) {
		const windowStart = hourStart(this.clock());
		// Unrouted requests belong to no resource; they report a nominal, unconsumed limit.
		const limit = spec ? this.hourlyLimit(spec) : 1000;
		const remaining =
			remainingOverride ??
			(spec && bucketScope !== null ? this.bucket(spec, bucketScope).remaining : limit);
		return {
			'X-RateLimit-Resource-Limit': String(limit),
			'X-RateLimit-Resource-Remaining': String(Math.max(0, remaining)),
			'X-RateLimit-Resource-Until': new Date(windowStart + HOUR_MS).toUTCString(),
		};
	}

	// ----- request handling ------------------------------------------------

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://simulator');
		if (req.method === 'GET' && url.pathname.startsWith('/files/'))
			return this.serveFile(req, res, url.pathname);
		const query: Record<string, string> = {};
		for (const [k, v] of url.searchParams) if (!Object.hasOwn(query, k)) query[k] = v; // first value wins
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(req.headers)) {
			if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
		}
		const record: RecordedRequest = {
			seq: ++this.seq,
			operationId: null,
			method: (req.method ?? 'GET').toUpperCase(),
			path: url.pathname,
			query,
			headers,
			rawBody: Buffer.alloc(0),
			status: 0,
			responseHeaders: {},
			responseBody: undefined,
			startedAt: Date.now(),
			endedAt: 0,
		};
		this.requests.push(record);

		let tooLarge = false;
		try {
			const body = await readBody(req, MAX_BODY_BYTES);
			record.rawBody = body.data;
			tooLarge = body.truncated;
		} catch {
			// The client went away; nothing to answer.
			record.endedAt = Date.now();
			return;
		}

		const ctxExtras = this.parseBody(record);
		const route = ROUTES.find((r) => r.spec.method === record.method && r.regex.test(record.path));
		const spec = route?.spec ?? null;
		record.operationId = spec?.id ?? null;

		let bucketScope: string | null = null;
		let slot: string | null = null;
		let fault: Fault | undefined;
		let windowOverride: { remaining: number; until: number } | undefined;
		let reply: Reply;
		try {
			if (tooLarge) throw badRequest(`Request body exceeds ${MAX_BODY_BYTES} bytes`);
			if (!route || !spec) {
				const allowed = ROUTES.filter((r) => r.regex.test(record.path)).map((r) => r.spec.method);
				throw notFound(
					allowed.length
						? `${record.method} is not supported for ${record.path} (use ${allowed.join(', ')})`
						: `Unknown resource ${record.method} ${record.path}`,
				);
			} else {
				const key = this.authenticate(record, spec);
				let businessId = NaN;
				if (spec.businessScoped) {
					const raw = decodeURIComponent(route.regex.exec(record.path)![1]);
					businessId = intParam(raw, 'businessId', { required: true, min: 1 })!;
					if (!key.businessIds.includes(businessId)) {
						throw new ApiError(
							403,
							'FORBIDDEN',
							`Access to business ${businessId} is denied for this Api-Key`,
						);
					}
				}
				bucketScope = spec.businessScoped ? String(businessId) : key.key;

				const spendFor = this.spendOnFirstCall.get(spec.id);
				if (spendFor !== undefined) {
					this.spendOnFirstCall.delete(spec.id);
					this.spendQuotaUntil(spec.id, this.clock() + spendFor);
				}
				const spentUntil = this.spentUntil.get(spec.id) ?? 0;
				if (this.clock() < spentUntil) {
					windowOverride = { remaining: 0, until: spentUntil };
					throw new ApiError(
						420,
						'LIMIT_EXCEEDED',
						`Hourly limit of ${this.hourlyLimit(spec)} requests to ${spec.id} is exhausted until ${new Date(spentUntil).toUTCString()}`,
					);
				}
				const bucket = this.bucket(spec, bucketScope);
				if (bucket.remaining <= 0) {
					throw new ApiError(
						420,
						'LIMIT_EXCEEDED',
						`Hourly limit of ${this.hourlyLimit(spec)} requests to ${spec.id} is exhausted until ${new Date(bucket.windowStart + HOUR_MS).toUTCString()}`,
					);
				}
				bucket.remaining--;

				const slotKey = spec.businessScoped ? `b:${businessId}` : `k:${key.key}`;
				const busy = this.inFlight.get(slotKey) ?? 0;
				if (busy >= this.maxParallel) {
					// Market's own wording; its quota headers still show the hourly window.
					throw new ApiError(
						420,
						'LIMIT_EXCEEDED',
						spec.businessScoped
							? `Hit rate limit of ${this.maxParallel} parallel requests for businessId ${businessId}`
							: `Hit rate limit of ${this.maxParallel} parallel requests`,
					);
				}
				this.inFlight.set(slotKey, busy + 1);
				slot = slotKey;

				fault = this.takeFault(spec.id);
				if (fault && !fault.process) reply = faultReply(spec.id, fault);
				else {
					reply = this.dispatch({ spec, record, key, businessId, query, ...ctxExtras });
					if (fault) reply = faultReply(spec.id, fault, reply.status);
				}
			}
		} catch (err) {
			reply =
				err instanceof ApiError
					? { status: err.status, body: errorBody(err.code, err.message) }
					: // Only reachable on a bug in the simulator; answer rather than hang.
						{
							status: 500,
							body: errorBody(
								'INTERNAL_ERROR',
								`simulator bug: ${(err as Error)?.stack ?? String(err)}`,
							),
						};
		}

		if (this.latencyMs > 0) await sleep(this.latencyMs);
		if (fault?.delayMs) await sleep(fault.delayMs);
		if (slot) {
			const n = (this.inFlight.get(slot) ?? 1) - 1;
			if (n <= 0) this.inFlight.delete(slot);
			else this.inFlight.set(slot, n);
		}
		if (fault?.reset) {
			// -1: the connection was dropped without an answer.
			record.status = -1;
			record.endedAt = Date.now();
			req.socket.destroy();
			return;
		}
		const rate = this.rateHeaders(
			spec,
			bucketScope,
			windowOverride?.remaining ?? reply.remainingOverride,
		);
		const until = windowOverride?.until ?? fault?.until;
		if (until !== undefined) rate['X-RateLimit-Resource-Until'] = new Date(until).toUTCString();
		this.send(res, record, reply, rate);
		this.opts.afterReply?.(record);
	}

	/** Parses JSON / multipart bodies for the record; errors are kept for the handlers to report. */
	private parseBody(record: RecordedRequest): { jsonError?: string; multipartError?: string } {
		const ct = record.headers['content-type'];
		if (record.rawBody.length === 0) return {};
		if (isJsonMediaType(ct)) {
			try {
				let text = record.rawBody.toString('utf8');
				if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
				record.json = JSON.parse(text);
			} catch (e) {
				return { jsonError: (e as Error).message };
			}
		} else if (mediaType(ct) === 'multipart/form-data') {
			const boundary = multipartBoundary(ct);
			if (!boundary)
				return { multipartError: 'Content-Type multipart/form-data has no boundary parameter' };
			try {
				record.multipart = parseMultipart(record.rawBody, boundary);
			} catch (e) {
				return { multipartError: (e as Error).message };
			}
		}
		return {};
	}

	private authenticate(record: RecordedRequest, spec: OperationSpec): ApiKeyRecord {
		const value = record.headers['api-key'];
		if (value === undefined || value.trim() === '') {
			const hint = record.headers.authorization
				? ' (OAuth tokens are not simulated; use the Api-Key header)'
				: '';
			throw new ApiError(401, 'UNAUTHORIZED', `Api-Key header is required${hint}`);
		}
		const key = this.state.apiKeys.find((k) => k.key === value.trim());
		if (!key) throw new ApiError(401, 'UNAUTHORIZED', 'Api-Key is invalid or has been revoked');
		if (!key.scopes.some((s) => spec.scopes.includes(s))) {
			throw new ApiError(
				403,
				'FORBIDDEN',
				`Api-Key scopes [${key.scopes.join(', ')}] do not allow ${spec.id}; one of [${spec.scopes.join(', ')}] is required`,
			);
		}
		return key;
	}

	private takeFault(opId: OperationId): Fault | undefined {
		const list = this.faults.get(opId);
		const fault = list?.[0];
		if (!list || !fault) return undefined;
		if (fault.after) {
			fault.after--;
			return undefined;
		}
		if (--fault.times <= 0) list.shift();
		return fault;
	}

	private send(
		res: http.ServerResponse,
		record: RecordedRequest,
		reply: Reply,
		rate: Record<string, string>,
	): void {
		const payload = reply.raw ?? Buffer.from(JSON.stringify(reply.body), 'utf8');
		const headers: Record<string, string> = {
			'Content-Type': reply.contentType ?? 'application/json; charset=utf-8',
			'Content-Length': String(payload.length),
			// Market's clock, as a real server's Date says it (the polling trigger relies on it).
			Date: new Date(this.clock()).toUTCString(),
			...rate,
		};
		record.status = reply.status;
		record.responseHeaders = Object.fromEntries(
			Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
		);
		record.responseBody = reply.raw ?? reply.body;
		record.endedAt = Date.now();
		res.statusCode = reply.status;
		res.statusMessage = STATUS_TEXT[reply.status] ?? http.STATUS_CODES[reply.status] ?? 'Unknown';
		for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
		res.end(payload);
	}

	/**
	 * Attachment downloads (payload URLs). Not API methods: not in `requests`, not rate
	 * limited. A file's `access` says what its link wants: nothing ('open', the default),
	 * a valid Api-Key, or `Authorization: OAuth <fileOAuthToken>`; otherwise 401.
	 */
	private async serveFile(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		path: string,
	): Promise<void> {
		req.resume();
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(req.headers)) {
			if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
		}
		const id = decodeURIComponent(path.slice('/files/'.length).split('/')[0]);
		const file = this.state.files.find((f) => f.id === id);
		const answer = (status: number, type: string, body: Buffer) => {
			this.state.fileRequests.push({ fileId: id, headers, status });
			res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length });
			res.end(body);
		};
		if (this.opts.fileLatencyMs) await sleep(this.opts.fileLatencyMs);
		const json = 'application/json; charset=utf-8';
		if (!file) {
			return answer(
				404,
				json,
				Buffer.from(JSON.stringify(errorBody('NOT_FOUND', `File ${id} not found`))),
			);
		}
		const access = file.access ?? 'open';
		const token = this.opts.fileOAuthToken ?? SIM_FILE_TOKEN;
		const allowed =
			access === 'open' ||
			(access === 'apiKey' &&
				this.state.apiKeys.some((k) => k.key === (headers['api-key'] ?? '').trim())) ||
			(access === 'oauth' && headers.authorization === `OAuth ${token}`);
		if (!allowed) {
			return answer(
				401,
				json,
				Buffer.from(JSON.stringify(errorBody('UNAUTHORIZED', 'Unauthorized'))),
			);
		}
		this.state.downloads.push(file.id);
		answer(200, file.contentType, file.data);
	}

	private dispatch(ctx: Ctx): Reply {
		return HANDLERS[ctx.spec.id].call(this, ctx);
	}
}

/** Reads the whole body; beyond `max` bytes it keeps draining but stops storing. */
function readBody(
	req: http.IncomingMessage,
	max: number,
): Promise<{ data: Buffer; truncated: boolean }> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let truncated = false;
		req.on('data', (chunk: Buffer) => {
			if (size + chunk.length > max) truncated = true;
			if (!truncated) {
				chunks.push(chunk);
				size += chunk.length;
			}
		});
		req.on('end', () => resolve({ data: Buffer.concat(chunks), truncated }));
		req.on('error', reject);
		req.on('aborted', () => reject(new Error('aborted')));
	});
}

/** Starts a simulator; `await sim.close()` when done. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
	const sim = new YandexMarketSimulator(opts);
	await sim.listen();
	return sim;
}
