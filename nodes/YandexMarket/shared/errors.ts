import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INode,
	type JsonObject,
} from 'n8n-workflow';
import { methodSpec, type MarketMethod, type MarketMethodSpec } from './methods';
import { formatCount } from './validate';

export interface MarketErrorEntry {
	code: string;
	message?: string;
}

function marketErrors(body: unknown): MarketErrorEntry[] {
	const errors = (body as IDataObject | undefined)?.errors;
	if (!Array.isArray(errors)) return [];
	return errors
		.filter((entry): entry is IDataObject => typeof entry === 'object' && entry !== null)
		.map((entry) => ({
			code: String(entry.code ?? 'UNKNOWN'),
			message: entry.message as string | undefined,
		}));
}

/** The fix, in the message itself, for the statuses a seller can fix. */
const SHORT_HINTS: Record<number, string> = {
	401: 'check the API key in the credential',
	403: 'the API key needs the communication scope and access to this business',
};

/** What a seller should do about each status, in their terms. */
function hintFor(status: number, method?: MarketMethod): string {
	switch (status) {
		case 400:
			return 'Market refused the request as invalid. Check the IDs and values in the node.';
		case 401:
			return 'Check the API key in the Yandex Market API credential: it is missing, mistyped or revoked.';
		case 403:
			return 'The API key has no access to this: it needs the "communication" scope (or "all-methods"; "all-methods:read-only" can only read), and the business ID must be one the key belongs to.';
		case 404:
			return `Market does not know ${method ? methodSpec(method).notFound : 'this business, chat or message'}. Check the IDs.`;
		case 420:
			return "Market refused the request over its limits: at most 4 requests at a time per business, across all of the seller's tools. The node kept retrying within its limits; spread the work out.";
		default:
			return status >= 500
				? 'Market had a problem on its side. Try again later.'
				: 'Market answered with an unexpected status.';
	}
}

/**
 * The one place Market's error answers become n8n errors: HTTP status, Market's
 * `errors[].code`/`message` and a hint. Built only from the response, never from the
 * request, so the API key cannot end up in the error.
 */
export function marketApiError(
	node: INode,
	statusCode: number,
	body: unknown,
	_headers: IDataObject,
	itemIndex?: number,
	method?: MarketMethod,
): NodeApiError {
	const errors = marketErrors(body);
	const details = errors.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ');
	const message = `Yandex Market answered ${statusCode}${details ? ` — ${details}` : ''}${
		SHORT_HINTS[statusCode] ? ` (${SHORT_HINTS[statusCode]})` : ''
	}`;
	const response: JsonObject = {
		httpCode: String(statusCode),
		errors: errors as unknown as JsonObject[],
	};
	return new NodeApiError(node, response, {
		message,
		description: hintFor(statusCode, method),
		httpCode: String(statusCode),
		itemIndex,
	});
}

const NETWORK_CODES = [
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
] as const;

/** Codes after which the request certainly did not reach Market: repeating it is safe, sends too. */
const NOT_SENT: ReadonlySet<string> = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

const IN_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host name lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ECONNRESET: 'connection dropped',
	EPIPE: 'connection dropped',
	ETIMEDOUT: 'no answer within the timeout',
	ECONNABORTED: 'no answer within the timeout',
	ESOCKETTIMEDOUT: 'no answer within the timeout',
};

/** The network code of a failed request, looked for in the error and its causes. */
export function networkCode(cause: unknown): string | undefined {
	let current = cause as { code?: unknown; cause?: unknown; message?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		const code = typeof current.code === 'string' ? current.code.toUpperCase() : '';
		if ((NETWORK_CODES as readonly string[]).includes(code)) return code;
		const message = typeof current.message === 'string' ? current.message : '';
		if (/timeout/i.test(message)) return 'ETIMEDOUT';
		const named = NETWORK_CODES.find((c) => message.toUpperCase().includes(c));
		if (named) return named;
		current = current.cause as typeof current;
	}
	return undefined;
}

export function certainlyNotSent(cause: unknown): boolean {
	const code = networkCode(cause);
	return code !== undefined && NOT_SENT.has(code);
}

