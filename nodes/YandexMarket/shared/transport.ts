import type {
	IDataObject,
	IExecuteFunctions,
	IExecuteSingleFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';
import {
	CREDENTIAL_TYPE,
	DEFAULT_BASE_URL,
	INTEGRATION_HEADER,
	INTEGRATION_NAME,
	LIMITS,
} from './constants';
import { marketApiError, unreachableError } from './errors';

export type MarketContext =
	| IExecuteFunctions
	| IExecuteSingleFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions;

export interface MarketRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, IDs already filled in. */
	url: string;
	qs?: IDataObject;
	/** An object is sent as JSON; a Buffer as is, with `contentType`. */
	body?: IDataObject | Buffer;
	contentType?: string;
	/** The business the request acts for: Market's parallel limit counts per business. */
	businessId?: number;
	/** Requests with the same key are sent one after another, in the order they were made. */
	sequenceKey?: string;
	itemIndex?: number;
	/** Milliseconds to wait for Market's answer (n8n's default otherwise). */
	timeout?: number;
}

export interface MarketResponse {
	body: IDataObject;
	headers: IDataObject;
	statusCode: number;
}

/** A FIFO counting semaphore: at most `size` holders at once. */
class Slots {
	private active = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(private readonly size: number) {}

	async acquire(): Promise<void> {
		if (this.active < this.size) {
			this.active++;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.active--;
	}
}

// Shared by every execution in this n8n process: the limit is Market's, per business, not per node.
const slotsByBusiness = new Map<string, Slots>();
const sequences = new Map<string, Promise<unknown>>();

async function withSlot<T>(key: string, task: () => Promise<T>): Promise<T> {
	let slots = slotsByBusiness.get(key);
	if (!slots) {
		slots = new Slots(LIMITS.parallelPerBusiness);
		slotsByBusiness.set(key, slots);
	}
	await slots.acquire();
	try {
		return await task();
	} finally {
		slots.release();
	}
}

async function inSequence<T>(key: string | undefined, task: () => Promise<T>): Promise<T> {
	if (!key) return await task();
	const previous = sequences.get(key) ?? Promise.resolve();
	const current = previous.then(task, task);
	const tail = current.catch(() => undefined);
	sequences.set(key, tail);
	try {
		return await current;
	} finally {
		if (sequences.get(key) === tail) sequences.delete(key);
	}
}

async function resolveBaseUrl(context: MarketContext): Promise<string> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).trim();
	return baseUrl.replace(/\/+$/, '');
}

/**
 * Every call to Market goes through here: it signs the request, keeps Market's
 * per-business parallel limit, and turns every failure into one readable error.
 * The API key itself is added by n8n from the credential (`authenticate`), never here.
 */
export async function marketRequest(
	this: MarketContext,
	request: MarketRequest,
): Promise<MarketResponse> {
	const node = this.getNode();
	const baseURL = await resolveBaseUrl(this);
	const headers: IDataObject = {
		Accept: 'application/json',
		[INTEGRATION_HEADER]: INTEGRATION_NAME,
	};
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL,
		url: request.url,
		qs: request.qs,
		headers,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: true,
		...(request.timeout ? { timeout: request.timeout } : {}),
	};
	if (Buffer.isBuffer(request.body)) {
		headers['Content-Type'] = request.contentType ?? 'application/octet-stream';
		options.body = request.body;
	} else if (request.body !== undefined) {
		// Serialized here because n8n drops an empty object body, and Market wants `{}` on POSTs.
		headers['Content-Type'] = 'application/json';
		options.body = JSON.stringify(request.body);
	}

	const send = async () => {
		try {
			return (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				options,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			// Only transport failures land here (status errors are ignored above). The
			// original error carries the request headers, so it is not passed on.
			throw unreachableError(node, baseURL, error, request.itemIndex);
		}
	};
	const slotKey = `${baseURL}|${request.businessId ?? '-'}`;
	const response = await inSequence(request.sequenceKey, async () => await withSlot(slotKey, send));

	const body = parseBody(response.body);
	const responseHeaders = (response.headers ?? {}) as IDataObject;
	if (response.statusCode < 200 || response.statusCode >= 300 || body.status === 'ERROR') {
		throw marketApiError(node, response.statusCode, body, responseHeaders, request.itemIndex);
	}
	return { body, headers: responseHeaders, statusCode: response.statusCode };
}

function parseBody(body: unknown): IDataObject {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body === 'string') {
		try {
			return JSON.parse(body) as IDataObject;
		} catch {
			return { raw: body };
		}
	}
	return (body ?? {}) as IDataObject;
}
