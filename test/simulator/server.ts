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
 * The simulator does not need the spec files at run time; the per-operation
 * scopes and limits below were taken from each path's `x-auth-scopes` and
 * `x-resource-limit-config` (a test checks them against the spec).
 */
import * as http from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import {
	CHAT_CONTEXT_TYPES,
	CHAT_STATUSES,
	CHAT_TYPES,
	cloneFixtures,
	createFixtures,
	formatMsk,
	type ApiKeyRecord,
	type ApiKeyScope,
	type ChatContextType,
	type ChatRecord,
	type ChatStatus,
	type ChatType,
	type CustomerRecord,
	type FileRecord,
	type Fixtures,
	type MessageRecord,
	type SenderType,
} from './fixtures';

export { SIM_KEYS, FIXTURE_FACTS, createFixtures, formatMsk } from './fixtures';
export type * from './fixtures';

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

export type OperationId =
	| 'getChats'
	| 'createChat'
	| 'getChat'
	| 'getChatHistory'
	| 'sendMessageToChat'
	| 'getChatMessage'
	| 'sendFileToChat'
	| 'getAuthTokenInfo'
	| 'getCampaigns';

export interface SimulatorOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Seed data; default createFixtures(). The simulator works on a deep copy. */
	fixtures?: Fixtures;
	/** Remaining hourly units per method at start (and after reset), instead of the spec amount. */
	quotas?: Partial<Record<OperationId, number>>;
	/** Max in-flight requests per business (per key for non-business methods); more → 420. Default 4. */
	maxParallel?: number;
	/** Artificial delay per request in ms (held while occupying a parallel slot). Default 0. */
	latencyMs?: number;
	/** Clock for message/chat timestamps and rate-limit windows. Default Date.now. */
	clock?: () => number;
	/** Called after each answer is sent (benchmarks use it to shape quota windows). */
	afterReply?: (record: RecordedRequest) => void;
}

export interface MultipartPart {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer;
}

export interface RecordedRequest {
	/** 1, 2, 3… in arrival order (`requests` is in the same order). */
	seq: number;
	operationId: OperationId | null;
	method: string;
	/** Path without the query string. */
	path: string;
	query: Record<string, string>;
	/** Lower-cased names, raw values (repeated headers joined with ", "). */
	headers: Record<string, string>;
	rawBody: Buffer;
	/** Parsed body when the content type is JSON and it parses. */
	json?: unknown;
	/** Parts when the content type is multipart/form-data and it parses. */
	multipart?: MultipartPart[];
	/** 0 while the request is still in flight. */
	status: number;
	/** Lower-cased names. */
	responseHeaders: Record<string, string>;
	/** The JSON value sent back (a Buffer when failNext injected a non-JSON body). */
	responseBody: unknown;
	startedAt: number;
	endedAt: number;
}

export interface SentMessage {
	businessId: number;
	chatId: number;
	messageId: number;
	message: string;
	at: string;
}

export interface SentFile {
	businessId: number;
	chatId: number;
	messageId: number;
	filename: string;
	contentType?: string;
	size: number;
	data: Buffer;
	at: string;
}

export interface CreatedChat {
	businessId: number;
	chatId: number;
	context: { type: 'ORDER' | 'RETURN'; id: number };
}

/** Live data. Mutated in place; reset() restores the fixtures into the same object. */
export interface SimState extends Fixtures {
	/** Messages sent through sendMessageToChat, in order. */
	sentMessages: SentMessage[];
	/** Files sent through sendFileToChat, with their exact bytes. */
	sentFiles: SentFile[];
	/** Chats created through createChat (not ones that already existed). */
	createdChats: CreatedChat[];
	/**
	 * Ids of attachment files downloaded from `GET <url>/files/<id>` (payload URLs).
	 * Those downloads are not API calls, so they are not in `requests`.
	 */
	downloads: string[];
}

export interface AddChatInput {
	businessId: number;
	/** Default 'DIRECT' (a chat the buyer started). */
	contextType?: ChatContextType;
	/** For ORDER/RETURN chats; an unknown order is added to state.orders. */
	orderId?: number;
	/** For RETURN chats; an unknown return is added to state.returns. */
	returnId?: number;
	campaignId?: number;
	customer?: CustomerRecord;
	type?: ChatType;
	status?: ChatStatus;
	chatId?: number;
	createdAt?: string;
}