/** Why a request got no answer, in words (n8n rewrites messages that carry the raw codes). */
export function failureInWords(cause: unknown): string {
	const code = networkCode(cause);
	return code ? IN_WORDS[code] : 'no answer';
}

/** A request that never got an answer (DNS, refused connection, timeout). */
export function unreachableError(node: INode, baseUrl: string, cause: unknown, itemIndex?: number) {
	return new NodeApiError(
		node,
		{ httpCode: 'none' },
		{
			message: `Could not reach Yandex Market at ${baseUrl} (${failureInWords(cause)})`,
			description:
				"Check the Base URL in the Yandex Market API credential, the network of your n8n, and the Timeout and Proxy under the node's Settings → Request Options.",
			httpCode: 'none',
			itemIndex,
		},
	);
}

function when(epochMs: number): string {
	return new Date(epochMs).toUTCString();
}

/** The method's hourly quota: as Market reported it, else by the spec (by tier where they differ). */
function perHour(method: MarketMethod, reported?: number): string {
	const limit = methodSpec(method).hourlyLimit;
	if (reported !== undefined) return `${formatCount(reported, ',')} requests per hour`;
	if (typeof limit === 'number') return `${formatCount(limit, ',')} requests per hour`;
	return `${formatCount(limit.none, ',')} or ${formatCount(limit.medium, ',')} requests per hour, by subscription`;
}

/** The hourly quota of a method is spent for longer than the item may wait: nothing was sent. */
export function quotaSpentError(
	node: INode,
	method: MarketMethod,
	businessId: number | undefined,
	until: number,
	maxWaitMs: number,
	itemIndex?: number,
	reportedLimit?: number,
): NodeApiError {
	const business = businessId === undefined ? '' : ` for business ${businessId}`;
	return new NodeApiError(
		node,
		{ httpCode: '420', method },
		{
			message: `Yandex Market's hourly limit for ${method} (${perHour(method, reportedLimit)}${business}) is used up until ${when(until)}; nothing was sent`,
			description: `The node waits up to ${Math.round(maxWaitMs / 1000)} s (Max Wait on Rate Limit) for a limit to reset. The limit is shared by every tool that uses this business's API keys; spread the work out, or raise the wait.`,
			httpCode: '420',
			itemIndex,
		},
	);
}

/** A create got no clear answer: it may or may not have reached the buyer, so it is not repeated. */
export function outcomeUnknownError(
	node: INode,
	method: MarketMethod,
	creates: NonNullable<MarketMethodSpec['creates']>,
	reason: string,
	itemIndex?: number,
	status?: number,
): NodeApiError {
	const error = new NodeApiError(
		node,
		{ httpCode: status === undefined ? 'none' : String(status), method },
		{
			message: `Yandex Market did not confirm ${method} (${reason}): ${creates.what}, so it was not sent again`,
			description: creates.check,
			httpCode: status === undefined ? 'none' : String(status),
			itemIndex,
		},
	);
	error.context.outcomeUnknown = true;
	return error;
}

/** Whether a send failed without knowing if it reached the buyer (see outcomeUnknownError). */
export function isOutcomeUnknown(error: unknown): error is NodeApiError {
	return error instanceof NodeApiError && error.context?.outcomeUnknown === true;
}

export function malformedAnswerError(
	node: INode,
	method: MarketMethod,
	status: number,
	itemIndex?: number,
): NodeApiError {
	return new NodeApiError(
		node,
		{ httpCode: String(status), method },
		{
			message: `Yandex Market answered ${method} with ${status} and a body that is not JSON`,
			description: 'Market or a proxy in between sent something unexpected. Try again later.',
			httpCode: String(status),
			itemIndex,
		},
	);
}

export function cancelledError(node: INode, method: MarketMethod, itemIndex?: number) {
	return new NodeApiError(
		node,
		{ method },
		{
			message: `The execution was cancelled while ${method} waited for Yandex Market`,
			httpCode: 'none',
			itemIndex,
		},
	);
}

/** Errors leave the node as n8n errors: ours already are; anything else is wrapped. */
export function asNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error instanceof Error ? error : String(error), {
		itemIndex,
	});
}
