/** "From List" for Business: searches the businesses of the key's stores (Market's getCampaigns). */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { businessesPage } from '../shared/businesses';

/** Businesses the key can reach, from its stores (campaigns); a business with several stores is listed once. */
export async function searchBusinesses(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = paginationToken ? Number(paginationToken) : 1;
	// Someone is waiting in the editor: a spent quota fails soon rather than after a minute.
	const { businesses, nextPage } = await businessesPage.call(this, page, {
		maxRateLimitWaitMs: 10_000,
	});
	const needle = filter?.trim().toLowerCase();
	const results = [...businesses.entries()]
		.map(([id, name]) => ({ name: name ? `${name} (${id})` : String(id), value: String(id) }))
		.filter((entry) => !needle || entry.name.toLowerCase().includes(needle));
	return { results, paginationToken: nextPage === undefined ? undefined : String(nextPage) };
}
