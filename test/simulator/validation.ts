/** Request validation: Market's error envelope, parameter and body checks, page tokens. */
import { createHmac } from 'node:crypto';

// ---------------------------------------------------------------------------
// Errors and replies
// ---------------------------------------------------------------------------

export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

export const badRequest = (message: string) => new ApiError(400, 'BAD_REQUEST', message);
export const notFound = (message: string) => new ApiError(404, 'NOT_FOUND', message);

export interface Reply {
	status: number;
	/** JSON value; ignored when `raw` is set. */
	body?: unknown;
	raw?: Buffer;
	contentType?: string;
	/** Overrides X-RateLimit-Resource-Remaining (injected 420s report 0). */
	remainingOverride?: number;
}

export function errorBody(code: string, message: string) {
	return { status: 'ERROR', errors: [{ code, message }] };
}

export const DEFAULT_ERROR_CODES: Record<number, string> = {
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

export const STATUS_TEXT: Record<number, string> = { 420: 'Method Failure' };

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
export function intParam(
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

export function isInt(v: unknown, min?: number): v is number {
	return typeof v === 'number' && Number.isSafeInteger(v) && (min === undefined || v >= min);
}

/** Unicode code points, the way JSON Schema's minLength/maxLength count. */
export function codePointLength(s: string): number {
	let n = 0;
	for (const _ of s) n++;
	return n;
}

export function mediaType(contentType: string | undefined): string {
	return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function isJsonMediaType(contentType: string | undefined): boolean {
	const mt = mediaType(contentType);
	return mt === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mt);
}

/** What the body checks read of a request (handlers' Ctx). */
interface BodyCtx {
	record: { headers: Record<string, string>; rawBody: Buffer; json?: unknown };
	jsonError?: string;
}

/** The JSON object body of a method whose requestBody is required. */
export function jsonBody(ctx: BodyCtx): Record<string, unknown> {
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

/** The body of a method whose requestBody is optional: none is `{}`. */
export function optionalJsonBody(ctx: BodyCtx): Record<string, unknown> {
	return ctx.record.rawBody.length === 0 ? {} : jsonBody(ctx);
}

/**
 * Optional nullable array filter of GetChatsRequest: absent/null → undefined;
 * otherwise a non-empty array of unique valid items.
 */
export function arrayFilter<T>(
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

export function enumCheck<T extends string>(values: readonly T[]) {
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

export function encodeToken(scope: string, cursor: unknown): string {
	return Buffer.from(JSON.stringify({ c: cursor, s: sign(scope, cursor) }), 'utf8').toString(
		'base64url',
	);
}

export function decodeToken<T>(token: string, scope: string, isCursor: (c: unknown) => c is T): T {
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

export function pageToken(query: Record<string, string>): string | undefined {
	// x-aliases of AliasedPageToken: pageToken and page_token.
	const t = query.pageToken ?? query.page_token;
	return t === '' ? undefined : t;
}
