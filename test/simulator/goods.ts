/**
 * What the review methods (goodsFeedback.ts) and the question methods (goodsQuestions.ts) share:
 * body checks of their fields, text rules, listing order and pages, new ids, notifications.
 */
import type { Ctx, HandlerHost } from './handlers';
import type { FeedbackOrder, MarketNotification, QuestionOrder } from './goodsTypes';
import { compareKeys, keysetPage, mix } from './listing';
import { GOODS_PAGE_LIMIT } from './operations';
import {
	arrayFilter,
	badRequest,
	codePointLength,
	enumCheck,
	intParam,
	isInt,
	jsonBody,
	pageToken,
	type Reply,
} from './validation';

// ----- body fields -----------------------------------------------------

type Body = Record<string, unknown>;

/** An optional field: absent and null are "not given". */
export function given(body: Body, field: string): boolean {
	return body[field] !== undefined && body[field] !== null;
}

export function intAt(value: unknown, where: string, min?: number): number {
	if (!isInt(value, min)) {
		const rule = min === undefined ? 'an integer' : `an integer >= ${min}`;
		throw badRequest(`${where} must be ${rule}, got ${JSON.stringify(value)}`);
	}
	return value;
}

export function boolField(body: Body, field: string): boolean | undefined {
	if (!given(body, field)) return undefined;
	if (typeof body[field] !== 'boolean')
		throw badRequest(`body.${field} must be a boolean, got ${JSON.stringify(body[field])}`);
	return body[field] as boolean;
}

export function enumField<T extends string>(body: Body, field: string, values: readonly T[]) {
	return given(body, field) ? enumCheck(values)(body[field], `body.${field}`) : undefined;
}

export function objectAt(value: unknown, where: string): Body {
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw badRequest(`${where} must be an object, got ${JSON.stringify(value)}`);
	return value as Body;
}

/** A non-empty array of unique items of at most `max` (spec's maxItems), or undefined. */
export function listField<T>(
	body: Body,
	field: string,
	max: number | undefined,
	check: (item: unknown, where: string) => T,
): T[] | undefined {
	const list = arrayFilter(body, field, check);
	if (list && max !== undefined && list.length > max)
		throw badRequest(`body.${field} must have at most ${max} items, got ${list.length}`);
	return list;
}

export const idItem = (min?: number) => (item: unknown, where: string) => intAt(item, where, min);

/** ShopSku: trimmed (x-transform), 1–255 characters, no control characters but tab. */
export function shopSku(item: unknown, where: string): string {
	if (typeof item !== 'string') throw badRequest(`${where} must be a string (your SKU)`);
	const sku = item.trim();
	const len = codePointLength(sku);
	if (len < 1 || len > 255 || /[\x00-\x08\x0a-\x1f\x7f]/.test(sku))
		throw badRequest(`${where} must be 1 to 255 printable characters, got ${JSON.stringify(item)}`);
	return sku;
}

/** A text of 1 to `max` Unicode code points (JSON Schema's minLength/maxLength count those). */
export function textAt(value: unknown, where: string, max: number): string {
	if (value === undefined || value === null) throw badRequest(`${where} is required`);
	if (typeof value !== 'string')
		throw badRequest(`${where} must be a string, got ${JSON.stringify(value)}`);
	const len = codePointLength(value);
	if (len < 1 || len > max)
		throw badRequest(`${where} must be 1 to ${max} characters long, got ${len}`);
	return value;
}

