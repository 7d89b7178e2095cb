/**
 * The businesses an API key reaches, from its stores (Market's getCampaigns): the Business
 * list of the nodes and the trigger's business for notifications that name none.
 */
import type { IDataObject } from 'n8n-workflow';
import { marketRequest, type MarketContext, type MarketRequest } from './transport';

export const CAMPAIGNS_PAGE_SIZE = 100;

export interface BusinessesPage {
	/** Business ID → its name (or a store's domain); a business with several stores once. */
	businesses: Map<number, string>;
	/** The next page to ask for, when there is one. */
	nextPage?: number;
}

/** One page of the key's stores, as the businesses they belong to. */
export async function businessesPage(
	this: MarketContext,
	page: number,
	limits: Pick<MarketRequest, 'maxRateLimitWaitMs' | 'deadline'>,
): Promise<BusinessesPage> {
	const { body } = await marketRequest.call(this, {
		...limits,
		operationId: 'getCampaigns',
		qs: { page, pageSize: CAMPAIGNS_PAGE_SIZE },
	});
	const campaigns = (body.campaigns as IDataObject[] | undefined) ?? [];
	const businesses = new Map<number, string>();
	for (const campaign of campaigns) {
		const business = campaign.business as IDataObject | undefined;
		if (business?.id && !businesses.has(Number(business.id))) {
			businesses.set(Number(business.id), String(business.name ?? campaign.domain ?? ''));
		}
	}
	const pager = body.pager as IDataObject | undefined;
	const more = pager?.pagesCount !== undefined && page < Number(pager.pagesCount);
	return { businesses, nextPage: more ? page + 1 : undefined };
}
