import { NodeApiError, type IDataObject, type INode, type JsonObject } from 'n8n-workflow';

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

function header(headers: IDataObject, name: string): string | undefined {
	const value = headers[name.toLowerCase()] ?? headers[name];
	return value === undefined ? undefined : String(value);
}

/** The fix, in the message itself, for the statuses a seller can fix. */
const SHORT_HINTS: Record<number, string> = {
	401: 'check the API key in the credential',
	403: 'the API key needs the communication scope and access to this business',
};

/** What a seller should do about each status, in their terms. */
function hintFor(status: number, headers: IDataObject): string {
	switch (status) {
		case 400:
			return 'Market refused the request as invalid. Check the IDs and values in the node.';
		case 401:
			return 'Check the API key in the Yandex Market API credential: it is missing, mistyped or revoked.';
		case 403:
			return 'The API key has no access to this: it needs the "communication" scope (or "all-methods"; "all-methods:read-only" can only read), and the business ID must be one the key belongs to.';
		case 404:
			return 'Market does not know this business, chat or message. Check the IDs.';
		case 420: {
			const until = header(headers, 'X-RateLimit-Resource-Until');
			return `Market's request limit for this method is used up${until ? ` until ${until}` : ''}. Wait, or spread the work out.`;
		}
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
	headers: IDataObject,
	itemIndex?: number,
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
		description: hintFor(statusCode, headers),
		httpCode: String(statusCode),
		itemIndex,
	});
}

/** A request that never got an answer (DNS, refused connection, timeout). */
export function unreachableError(node: INode, baseUrl: string, cause: unknown, itemIndex?: number) {
	const err = cause as { code?: string; message?: string };
	const reason = err?.code ?? err?.message ?? 'unknown error';
	return new NodeApiError(
		node,
		{ code: String(reason) },
		{
			message: `Could not reach Yandex Market at ${baseUrl} (${reason})`,
			description:
				'Check the Base URL in the Yandex Market API credential and the network of your n8n.',
			httpCode: 'none',
			itemIndex,
		},
	);
}
