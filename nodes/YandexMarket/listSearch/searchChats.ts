/** "From List" for Chat: the business's chats page by page, in Market's order (Market's getChats). */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { LIMITS } from '../shared/constants';
import { fetchPages } from '../shared/pager';
import { parseId } from '../shared/validate';

/** A page of the chosen business's chats; the search text matches the chat, order, return or buyer. */
export async function searchChats(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const businessId = parseId(
		this.getNode(),
		0,
		this.getNodeParameter('businessId', undefined, { extractValue: true }),
		'Business ID',
		'businessId',
	);
	// n8n asks for one page at a time and hands back the token for the next.
	const { entries: chats, last } = await fetchPages.call(
		this,
		{
			// Someone is waiting in the editor: a spent quota fails soon rather than after a minute.
			maxRateLimitWaitMs: 10_000,
			operationId: 'getChats',
			qs: paginationToken ? { pageToken: paginationToken } : {},
			body: {},
			businessId,
		},
		{ wanted: LIMITS.chatsPageMax },
	);
	const needle = filter?.trim().toLowerCase();
	const results = chats
		.map((chat) => {
			const context = (chat.context as IDataObject | undefined) ?? {};
			const customer = (context.customer as IDataObject | undefined)?.name;
			const about = context.returnId
				? `return ${context.returnId}`
				: context.orderId
					? `order ${context.orderId}`
					: 'direct';
			const parts = [
				`Chat ${chat.chatId}`,
				about,
				customer,
				String(chat.status ?? '').toLowerCase(),
			];
			return { name: parts.filter(Boolean).join(' · '), value: String(chat.chatId) };
		})
		.filter((entry) => !needle || entry.name.toLowerCase().includes(needle));
	const paging = (last.result as IDataObject | undefined)?.paging as IDataObject | undefined;
	const next = paging?.nextPageToken as string | undefined;
	return { results, paginationToken: next };
}