/** Whether year, month and day name a day of the calendar (not 31 February). */
function realDay(y: number, m: number, d: number): boolean {
	const t = new Date(Date.UTC(y, m - 1, d));
	return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A `format: date-time` value (RFC 3339: with seconds and an offset), as epoch ms. */
export function dateTimeAt(value: unknown, where: string): number {
	const m = typeof value === 'string' ? DATE_TIME.exec(value) : null;
	const ms = m ? Date.parse(value as string) : NaN;
	if (!m || !realDay(+m[1], +m[2], +m[3]) || Number.isNaN(ms))
		throw badRequest(
			`${where} must be a date-time with an offset, like 2026-11-20T14:30:00+03:00, got ${JSON.stringify(value)}`,
		);
	return ms;
}

/** A `format: date` value (`2026-11-20`). */
export function dateAt(value: unknown, where: string): string {
	const m = typeof value === 'string' ? DATE.exec(value) : null;
	if (!m || !realDay(+m[1], +m[2], +m[3]))
		throw badRequest(`${where} must be a date, like 2026-11-20, got ${JSON.stringify(value)}`);
	return value as string;
}

// Market's hosts; links to them are allowed in a store's reply to a review.
const MARKET_HOST = /^(?:[\w-]+\.)*market\.yandex\.(?:ru|com|kz|by|uz)$/i;
const LINK =
	/(?:https?:\/\/|www\.)[^\s<>"]+|(?<![\p{L}\p{N}.@-])(?:[\p{L}\p{N}-]+\.)+(?:ru|com|net|org|info|su|shop|store|online|site|biz|io|me|by|kz|ua|uz|рф)(?![\p{L}\p{N}-])(?:\/[^\s<>"]*)?/giu;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/u;
// Russian phone numbers as written: +7 or 8, then 10 digits in the usual groups.
const PHONE = /(?:\+7|\b8)[\s-]?\(?\d{3}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}\b/u;

/**
 * GoodsFeedbackCommentText: "must not contain the store's contacts or links to sites other than
 * Market". The simulator refuses links to other hosts, e-mail addresses and phone numbers.
 */
