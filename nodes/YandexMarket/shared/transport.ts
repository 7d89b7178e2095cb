/**
 * The one way a request reaches Market, for every operation, list search and trigger:
 * it signs the request, keeps the per-business gate and the known spent windows
 * (pacing.ts), waits out 420s, retries what is safe to retry, and maps every failure to
 * one readable error (errors.ts). The API key is added by n8n from the credential
 * (`authenticate`), never here.
 *
 * What is repeated, and why it is safe:
 * - 420 over the hourly quota: Market did not process it; repeated after `Until`, if that
 *   is within the item's wait ceiling, otherwise the item fails and nothing was sent.
 * - 420 over the parallel limit (quota left): repeated after a short jittered backoff.
 * - 5xx, timeouts, dropped connections, unreadable answers: repeated for reads only. For a
 *   send the outcome is unknown, so it is reported, never repeated.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IExecuteSingleFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import {
	CREDENTIAL_TYPE,
	DEFAULT_BASE_URL,
	DEFAULT_MAX_RATE_LIMIT_WAIT_S,
	INTEGRATION_HEADER,
	INTEGRATION_NAME,
	LIMITS,
} from './constants';
import { memory } from './memory';
import { methodPath, methodSpec, type MarketMethod } from './methods';
import {
	cancelledError,
	certainlyNotSent,
	failureInWords,
	malformedAnswerError,
	marketApiError,
	outcomeUnknownError,
	quotaSpentError,
	unreachableError,
} from './errors';
import {
	backoff,
	type RateLimit,
	inSequence,
	markSpent,
	parallelRefused,
	pause,
	rateLimitOf,
	spentWindow,
	withSlot,
} from './pacing';

export type MarketContext =
	| IExecuteFunctions
	| IExecuteSingleFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IPollFunctions
	| IWebhookFunctions;

/** Sends one HTTP request and returns the full response, whatever its status. */
export type Sender = (options: IHttpRequestOptions) => Promise<IN8nHttpFullResponse>;

export interface MarketRequest {
	/** Market's operation ID: names the quota the request spends. */
	operationId: MarketMethod;
	/** The method's own (methods.ts) unless given. */
	method?: IHttpRequestMethods;
	/** Path below the base URL, IDs filled in; the method's own path for `businessId` unless given. */
	url?: string;
	qs?: IDataObject;
	/** An object is sent as JSON; a Buffer as is, with `contentType`. */
	body?: IDataObject | Buffer;
	contentType?: string;
	/** The business the request acts for: Market's limits count per business. */
	businessId?: number;
	/** Requests with the same key are sent one after another, in the order they were made. */
	sequenceKey?: string;
	itemIndex?: number;
	/** Milliseconds to wait for one answer (the node's Request Options → Timeout otherwise). */
	timeout?: number;
	/** The most this request may spend waiting for a spent quota, in ms (default 60 s). */
	maxRateLimitWaitMs?: number;
	/** Epoch ms after which no wait or repeat is started (a trigger that must answer in time). */
	deadline?: number;
	/** How to send: n8n's routing request for operations; the credential's request helper otherwise. */
	send?: Sender;
	/** Request options n8n's routing built (proxy, timeout, SSL), under ours. */
	baseOptions?: IHttpRequestOptions;
}

export interface MarketResponse {
	body: IDataObject;
	headers: IDataObject;
	statusCode: number;
}

/** Market's clock when it answered (its `Date` header), else undefined. */
export function answeredAt(response: MarketResponse): number | undefined {
	const date = Date.parse(String(response.headers.date));
	return Number.isFinite(date) ? date : undefined;
}

/** Repeats of a read after a 5xx, a timeout, a dropped connection or an unreadable answer. */
export const READ_RETRIES = 3;
/** Repeats after Market's parallel-limit 420 (others of the seller's tools hold the slots). */
export const PARALLEL_RETRIES = 12;
/** Backoff bases in ms (tests shorten them). */
export const retryTiming = {
	readBaseMs: 500,
	readCapMs: 4000,
	parallelBaseMs: 150,
	parallelCapMs: 2000,
};

function trimBase(url: unknown): string {
	return String(url || DEFAULT_BASE_URL)
		.trim()
		.replace(/\/+$/, '');
}

/** What the credential says about reaching Market. */
export interface Connection {
	baseUrl: string;
	/** Requests this process may have in flight per business (its share of Market's 4). */
	parallel: number;
}