export interface AddMessageInput {
	/** Default 'CUSTOMER' (simulates a buyer writing). */
	sender?: SenderType;
	message?: string;
	/** Attachments; each becomes a payload entry served at /files/<id>. */
	files?: { name: string; data?: Buffer | string; contentType?: string }[];
	createdAt?: string;
	/**
	 * Chat status afterwards. Default: CUSTOMER → WAITING_FOR_PARTNER,
	 * PARTNER → WAITING_FOR_CUSTOMER, others leave it unchanged.
	 */
	status?: ChatStatus;
}

export interface Simulator {
	url: string;
	port: number;
	requests: RecordedRequest[];
	state: SimState;
	/** Clears the record, restores fixtures, quotas, counters and injected faults. */
	reset(): void;
	/** Sets the remaining hourly units of a method for every business (sticky until reset). */
	setQuota(op: OperationId, remaining: number): void;
	/** Remaining hourly units of a method for a business (or an Api-Key for non-business methods). */
	quotaRemaining(op: OperationId, scope: number | string): number;
	/** The next `times` (default 1) authorised calls of `op` answer `status` with `body` (default ApiErrorResponse). */
	failNext(op: OperationId, status: number, times?: number, body?: unknown): void;
	/** The next `times` (default 1) authorised calls of `op` meet `fault`. */
	injectFault(op: OperationId, fault: FaultSpec, times?: number): void;
	/**
	 * The hourly quota of `op` is spent until `until` (epoch ms), for every business: calls
	 * answer 420 with Remaining 0 and that Until; afterwards the quota is whole again.
	 */
	spendQuotaUntil(op: OperationId, until: number): void;
	/** Adds a chat (e.g. a buyer starting a DIRECT chat). */
	addChat(input: AddChatInput): ChatRecord;
	/** Appends a message to a chat (default: the buyer writes) and updates the chat. */
	addMessage(chatId: number, input?: AddMessageInput): MessageRecord;
	setChatStatus(chatId: number, status: ChatStatus): void;
	/** A chat's messages, oldest first. */
	messagesOf(chatId: number): MessageRecord[];
	close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Operations: routes, scopes and limits (from the spec's x-auth-scopes and
// x-resource-limit-config of each path).
// ---------------------------------------------------------------------------

export interface OperationSpec {
	id: OperationId;
	method: 'GET' | 'POST';
	/** Path template as in the spec. */
	path: string;
	/** Api-Key scopes that may call it. */
	scopes: readonly ApiKeyScope[];
	/** Requests per hour (x-resource-limit-config amount). */
	hourlyLimit: number;
	/** Whether the path has {businessId} (limits and parallelism are per business). */
	businessScoped: boolean;
}

const CHAT_READ: readonly ApiKeyScope[] = ['ALL_METHODS', 'ALL_METHODS_READ_ONLY', 'COMMUNICATION'];
const CHAT_WRITE: readonly ApiKeyScope[] = ['ALL_METHODS', 'COMMUNICATION'];
// getAuthTokenInfo and getCampaigns list every scope there is.
const ANY_SCOPE: readonly ApiKeyScope[] = [
	'ALL_METHODS',
	'ALL_METHODS_READ_ONLY',
	'SETTINGS_MANAGEMENT',
	'FINANCE_AND_ACCOUNTING',
	'OFFERS_AND_CARDS_MANAGEMENT',
	'OFFERS_AND_CARDS_MANAGEMENT_READ_ONLY',
	'PRICING',
	'PRICING_READ_ONLY',
	'INVENTORY_AND_ORDER_PROCESSING',
	'INVENTORY_AND_ORDER_PROCESSING_READ_ONLY',
	'PROMOTION',
	'PROMOTION_READ_ONLY',
	'COMMUNICATION',
	'SUPPLIES_MANAGEMENT_READ_ONLY',
];

const op = (
	id: OperationId,
	method: 'GET' | 'POST',
	path: string,
	scopes: readonly ApiKeyScope[],
	hourlyLimit: number,
): OperationSpec => ({
	id,
	method,
	path,
	scopes,
	hourlyLimit,
	businessScoped: path.includes('{businessId}'),
});

export const OPERATIONS: Readonly<Record<OperationId, OperationSpec>> = {
	getChats: op('getChats', 'POST', '/v2/businesses/{businessId}/chats', CHAT_READ, 5000),
	createChat: op('createChat', 'POST', '/v2/businesses/{businessId}/chats/new', CHAT_WRITE, 1000),
	getChat: op('getChat', 'GET', '/v2/businesses/{businessId}/chat', CHAT_READ, 1000),
	getChatHistory: op(
		'getChatHistory',
		'POST',
		'/v2/businesses/{businessId}/chats/history',
		CHAT_READ,
		10000,
	),
	sendMessageToChat: op(
		'sendMessageToChat',
		'POST',
		'/v2/businesses/{businessId}/chats/message',
		CHAT_WRITE,
		1000,
	),
	getChatMessage: op(
		'getChatMessage',
		'GET',
		'/v2/businesses/{businessId}/chats/message',
		CHAT_READ,
		1000,
	),
	sendFileToChat: op(
		'sendFileToChat',
		'POST',
		'/v2/businesses/{businessId}/chats/file/send',
		CHAT_WRITE,
		1000,
	),
	getAuthTokenInfo: op('getAuthTokenInfo', 'POST', '/v2/auth/token', ANY_SCOPE, 100),
	getCampaigns: op('getCampaigns', 'GET', '/v2/campaigns', ANY_SCOPE, 1000),
};

/** SendFileToChatRequest: "Максимальный размер файла — 5 Мбайт". */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** SendMessageToChatRequest.message maxLength (Unicode code points, as JSON Schema counts). */
export const MAX_MESSAGE_LENGTH = 4096;
/** Hard cap on a request body the simulator reads (well above a 5 MB file plus multipart overhead). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const HOUR_MS = 3_600_000;

interface Route {
	spec: OperationSpec;
	regex: RegExp;
}

const ROUTES: Route[] = Object.values(OPERATIONS).map((spec) => ({
	spec,
	regex: new RegExp('^' + spec.path.replace('{businessId}', '([^/]+)') + '$'),
}));

// ---------------------------------------------------------------------------
// Errors and replies
// ---------------------------------------------------------------------------

class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

const badRequest = (message: string) => new ApiError(400, 'BAD_REQUEST', message);
const notFound = (message: string) => new ApiError(404, 'NOT_FOUND', message);

interface Reply {
	status: number;
	/** JSON value; ignored when `raw` is set. */
	body?: unknown;
	raw?: Buffer;
	contentType?: string;
	/** Overrides X-RateLimit-Resource-Remaining (injected 420s report 0). */
	remainingOverride?: number;
}

function errorBody(code: string, message: string) {
	return { status: 'ERROR', errors: [{ code, message }] };
}

const DEFAULT_ERROR_CODES: Record<number, string> = {
	400: 'BAD_REQUEST',
	401: 'UNAUTHORIZED',
	403: 'FORBIDDEN',
	404: 'NOT_FOUND',
	420: 'LIMIT_EXCEEDED',
	500: 'INTERNAL_ERROR',
	502: 'BAD_GATEWAY',
	503: 'SERVICE_UNAVAILABLE',
	504: 'GATEWAY_TIMEOUT',
};

const STATUS_TEXT: Record<number, string> = { 420: 'Method Failure' };

// ---------------------------------------------------------------------------
// Parameter and body helpers
// ---------------------------------------------------------------------------

/** Parses a decimal integer string strictly ("1.0", " 1", "1e3" are not integers). */
function parseIntStrict(raw: string): number | null {
	if (!/^-?\d+$/.test(raw)) return null;
	const n = Number(raw);
	return Number.isSafeInteger(n) ? n : null;
}

interface IntRule {
	min?: number;
	max?: number;
}

function describeRule(rule: IntRule): string {
	if (rule.min !== undefined && rule.max !== undefined)
		return `an integer between ${rule.min} and ${rule.max}`;
	if (rule.min !== undefined) return `an integer >= ${rule.min}`;
	if (rule.max !== undefined) return `an integer <= ${rule.max}`;
	return 'an integer';
}

/** Validates a path/query integer; names the parameter in the error. */
function intParam(
	raw: string | undefined,
	name: string,
	rule: IntRule & { required?: boolean },
): number | undefined {
	if (raw === undefined || raw === '') {
		if (rule.required) throw badRequest(`Parameter ${name} is required`);
		return undefined;
	}
	const n = parseIntStrict(raw);
	if (
		n === null ||
		(rule.min !== undefined && n < rule.min) ||
		(rule.max !== undefined && n > rule.max)
	) {
		throw badRequest(`Parameter ${name} must be ${describeRule(rule)}, got '${raw}'`);
	}
	return n;
}

function isInt(v: unknown, min?: number): v is number {
	return typeof v === 'number' && Number.isSafeInteger(v) && (min === undefined || v >= min);
}

/** Unicode code points, the way JSON Schema's minLength/maxLength count. */
function codePointLength(s: string): number {
	let n = 0;
	for (const _ of s) n++;
	return n;
}

function mediaType(contentType: string | undefined): string {
	return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function isJsonMediaType(contentType: string | undefined): boolean {
	const mt = mediaType(contentType);
	return mt === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mt);
}

/**
 * Optional nullable array filter of GetChatsRequest: absent/null → undefined;
 * otherwise a non-empty array of unique valid items.
 */
function arrayFilter<T>(
	body: Record<string, unknown>,
	field: string,
	check: (item: unknown, where: string) => T,
	keyOf: (item: T) => string = (item) => JSON.stringify(item),
): T[] | undefined {
	const v = body[field];
	if (v === undefined || v === null) return undefined;
	if (!Array.isArray(v)) throw badRequest(`body.${field} must be an array`);
	if (v.length === 0) throw badRequest(`body.${field} must not be empty (omit it to not filter)`);
	const seen = new Set<string>();
	return v.map((item, i) => {
		const value = check(item, `body.${field}[${i}]`);
		const key = keyOf(value);
		if (seen.has(key)) throw badRequest(`body.${field} must not contain duplicates (${key})`);
		seen.add(key);
		return value;
	});
}

function enumCheck<T extends string>(values: readonly T[]) {
	return (item: unknown, where: string): T => {
		if (typeof item !== 'string' || !values.includes(item as T)) {
			throw badRequest(`${where} must be one of ${values.join(', ')}, got ${JSON.stringify(item)}`);
		}
		return item as T;
	};
}

// ---------------------------------------------------------------------------
// Opaque page tokens: base64url(JSON {c: cursor, s: signature}). The signature
// covers the request "scope" (business + normalised filters, or chat), so a
// tampered token or one issued for other filters is rejected with 400.
// ---------------------------------------------------------------------------

const TOKEN_SECRET = 'yandex-market-simulator';

function sign(scope: string, cursor: unknown): string {
	return createHmac('sha256', TOKEN_SECRET)
		.update(scope)
		.update('\n')
		.update(JSON.stringify(cursor))
		.digest('base64url')
		.slice(0, 22);
}

function encodeToken(scope: string, cursor: unknown): string {
	return Buffer.from(JSON.stringify({ c: cursor, s: sign(scope, cursor) }), 'utf8').toString(
		'base64url',
	);
}

function decodeToken<T>(token: string, scope: string, isCursor: (c: unknown) => c is T): T {
	const invalid = () =>
		badRequest(
			'Parameter pageToken is invalid: pass the nextPageToken of a previous response to the same request (same filters)',
		);
	const buf = Buffer.from(token, 'base64url');
	// Buffer.from silently skips junk characters; insist on the canonical form.
	if (buf.length === 0 || buf.toString('base64url') !== token) throw invalid();
	let parsed: unknown;
	try {
		parsed = JSON.parse(buf.toString('utf8'));
	} catch {
		throw invalid();
	}
	if (typeof parsed !== 'object' || parsed === null) throw invalid();
	const { c, s } = parsed as { c?: unknown; s?: unknown };
	if (!isCursor(c) || typeof s !== 'string' || s !== sign(scope, c)) throw invalid();
	return c;
}

function pageToken(query: Record<string, string>): string | undefined {
	// x-aliases of AliasedPageToken: pageToken and page_token.
	const t = query.pageToken ?? query.page_token;
	return t === '' ? undefined : t;
}

// ---------------------------------------------------------------------------
// multipart/form-data parser (binary safe; RFC 7578 / RFC 2046)
// ---------------------------------------------------------------------------

export class MultipartError extends Error {}

/** Splits a header value like `form-data; name="file"; filename="a b.png"` into value and parameters. */
export function parseHeaderParams(header: string): {
	value: string;
	params: Record<string, string>;
} {
	const semi = header.indexOf(';');
	const value = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
	const params: Record<string, string> = {};
	let i = semi < 0 ? header.length : semi + 1;
	while (i < header.length) {
		while (i < header.length && /[\s;]/.test(header[i])) i++;
		const eq = header.indexOf('=', i);
		if (eq < 0) break;
		const name = header.slice(i, eq).trim().toLowerCase();
		i = eq + 1;
		let v = '';
		if (header[i] === '"') {
			i++;
			while (i < header.length && header[i] !== '"') {
				if (header[i] === '\\' && i + 1 < header.length) i++;
				v += header[i++];
			}
			i++; // closing quote
		} else {
			const end = header.indexOf(';', i);
			v = header.slice(i, end < 0 ? header.length : end).trim();
			i = end < 0 ? header.length : end;
		}
		if (name) params[name] = v;
	}
	// RFC 5987 extended value (filename*=UTF-8''na%C3%AFve.txt) wins over the plain one.
	for (const key of Object.keys(params)) {
		if (!key.endsWith('*')) continue;
		const m = /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(params[key]);
		if (!m) continue;
		const bytes = Buffer.from(
			m[2].replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) =>
				String.fromCharCode(parseInt(hex, 16)),
			),
			'latin1',
		);
		params[key.slice(0, -1)] = bytes.toString(/^utf-?8$/i.test(m[1]) ? 'utf8' : 'latin1');
	}
	return { value, params };
}