export function checkFeedbackCommentText(text: string, where: string): void {
	if (EMAIL.test(text))
		throw badRequest(`${where} must not contain e-mail addresses or other contacts of the store`);
	if (PHONE.test(text))
		throw badRequest(`${where} must not contain phone numbers or other contacts of the store`);
	for (const [link] of text.matchAll(LINK)) {
		// The host, without a sentence's closing punctuation.
		const host = link
			.replace(/^https?:\/\//i, '')
			.split(/[/?#:]/)[0]
			.replace(/^www\./i, '')
			.replace(/[.,;!)]+$/, '');
		if (!MARKET_HOST.test(host))
			throw badRequest(`${where} must not contain links other than to Market, got '${link}'`);
	}
}

// ----- lists -----------------------------------------------------------

/** Newest first, oldest first, or shuffled per listing: by time, then id (unique keys). */
function orderKey(order: FeedbackOrder | QuestionOrder, at: string, id: number, seed: number) {
	if (order === 'shuffled') return [mix(seed, id), id];
	const t = Date.parse(at);
	return order.endsWith('Desc') ? [-t, -id] : [t, id];
}

/**
 * One page of a review or question list (limit ≤ 50, default 25) in `order`, as Market answers
 * it: `result[name]` and `result.paging` (and `extra`).
 */
export function goodsList<T>(
	host: HandlerHost,
	ctx: Ctx,
	items: readonly T[],
	list: {
		order: FeedbackOrder | QuestionOrder;
		at: (item: T) => string;
		id: (item: T) => number;
		/** The method and its normalised filters: a token continues only the same list. */
		scope: string;
		name: string;
		render: (item: T) => unknown;
		extra?: Record<string, unknown>;
	},
): Reply {
	const limit =
		intParam(ctx.query.limit, 'limit', { min: 1, max: GOODS_PAGE_LIMIT.max }) ??
		GOODS_PAGE_LIMIT.default;
	const { page, paging } = keysetPage(items, {
		keyOf: (item, seed) => orderKey(list.order, list.at(item), list.id(item), seed),
		newSeed: () => (list.order === 'shuffled' ? host.nextListingSeed() : 0),
		scope: `${list.scope}|${ctx.businessId}|${list.order}`,
		token: pageToken(ctx.query),
		limit,
	});
	return {
		status: 200,
		body: {
			status: 'OK',
			result: { [list.name]: page.map(list.render), paging, ...list.extra },
		},
	};
}

/** A whole list (no pages) in `order`: comments inside an answer. */
export function inOrder<T>(
	host: HandlerHost,
	items: readonly T[],
	order: FeedbackOrder | QuestionOrder,
	at: (item: T) => string,
	id: (item: T) => number,
): T[] {
	const seed = order === 'shuffled' ? host.nextListingSeed() : 0;
	return items
		.map((item) => ({ item, key: orderKey(order, at(item), id(item), seed) }))
		.sort((a, b) => compareKeys(a.key, b.key))
		.map((k) => k.item);
}

/**
 * A list of what hangs from a parent (a review's comments, a question's answers): by the
 * parent's id (`parentField`; 404 when not there), or by the items' own ids (`idsField`, at most
 * 50) across the business's parents.
 */
export function childPage<P, C extends { id: number; createdAt: string }>(
	host: HandlerHost,
	ctx: Ctx,
	list: {
		parentField: string;
		idsField: string;
		/** Smallest id (the spec's `minimum`), if any. */
		minId?: number;
		/** Whether the two may not be given together ("not to be combined with other filters"). */
		exclusive: boolean;
		findParent: (id: number) => P;
		parents: () => P[];
		childrenOf: (parent: P) => C[];
		order: FeedbackOrder | QuestionOrder;
		/** The result's array. */
		items: string;
		render: (child: C) => unknown;
	},
): Reply {
	const body = jsonBody(ctx);
	const { parentField, idsField } = list;
	const parentId = given(body, parentField)
		? intAt(body[parentField], `body.${parentField}`, list.minId)
		: undefined;
	const ids = listField(body, idsField, 50, idItem(list.minId));
	if (list.exclusive && parentId !== undefined && ids)
		throw badRequest(
			`body.${idsField} cannot be combined with other filters (body.${parentField})`,
		);
	if (parentId === undefined && !ids)
		throw badRequest(`body.${parentField} or body.${idsField} is required`);
	const parents = parentId !== undefined ? [list.findParent(parentId)] : list.parents();
	const children = parents.flatMap(list.childrenOf).filter((c) => !ids || ids.includes(c.id));
	const filters = { parentId, ids: ids && [...ids].sort((a, b) => a - b) };
	return goodsList(host, ctx, children, {
		order: list.order,
		at: (c) => c.createdAt,
		id: (c) => c.id,
		scope: `${list.items}|${JSON.stringify(filters)}`,
		name: list.items,
		render: list.render,
	});
}

/** The sourceType query parameter (SELLER by default): checked, then nothing changes with it. */
export function checkSourceType(ctx: Ctx): void {
	const v = ctx.query.sourceType;
	if (v !== undefined) enumCheck(['SELLER', 'ADVERTISER'] as const)(v, 'Parameter sourceType');
}

// ----- state -----------------------------------------------------------

/** The next id of a kind: above every id there is, and not below `floor`. */
export function nextId(ids: Iterable<number>, floor: number): number {
	let max = floor - 1;
	for (const id of ids) if (id > max) max = id;
	return max + 1;
}

/** Adds a record to `list` with the next id of its kind. */
export function pushWithNextId<T extends { id: number }>(
	list: T[],
	floor: number,
	fields: Omit<T, 'id'>,
): T {
	const record = {
		id: nextId(
			list.map((x) => x.id),
			floor,
		),
		...fields,
	} as T;
	list.push(record);
	return record;
}

export function storeName(this: HandlerHost, businessId: number): string {
	return this.state.businesses.find((b) => b.id === businessId)?.name ?? `Business ${businessId}`;
}

/** Puts a notification in the outbox, as Market would post it to the store. */
export function notify(
	this: HandlerHost,
	notification: MarketNotification,
	authorType?: string,
): void {
	// The store's own entries are notified or not as `ownNotifications` says (the spec is silent).
	if (authorType === 'BUSINESS' && this.ownNotifications === 'silent') return;
	this.state.notifications.push(notification);
}

/** A time given to the admin API: ISO 8601; default now. */
export function timeInput(this: HandlerHost, value: string | undefined, name: string): number {
	if (value === undefined) return this.clock();
	const ms = Date.parse(value);
	if (Number.isNaN(ms)) throw new Error(`${name} must be an ISO 8601 date-time, got '${value}'`);
	return ms;
}