/** The credential's Parallel Requests per n8n Process, a whole number from 1 to Market's 4. */
function parallelShare(value: unknown): number {
	const max = LIMITS.parallelPerBusiness;
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number)) return max;
	return Math.min(max, Math.max(1, Math.floor(number)));
}

// The credential's connection settings by execution and node: read once, not for every item.
const { connections } = memory;

/** The credential's Base URL and parallel share; within an execution read from the credential once. */
export async function resolveConnection(context: MarketContext): Promise<Connection> {
	const withId = context as { getExecutionId?: () => string | undefined };
	const executionId =
		typeof withId.getExecutionId === 'function' ? withId.getExecutionId() : undefined;
	const key = `${executionId}|${context.getNode().id}`;
	let connection = executionId ? connections.get(key) : undefined;
	if (!connection) {
		connection = context.getCredentials(CREDENTIAL_TYPE).then((c) => ({
			baseUrl: trimBase(c.baseUrl),
			parallel: parallelShare(c.parallelRequests),
		}));
		// A failed read is not kept: the next item asks again and reports its own error.
		connection.catch(() => connections.delete(key));
		if (executionId) connections.set(key, connection);
	}
	return await connection;
}

function cancelSignal(context: MarketContext): AbortSignal | undefined {
	const withSignal = context as { getExecutionCancelSignal?: () => AbortSignal | undefined };
	return typeof withSignal.getExecutionCancelSignal === 'function'
		? withSignal.getExecutionCancelSignal()
		: undefined;
}

function buildOptions(
	request: MarketRequest & Required<Pick<MarketRequest, 'method' | 'url'>>,
	baseURL: string,
): IHttpRequestOptions {
	const base = request.baseOptions ?? ({} as IHttpRequestOptions);
	const headers: IDataObject = {
		...((base.headers as IDataObject | undefined) ?? {}),
		Accept: 'application/json',
		[INTEGRATION_HEADER]: INTEGRATION_NAME,
	};
	const options: IHttpRequestOptions = {
		...base,
		method: request.method,
		baseURL,
		url: request.url,
		qs: request.qs,
		headers,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: true,
	};
	delete options.body;
	if (request.timeout) options.timeout = request.timeout;
	if (Buffer.isBuffer(request.body)) {
		headers['Content-Type'] = request.contentType ?? 'application/octet-stream';
		options.body = request.body;
	} else if (request.body !== undefined) {
		// Serialized here because n8n drops an empty object body, and Market wants `{}` on POSTs.
		headers['Content-Type'] = 'application/json';
		options.body = JSON.stringify(request.body);
	}
	return options;
}

