/** "From List" for Business: searches the businesses of the key's stores (Market's getCampaigns). */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { marketRequest } from '../shared/transport';

const PAGE_SIZE = 100;

/** Businesses the key can reach, from its stores (campaigns); a business with several stores is listed once. */
export async function searchBusinesses(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = paginationToken ? Number(paginationToken) : 1;
	const { body } = await marketRequest.call(this, {
		// Someone is waiting in the editor: a spent quota fails soon rather than after a minute.
		maxRateLimitWaitMs: 10_000,
		operationId: 'getCampaigns',
		method: 'GET',
		url: '/v2/campaigns',
		qs: { page, pageSize: PAGE_SIZE },
	});
	const campaigns = (body.campaigns as IDataObject[] | undefined) ?? [];
	const seen = new Map<number, string>();
	for (const campaign of campaigns) {
		const business = campaign.business as IDataObject | undefined;
		if (business?.id && !seen.has(Number(business.id))) {
			seen.set(Number(business.id), String(business.name ?? campaign.domain ?? ''));
		}
	}
	const needle = filter?.trim().toLowerCase();
	const results = [...seen.entries()]
		.map(([id, name]) => ({ name: name ? `${name} (${id})` : String(id), value: String(id) }))
		.filter((entry) => !needle || entry.name.toLowerCase().includes(needle));
	const pager = body.pager as IDataObject | undefined;
	const more = pager?.pagesCount !== undefined && page < Number(pager.pagesCount);
	return { results, paginationToken: more ? String(page + 1) : undefined };
}
