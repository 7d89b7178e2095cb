/**
 * The one pager of Market's lists (`pageToken` → `result.paging.nextPageToken`), for
 * operations, list searches and polls alike: each page goes through the transport, asks for
 * no more than is still wanted, and may end the walk early.
 */
import type { IDataObject } from 'n8n-workflow';
import { memory } from './memory';
import { methodSpec, oneByIdBody, type MarketMethod } from './methods';
import { addMonths, dateWindows } from './windows';
import {
	answeredAt,
	marketRequest,
	type MarketContext,
	type MarketRequest,
	type MarketResponse,
} from './transport';

export interface PageWalk {
	/** The most entries wanted; all of them by default. */
	wanted?: number;
	/** The page token to start at (one Market gave before); the first page by default. */
	from?: string;
	/** Each page as it comes, with the token that fetched it; `false` ends the walk after it. */
	onPage?: (
		entries: IDataObject[],
		response: MarketResponse,
		token: string | undefined,
	) => boolean | void;
}

export interface Pages {
	/** The entries collected, at most `wanted`. */
	entries: IDataObject[];
	/** The last page's answer. */
	last: IDataObject;
	/** Whether the walk reached the last page. */
	complete: boolean;
}

export async function fetchPages(
	this: MarketContext,
	request: MarketRequest,
	walk: PageWalk = {},
): Promise<Pages> {
	const pages = methodSpec(request.operationId).pages;
	if (!pages) throw new Error(`${request.operationId} is not a list`);
	const wanted = walk.wanted ?? Infinity;
	const entries: IDataObject[] = [];
	let pageToken = walk.from;
	let last: IDataObject = {};
	for (;;) {
		const qs: IDataObject = {
			...request.qs,
			limit: Math.min(pages.pageSize, wanted - entries.length),
		};
		if (pageToken) qs.pageToken = pageToken;
		const response = await marketRequest.call(this, { ...request, qs });
		const token = pageToken;
		last = response.body;
		const page = pages.entries(last);
		entries.push(...page);
		const paging = (last.result as IDataObject | undefined)?.paging as IDataObject | undefined;
		pageToken = page.length > 0 ? (paging?.nextPageToken as string | undefined) : undefined;
		const goOn = walk.onPage?.(page, response, token) !== false;
		if (!pageToken) return { entries: entries.slice(0, wanted), last, complete: true };
		if (!goOn || entries.length >= wanted)
			return { entries: entries.slice(0, wanted), last, complete: false };
	}
}

/** How far back `findById` looks, a month at a time, when Market limits reads by ID to a window. */
export const LOOKBACK_MONTHS = 12;

/**
 * One entry by its ID, through the method's `byIds` field. Where Market may limit such a read
 * to its default date window (`idsWindow`; the spec is silent), an entry it does not list is
 * looked for window by window back, up to LOOKBACK_MONTHS. Which holds is learnt: an entry
 * older than the window listed by ID alone shows that Market does not limit it, and a miss
 * then costs one request; one found only in an older window shows that it does.
 */
export async function findById(
	this: MarketContext,
	request: MarketRequest & { operationId: MarketMethod },
	id: unknown,
): Promise<IDataObject | undefined> {
	const { operationId } = request;
	const spec = methodSpec(operationId);
	// Market's clock (its Date header) decides what its window holds; the local one stands in.
	let now = new Date();
	const read = async (body: IDataObject) => {
		const answer = await marketRequest.call(this, {
			...request,
			url: undefined,
			method: undefined,
			qs: {},
			body,
		});
		const date = answeredAt(answer);
		if (date !== undefined) now = new Date(date);
		return spec.pages!.entries(answer.body)[0];
	};
	const byId = oneByIdBody(operationId, id);
	const found = await read(byId);
	const window = spec.idsWindow;
	if (!window) return found;
	if (found) {
		const date = Date.parse(String(window.dateOf(found)));
		// 2 days of slack for time zones and Market's count of a month.
		const edge = addMonths(now, -window.months).getTime() - 2 * 86_400_000;
		if (date < edge) memory.idsWindow.set(operationId, 'bypass');
		return found;
	}
	if (memory.idsWindow.get(operationId) === 'bypass') return undefined;
	const windows = dateWindows(addMonths(now, -LOOKBACK_MONTHS), now, window.months, 'day');
	for (const [dateFrom, dateTo] of windows.reverse()) {
		const older = await read({ ...byId, dateFrom, dateTo });
		if (older) {
			memory.idsWindow.set(operationId, 'apply');
			return older;
		}
	}
	return undefined;
}
