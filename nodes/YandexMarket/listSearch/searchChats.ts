/** "From List" for Chat: the business's chats page by page, in Market's order (Market's getChats). */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { LIMITS } from '../shared/constants';
import { marketRequest } from '../shared/transport';
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
	const qs: IDataObject = { limit: LIMITS.chatsPageMax };
	if (paginationToken) qs.pageToken = paginationToken;
	const { body } = await marketRequest.call(this, {
		// Someone is waiting in the editor: a spent quota fails soon rather than after a minute.
		maxRateLimitWaitMs: 10_000,
		operationId: 'getChats',
		method: 'POST',
		url: `/v2/businesses/${businessId}/chats`,
		qs,
		body: {},
		businessId,
	});
	const result = (body.result as IDataObject | undefined) ?? {};
	const chats = (result.chats as IDataObject[] | undefined) ?? [];
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
	const next = (result.paging as IDataObject | undefined)?.nextPageToken as string | undefined;
	return { results, paginationToken: next };
}
