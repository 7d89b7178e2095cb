/**
 * Which business a notification is about. The spec puts businessId in every chat, review
 * and question notification, yet real ones come without it. Then, in this order:
 * 1. the credential, when its API key reaches exactly one business (learnt from Market's
 *    getCampaigns at the first such notification, kept for an hour per key and base URL);
 * 2. the trigger's Business option;
 * otherwise the notification cannot be processed (400 naming businessId).
 */
import { createHash } from 'crypto';
import type { IWebhookFunctions } from 'n8n-workflow';
import { businessesPage, type BusinessesPage } from '../shared/businesses';
import { CREDENTIAL_TYPE } from '../shared/constants';
import { memory } from '../shared/memory';
import { idOf } from '../shared/validate';
import { isPlainObject } from './notifications';

/** Where the item's businessId came from. */
export type BusinessIdSource = 'notification' | 'credential' | 'option';

export type BusinessOutcome =
	| { businessId: number; source: BusinessIdSource }
	/** Nothing tells: what is missing, for the 400. */
	| { problem: string }
	/** Market could not be asked and the option does not tell: for a 500, so Market delivers again. */
	| { lookupError: unknown };

/** The businesses a key reaches: the only one, or how many (2 stands for two or more). */
export interface KeyReach {
	only?: number;
	count: number;
}

/** How long what a key reaches is trusted: a key given access to another business is re-learnt. */
export const LEARNT_TTL_MS = 60 * 60 * 1000;
const learnt = memory.learntBusinesses;

/** What the credential's key reaches; one request sequence per key, shared by notifications meanwhile. */
async function keyReach(this: IWebhookFunctions, deadline: number): Promise<KeyReach> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	// Only a digest of the key is kept, to tell one key from another (an edited credential).
	const cacheKey = createHash('sha256')
		.update(`${String(credentials.baseUrl ?? '')}\n${String(credentials.apiKey ?? '')}`)
		.digest('base64');
	const known = learnt.get(cacheKey);
	if (known && known.expires > Date.now()) return await known.reach;

	const reach = (async () => {
		const found = new Set<number>();
		// Two businesses are enough to know that the key does not tell.
		for (let page: number | undefined = 1; page !== undefined && found.size < 2;) {
			const result: BusinessesPage = await businessesPage.call(this, page, {
				deadline,
				maxRateLimitWaitMs: 0,
			});
			for (const id of result.businesses.keys()) found.add(id);
			page = result.nextPage;
		}
		return { only: found.size === 1 ? [...found][0] : undefined, count: Math.min(found.size, 2) };
	})();
	learnt.set(cacheKey, { expires: Date.now() + LEARNT_TTL_MS, reach });
	// A failure is not kept: the next notification asks again.
	reach.catch(() => {
		if (learnt.get(cacheKey)?.reach === reach) learnt.delete(cacheKey);
	});
	return await reach;
}

/** The Business option: a resource locator's value (or a bare value); `text` when it is not an ID. */
function optionBusiness(raw: unknown): { id?: number; text?: string } {
	const value = isPlainObject(raw) ? raw.value : raw;
	const id = idOf(value);
	if (id !== undefined) return { id };
	const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	return text === '' ? {} : { text };
}

/**
 * The business of a notification: the one it names, else the credential's only one, else
 * the Business option.
 */
export async function businessOf(
	this: IWebhookFunctions,
	notified: unknown,
	option: unknown,
	deadline: number,
): Promise<BusinessOutcome> {
	if (typeof notified === 'number') return { businessId: notified, source: 'notification' };
	let reach: KeyReach | undefined;
	let failure: unknown;
	try {
		reach = await keyReach.call(this, deadline);
	} catch (error) {
		failure = error;
	}
	if (reach?.only !== undefined) return { businessId: reach.only, source: 'credential' };
	const chosen = optionBusiness(option);
	if (chosen.id !== undefined) return { businessId: chosen.id, source: 'option' };
	if (!reach) return { lookupError: failure };
	const keyReaches = reach.count === 0 ? 'reaches no business' : 'reaches several businesses';
	const optionSays =
		chosen.text === undefined
			? 'the Business option is empty'
			: `the Business option (${JSON.stringify(chosen.text)}) is not a business ID`;
	return {
		problem: `businessId is required: the notification has none, the credential's API key ${keyReaches}, and ${optionSays}. Choose the business in the trigger's Options → Business.`,
	};
}