/** The boundary of a multipart content type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
	if (!contentType) return null;
	const { value, params } = parseHeaderParams(contentType);
	if (!value.startsWith('multipart/')) return null;
	return params.boundary ? params.boundary : null;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** Parses a multipart/form-data body. Throws MultipartError when it is malformed. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
	const delim = Buffer.from('--' + boundary, 'latin1');
	const crlfDelim = Buffer.concat([CRLF, delim]);
	// The first delimiter starts the body or a line (anything before it is preamble).
	let pos = body.indexOf(delim) === 0 ? 0 : body.indexOf(crlfDelim);
	if (pos < 0) throw new MultipartError(`no boundary "${boundary}" found in the body`);
	if (pos > 0) pos += 2;
	const parts: MultipartPart[] = [];
	for (;;) {
		pos += delim.length;
		if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // close delimiter; epilogue ignored
		while (body[pos] === 0x20 || body[pos] === 0x09) pos++; // transport padding
		if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a)
			throw new MultipartError('boundary line is not followed by CRLF');
		pos += 2;
		let headerText: string;
		let dataStart: number;
		if (body[pos] === 0x0d && body[pos + 1] === 0x0a) {
			headerText = ''; // a part without headers
			dataStart = pos + 2;
		} else {
			const headerEnd = body.indexOf(HEADER_END, pos);
			if (headerEnd < 0)
				throw new MultipartError('part headers are not terminated by an empty line');
			headerText = body.toString('utf8', pos, headerEnd);
			dataStart = headerEnd + 4;
		}
		// The CRLF before the next delimiter belongs to the delimiter, not to the data.
		const next = body.indexOf(crlfDelim, dataStart);
		if (next < 0) throw new MultipartError('missing closing boundary');
		const data = body.subarray(dataStart, next);
		parts.push(partFrom(headerText, data));
		pos = next + 2;
	}
}

function partFrom(headerText: string, data: Buffer): MultipartPart {
	const headers: Record<string, string> = {};
	// Unfold continuation lines, then split "Name: value".
	for (const line of headerText.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
		if (!line) continue;
		const colon = line.indexOf(':');
		if (colon <= 0) throw new MultipartError(`malformed part header "${line}"`);
		headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	const disposition = headers['content-disposition'];
	if (!disposition) throw new MultipartError('part has no Content-Disposition header');
	const { value, params } = parseHeaderParams(disposition);
	if (value !== 'form-data' || params.name === undefined) {
		throw new MultipartError(
			`part Content-Disposition must be form-data with a name, got "${disposition}"`,
		);
	}
	const part: MultipartPart = { name: params.name, data };
	if (params.filename !== undefined) part.filename = params.filename;
	if (headers['content-type']) part.contentType = headers['content-type'];
	return part;
}

// ---------------------------------------------------------------------------
// DTO rendering
// ---------------------------------------------------------------------------

function contextDTO(chat: ChatRecord) {
	const c = chat.context;
	const dto: Record<string, unknown> = { type: c.type };
	if (c.customer) dto.customer = { ...c.customer };
	if (c.campaignId !== undefined) dto.campaignId = c.campaignId;
	if (c.orderId !== undefined) dto.orderId = c.orderId;
	if (c.returnId !== undefined) dto.returnId = c.returnId;
	return dto;
}

function chatInfoDTO(chat: ChatRecord) {
	const dto: Record<string, unknown> = { chatId: chat.chatId };
	// Deprecated but still returned, like the real API does for order chats.
	if (chat.context.orderId !== undefined) dto.orderId = chat.context.orderId;
	dto.context = contextDTO(chat);
	dto.type = chat.type;
	dto.status = chat.status;
	dto.createdAt = chat.createdAt;
	dto.updatedAt = chat.updatedAt;
	return dto;
}

function messageDTO(m: MessageRecord) {
	const dto: Record<string, unknown> = {
		messageId: m.messageId,
		createdAt: m.createdAt,
		sender: m.sender,
	};
	if (m.message !== undefined) dto.message = m.message;
	if (m.payload && m.payload.length > 0) dto.payload = m.payload.map((p) => ({ ...p }));
	return dto;
}

const byUpdatedDesc = (a: ChatRecord, b: ChatRecord) =>
	Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || b.chatId - a.chatId;

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

interface Ctx {
	spec: OperationSpec;
	record: RecordedRequest;
	key: ApiKeyRecord;
	businessId: number; // NaN for non-business operations
	query: Record<string, string>;
	jsonError?: string;
	multipartError?: string;
}

interface Bucket {
	windowStart: number;
	remaining: number;
}

/** A fault injected into the next calls of a method (see `injectFault`). */
export interface FaultSpec {
	/** The status to answer (default: the operation's own when `process`, else 500). */
	status?: number;
	/** The body: a JSON value, or a string/Buffer sent as is (not JSON). Default ApiErrorResponse. */
	body?: unknown;
	/** Run the operation first (a send is delivered), then answer with the fault. */
	process?: boolean;
	/** Drop the connection instead of answering. */
	reset?: boolean;
	/** Hold the answer this long (ms), as a slow Market does. */
	delayMs?: number;
	/** X-RateLimit-Resource-Remaining and -Until (epoch ms) to report. */
	remaining?: number;
	until?: number;
	/** How many calls pass untouched before the fault applies (e.g. 1: the 2nd page fails). */
	after?: number;
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
	};
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class YandexMarketSimulator implements Simulator {
	url = '';
	port = 0;
	readonly requests: RecordedRequest[] = [];
	readonly state: SimState = emptyState();

	private readonly server: http.Server;
	private readonly fixtures: Fixtures;
	private readonly clock: () => number;
	private readonly maxParallel: number;
	private readonly latencyMs: number;
	private quotaOverrides: Partial<Record<OperationId, number>> = {};
	private buckets = new Map<string, Bucket>();
	private inFlight = new Map<string, number>();
	private faults = new Map<OperationId, Fault[]>();
	private spentUntil = new Map<OperationId, number>();
	private seq = 0;
	private nextChatId = 5001;
	private nextMessageId = 900001;
	private nextFileId = 1;

	constructor(private readonly opts: SimulatorOptions) {
		this.fixtures = cloneFixtures(opts.fixtures ?? createFixtures());
		this.clock = opts.clock ?? Date.now;
		this.maxParallel = opts.maxParallel ?? 4;
		this.latencyMs = opts.latencyMs ?? 0;
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
			for (const p of m.payload ?? []) if (p.url.startsWith('/')) p.url = this.url + p.url;
		}
		Object.assign(this.state, emptyState(), f);
		this.quotaOverrides = { ...(this.opts.quotas ?? {}) };
		this.buckets.clear();
		this.faults.clear();
		this.spentUntil.clear();
		this.seq = 0;
		this.nextChatId = Math.max(5001, ...f.chats.map((c) => c.chatId + 1));
		this.nextMessageId = Math.max(900001, ...f.messages.map((m) => m.messageId + 1));
		this.nextFileId = 1;
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
			messageId: this.nextMessageId++,
			chatId,
			createdAt: input.createdAt ?? formatMsk(this.clock()),
			sender,
		};
		if (input.files?.length) {
			msg.payload = input.files.map((f) => {
				const data = Buffer.isBuffer(f.data)
					? f.data
					: Buffer.from(f.data ?? `attachment ${f.name}`, 'utf8');
				return this.storeFile(f.name, f.contentType ?? 'application/octet-stream', data);
			});
		}
		if (input.message !== undefined || !msg.payload)
			msg.message = input.message ?? 'Новое сообщение от покупателя';
		this.state.messages.push(msg);
		chat.updatedAt = msg.createdAt;
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

	private storeFile(name: string, contentType: string, data: Buffer) {
		const file: FileRecord = { id: `f-${this.nextFileId++}`, name, contentType, data };
		this.state.files.push(file);
		return { name, size: data.length, url: `${this.url}/files/${file.id}` };
	}

	// ----- rate limits -----------------------------------------------------

	private bucket(spec: OperationSpec, scope: string): Bucket {
		const key = `${spec.id}|${scope}`;
		const windowStart = hourStart(this.clock());
		let b = this.buckets.get(key);
		if (!b || b.windowStart !== windowStart) {
			b = { windowStart, remaining: this.quotaOverrides[spec.id] ?? spec.hourlyLimit };
			this.buckets.set(key, b);
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
		const limit = spec?.hourlyLimit ?? 1000;
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

				const spentUntil = this.spentUntil.get(spec.id) ?? 0;
				if (this.clock() < spentUntil) {
					windowOverride = { remaining: 0, until: spentUntil };
					throw new ApiError(
						420,
						'LIMIT_EXCEEDED',
						`Hourly limit of ${spec.hourlyLimit} requests to ${spec.id} is exhausted until ${new Date(spentUntil).toUTCString()}`,
					);
				}
				const bucket = this.bucket(spec, bucketScope);
				if (bucket.remaining <= 0) {
					throw new ApiError(
						420,
						'LIMIT_EXCEEDED',
						`Hourly limit of ${spec.hourlyLimit} requests to ${spec.id} is exhausted until ${new Date(bucket.windowStart + HOUR_MS).toUTCString()}`,
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
	 * Attachment downloads (payload URLs). Like Market's file links these need
	 * no Api-Key and are not API methods: not recorded, not rate limited.
	 */
	private serveFile(req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
		req.resume();
		const id = decodeURIComponent(path.slice('/files/'.length).split('/')[0]);
		const file = this.state.files.find((f) => f.id === id);
		if (!file) {
			const body = Buffer.from(JSON.stringify(errorBody('NOT_FOUND', `File ${id} not found`)));
			res.writeHead(404, {
				'Content-Type': 'application/json; charset=utf-8',
				'Content-Length': body.length,
			});
			res.end(body);
			return;
		}
		this.state.downloads.push(file.id);
		res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.data.length });
		res.end(file.data);
	}

	private dispatch(ctx: Ctx): Reply {
		switch (ctx.spec.id) {
			case 'getAuthTokenInfo':
				return this.getAuthTokenInfo(ctx);
			case 'getCampaigns':
				return this.getCampaigns(ctx);
			case 'getChats':
				return this.getChats(ctx);
			case 'createChat':
				return this.createChat(ctx);
			case 'getChat':
				return this.getChat(ctx);
			case 'getChatHistory':
				return this.getChatHistory(ctx);
			case 'sendMessageToChat':
				return this.sendMessageToChat(ctx);
			case 'getChatMessage':
				return this.getChatMessage(ctx);
			case 'sendFileToChat':
				return this.sendFileToChat(ctx);
		}
	}

	// ----- helpers shared by handlers --------------------------------------

	/** The JSON object body of a method whose requestBody is required. */
	private jsonBody(ctx: Ctx): Record<string, unknown> {
		const ct = ctx.record.headers['content-type'];
		if (ctx.record.rawBody.length === 0)
			throw badRequest('Request body is required (application/json)');
		if (!isJsonMediaType(ct)) {
			throw new ApiError(
				400,
				'UNSUPPORTED_MEDIA_TYPE',
				`Content-Type must be application/json, got '${ct ?? ''}'`,
			);
		}
		if (ctx.jsonError !== undefined)
			throw badRequest(`Request body is not valid JSON: ${ctx.jsonError}`);
		const json = ctx.record.json;
		if (typeof json !== 'object' || json === null || Array.isArray(json)) {
			throw badRequest('Request body must be a JSON object');
		}
		return json as Record<string, unknown>;
	}

	private chatIdParam(ctx: Ctx): number {
		return intParam(ctx.query.chatId, 'chatId', { required: true, min: 1 })!;
	}

	/** A chat of the request's business; other businesses' chats are "not found". */
	private findChat(ctx: Ctx, chatId: number): ChatRecord {
		const chat = this.state.chats.find(
			(c) => c.chatId === chatId && c.businessId === ctx.businessId,
		);
		if (!chat) throw notFound(`Chat ${chatId} not found`);
		return chat;
	}

	// ----- operations ------------------------------------------------------

	private getAuthTokenInfo(ctx: Ctx): Reply {
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
	private getCampaigns(ctx: Ctx): Reply {
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
				? decodeToken(token, scope, (c): c is { o: number } => isInt((c as { o?: unknown })?.o, 0))
						.o
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
	 * and OR-ed within one. Order: most recently updated first (ties: higher
	 * chatId first). Paging is keyset-based: the token carries the last chat's
	 * (updatedAt, chatId) and is signed with the normalised filters.
	 */
	private getChats(ctx: Ctx): Reply {
		const limit = intParam(ctx.query.limit, 'limit', { min: 1, max: 20 }) ?? 10;
		const body = this.jsonBody(ctx);
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
			.filter((c) => !filter.statuses || filter.statuses.includes(c.status))
			.sort(byUpdatedDesc);

		// Normalise so the same filters in another order share tokens.
		const normalised = {
			orderIds: filter.orderIds ? [...filter.orderIds].sort((a, b) => a - b) : null,
			contexts: filter.contexts ? filter.contexts.map((c) => `${c.type}:${c.id}`).sort() : null,
			contextTypes: filter.contextTypes ? [...filter.contextTypes].sort() : null,
			types: filter.types ? [...filter.types].sort() : null,
			statuses: filter.statuses ? [...filter.statuses].sort() : null,
		};
		const scope = `chats|${ctx.businessId}|${JSON.stringify(normalised)}`;
		const token = pageToken(ctx.query);
		let rest = chats;
		if (token !== undefined) {
			const cursor = decodeToken(token, scope, (c): c is { u: number; c: number } => {
				const o = c as { u?: unknown; c?: unknown } | null;
				return typeof o === 'object' && o !== null && isInt(o.u) && isInt(o.c, 1);
			});
			rest = chats.filter((c) => {
				const u = Date.parse(c.updatedAt);
				return u < cursor.u || (u === cursor.u && c.chatId < cursor.c);
			});
		}
		const page = rest.slice(0, limit);
		const last = page[page.length - 1];
		const paging =
			rest.length > limit
				? { nextPageToken: encodeToken(scope, { u: Date.parse(last.updatedAt), c: last.chatId }) }
				: {};
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
	private createChat(ctx: Ctx): Reply {
		const body = this.jsonBody(ctx);
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

	private getChat(ctx: Ctx): Reply {
		const chat = this.findChat(ctx, this.chatIdParam(ctx));
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
	private getChatHistory(ctx: Ctx): Reply {
		const chatId = this.chatIdParam(ctx);
		const limit = intParam(ctx.query.limit, 'limit', { min: 1, max: 100 }) ?? 50;
		const body = this.jsonBody(ctx);
		const from = body.messageIdFrom;
		if (from !== undefined && !isInt(from, 1)) {
			throw badRequest(`body.messageIdFrom must be an integer >= 1, got ${JSON.stringify(from)}`);
		}
		const chat = this.findChat(ctx, chatId);
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
	private sendMessageToChat(ctx: Ctx): Reply {
		const chatId = this.chatIdParam(ctx);
		const body = this.jsonBody(ctx);
		const text = body.message;
		if (text === undefined || text === null) throw badRequest('body.message is required');
		if (typeof text !== 'string')
			throw badRequest(`body.message must be a string, got ${typeof text}`);
		const len = codePointLength(text);
		if (len < 1 || len > MAX_MESSAGE_LENGTH) {
			throw badRequest(
				`body.message must be 1 to ${MAX_MESSAGE_LENGTH} characters long, got ${len}`,
			);
		}
		const chat = this.findChat(ctx, chatId);
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

	private getChatMessage(ctx: Ctx): Reply {
		const chatId = this.chatIdParam(ctx);
		const messageId = intParam(ctx.query.messageId, 'messageId', { required: true, min: 1 })!;
		this.findChat(ctx, chatId);
		const msg = this.state.messages.find((m) => m.chatId === chatId && m.messageId === messageId);
		if (!msg) throw notFound(`Message ${messageId} not found in chat ${chatId}`);
		return { status: 200, body: { status: 'OK', result: messageDTO(msg) } };
	}

	/**
	 * POST /v2/businesses/{businessId}/chats/file/send, multipart/form-data with
	 * exactly one `file` part (a file: it must carry a filename) of 1 byte to 5 MB.
	 */
	private sendFileToChat(ctx: Ctx): Reply {
		const chatId = this.chatIdParam(ctx);
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
			throw badRequest(
				'Multipart part "file" must be a file (Content-Disposition needs a filename)',
			);
		}
		if (file.data.length === 0) throw badRequest('File is empty');
		if (file.data.length > MAX_FILE_BYTES) {
			throw badRequest(
				`File is too large: ${file.data.length} bytes, the maximum is ${MAX_FILE_BYTES} bytes (5 MB)`,
			);
		}
		const chat = this.findChat(ctx, chatId);
		const data = Buffer.from(file.data); // own copy, independent of the recorded raw body
		const msg: MessageRecord = {
			messageId: this.nextMessageId++,
			chatId,
			createdAt: formatMsk(this.clock()),
			sender: 'PARTNER',
			payload: [
				this.storeFile(file.filename, file.contentType ?? 'application/octet-stream', data),
			],
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