/** Parses Market's answer; `undefined` when it is not a JSON object. */
function parseBody(body: unknown): IDataObject | undefined {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body === 'string') {
		if (body.trim() === '') return {};
		try {
			body = JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	if (body === undefined || body === null || body === '') return {};
	return typeof body === 'object' && !Array.isArray(body) ? (body as IDataObject) : undefined;
}

/** Market says "Hit rate limit of N parallel requests"; its quota headers then still show room. */
function isParallelLimit(body: IDataObject | undefined, remaining: number | undefined): boolean {
	const text = JSON.stringify(body?.errors ?? '');
	if (/parallel/i.test(text)) return true;
	return remaining !== undefined && remaining > 0;
}

export async function marketRequest(
	this: MarketContext,
	request: MarketRequest,
): Promise<MarketResponse> {
	const node = this.getNode();
	const method = request.operationId;
	// Set for methods a repeat could make create twice (see MarketMethodSpec.creates).
	const { creates } = methodSpec(method);
	const repeatable = creates === undefined;
	const { baseUrl: baseURL, parallel } = await resolveConnection(this);
	const options = buildOptions(
		{
			...request,
			method: request.method ?? methodSpec(method).method,
			url: request.url ?? methodPath(method, request.businessId),
		},
		baseURL,
	);
	const signal = cancelSignal(this);
	const send: Sender =
		request.send ??
		(async (opts) =>
			(await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				opts,
			)) as IN8nHttpFullResponse);
	const business = `${baseURL}|${request.businessId ?? '-'}`;
	const quotaKey = `${business}|${method}`;
	const maxWait = request.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_S * 1000;
	const itemIndex = request.itemIndex;
	let quotaWaited = 0;
	let readFailures = 0;
	let parallelHits = 0;

	const wait = async (ms: number) => {
		if (request.deadline !== undefined && Date.now() + ms > request.deadline) return false;
		if (!(await pause(ms, signal))) throw cancelledError(node, method, itemIndex);
		return true;
	};
	/** Backs off before repeating a read; false when its repeats or the budget are used up. */
	const retryRead = async () =>
		++readFailures <= READ_RETRIES &&
		(await wait(backoff(readFailures, retryTiming.readBaseMs, retryTiming.readCapMs)));
	/** Waits for a spent quota to reset, within the ceiling; false when that is too long. */
	const waitForQuota = async (until: number) => {
		const ms = Math.max(0, until - Date.now()) + 200;
		if (quotaWaited + ms > maxWait) return false;
		quotaWaited += ms;
		return await wait(ms);
	};

	return await inSequence(request.sequenceKey, async () => {
		for (;;) {
			const known = spentWindow(quotaKey);
			if (known && !(await waitForQuota(known))) {
				throw quotaSpentError(node, method, request.businessId, known, maxWait, itemIndex);
			}

			if (request.deadline !== undefined) {
				// Each attempt gets what is left of the budget, so one slow answer cannot overrun it.
				const left = Math.max(100, request.deadline - Date.now());
				options.timeout = Math.min(request.timeout ?? left, left);
			}
			let answer: Answer | undefined;
			try {
				answer = await withSlot(business, parallel, async () => {
					// Learnt while this request queued for a slot: it waits instead of being refused.
					if (spentWindow(quotaKey)) return undefined;
					const read = readAnswer(await send(options));
					// Learnt before the slot passes on, so that the next in line knows it too.
					learnQuota(quotaKey, read);
					return read;
				});
			} catch (error) {
				if (signal?.aborted) throw cancelledError(node, method, itemIndex);
				// The original error carries the request headers (the key), so it is not passed on.
				if (creates && !certainlyNotSent(error)) {
					throw outcomeUnknownError(node, method, creates, failureInWords(error), itemIndex);
				}
				if (!(await retryRead())) throw unreachableError(node, baseURL, error, itemIndex);
				continue;
			}
			if (!answer) continue;

			const { status, headers, body, rate } = answer;

			if (status === 420) {
				if (isParallelLimit(body, rate.remaining)) {
					parallelRefused(business);
					if (++parallelHits <= PARALLEL_RETRIES) {
						const ms = backoff(parallelHits, retryTiming.parallelBaseMs, retryTiming.parallelCapMs);
						if (await wait(ms)) continue;
					}
					throw marketApiError(node, status, body ?? {}, headers, itemIndex, method);
				}
				const until = rate.until ?? Date.now() + 1000;
				if (await waitForQuota(until)) continue;
				throw quotaSpentError(
					node,
					method,
					request.businessId,
					until,
					maxWait,
					itemIndex,
					rate.limit,
				);
			}
			if (status >= 500) {
				if (creates) {
					throw outcomeUnknownError(
						node,
						method,
						creates,
						`Market answered ${status}`,
						itemIndex,
						status,
					);
				}
				if (await retryRead()) continue;
				throw marketApiError(node, status, body ?? {}, headers, itemIndex, method);
			}
			if (body === undefined) {
				// A 2xx send was delivered; only what Market said of it is unreadable.
				if (!repeatable && status >= 200 && status < 300)
					return { body: {}, headers, statusCode: status };
				if (repeatable && (await retryRead())) continue;
				throw malformedAnswerError(node, method, status, itemIndex);
			}
			if (status < 200 || status >= 300 || body.status === 'ERROR') {
				throw marketApiError(node, status, body, headers, itemIndex, method);
			}
			return { body, headers, statusCode: status };
		}
	});
}

/** Market's answer, read once: status, headers, the JSON body (undefined if not JSON), quota. */
interface Answer {
	status: number;
	headers: IDataObject;
	body: IDataObject | undefined;
	rate: RateLimit;
}

function readAnswer(response: IN8nHttpFullResponse): Answer {
	const headers = (response.headers ?? {}) as IDataObject;
	return {
		status: response.statusCode,
		headers,
		body: parseBody(response.body),
		rate: rateLimitOf(headers),
	};
}

/**
 * What an answer tells of the method's hourly quota: a quota 420, or an answer that spent the
 * last unit (Remaining 0), means no request of the method is worth sending before `Until`.
 */
function learnQuota(quotaKey: string, { status, body, rate }: Answer): void {
	if (rate.remaining !== 0) return;
	if (status === 420 && isParallelLimit(body, rate.remaining)) return;
	markSpent(quotaKey, rate.until ?? Date.now() + 1000);
}
