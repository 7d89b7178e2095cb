/**
 * The one pager of Market's lists (`pageToken` → `result.paging.nextPageToken`), for
 * operations, list searches and polls alike: each page goes through the transport, asks for
 * no more than is still wanted, and may end the walk early.
 */
import type { IDataObject } from 'n8n-workflow';
import { methodSpec } from './methods';
import {
	marketRequest,
	type MarketContext,
	type MarketRequest,
	type MarketResponse,
} from './transport';

export interface PageWalk {
	/** The most entries wanted; all of them by default. */
	wanted?: number;
	/** Each page as it comes; `false` ends the walk after it. */
	onPage?: (entries: IDataObject[], response: MarketResponse) => boolean | void;
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
	let pageToken: string | undefined;
	let last: IDataObject = {};
	for (;;) {
		const qs: IDataObject = {
			...request.qs,
			limit: Math.min(pages.pageSize, wanted - entries.length),
		};
		if (pageToken) qs.pageToken = pageToken;
		const response = await marketRequest.call(this, { ...request, qs });
		last = response.body;
		const page = pages.entries(last);
		entries.push(...page);
		const paging = (last.result as IDataObject | undefined)?.paging as IDataObject | undefined;
		pageToken = page.length > 0 ? (paging?.nextPageToken as string | undefined) : undefined;
		const goOn = walk.onPage?.(page, response) !== false;
		if (!pageToken) return { entries: entries.slice(0, wanted), last, complete: true };
		if (!goOn || entries.length >= wanted)
			return { entries: entries.slice(0, wanted), last, complete: false };
	}
}
