/**
 * Lists that page with opaque tokens: each item has a sort key (numbers, ascending; unique),
 * and a page token carries the last key given (and the seed of a shuffled listing), signed
 * with the request's scope (business and normalised filters) so it only continues that list.
 */
import { decodeToken, encodeToken, isInt } from './validation';

export function compareKeys(a: number[], b: number[]): number {
	for (let i = 0; i < Math.max(a.length, b.length); i++) {
		const d = (a[i] ?? 0) - (b[i] ?? 0);
		if (d !== 0) return d;
	}
	return 0;
}

/** A 32-bit hash of a listing's seed and an id: the item's place in that shuffled listing. */
export function mix(seed: number, id: number): number {
	let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(id, 0xc2b2ae35);
	h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
	h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
	return (h ^ (h >>> 16)) >>> 0;
}

export interface KeysetRequest<T> {
	/** The sort key of an item in a listing with this seed. */
	keyOf: (item: T, seed: number) => number[];
	/** A new listing's seed (0 when the order is not shuffled). */
	newSeed: () => number;
	/** What the token is signed with. */
	scope: string;
	token: string | undefined;
	limit: number;
}

/** One page of `items` after the token's position, and the token of the next page if any. */
export function keysetPage<T>(
	items: readonly T[],
	req: KeysetRequest<T>,
): { page: T[]; paging: { nextPageToken?: string } } {
	let seed: number;
	let after: number[] | undefined;
	if (req.token !== undefined) {
		const cursor = decodeToken(req.token, req.scope, (c): c is { k: number[]; r: number } => {
			const o = c as { k?: unknown; r?: unknown } | null;
			return (
				typeof o === 'object' &&
				o !== null &&
				Array.isArray(o.k) &&
				o.k.every((v) => isInt(v)) &&
				isInt(o.r)
			);
		});
		seed = cursor.r;
		after = cursor.k;
	} else seed = req.newSeed();
	const keyed = items
		.map((item) => ({ item, key: req.keyOf(item, seed) }))
		.sort((a, b) => compareKeys(a.key, b.key));
	const rest = after ? keyed.filter((k) => compareKeys(k.key, after) > 0) : keyed;
	const page = rest.slice(0, req.limit).map((k) => k.item);
	const last = rest[Math.min(req.limit, rest.length) - 1];
	const paging =
		rest.length > req.limit
			? { nextPageToken: encodeToken(req.scope, { k: last.key, r: seed }) }
			: {};
	return { page, paging };
}
