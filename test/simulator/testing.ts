/**
 * What the simulator's own tests share: calling it over HTTP, asserting Market's error envelope,
 * and checking the exchanges of a test against the spec.
 */
import { loadContract, type Contract } from '../contract/openapi';
import { noteContract, specsFor } from '../contract/specs';
import { dtoErrors } from '../trigger/spec';
import {
	DEFAULT_GOODS_SETTINGS,
	FIXTURE_FACTS,
	SIM_KEYS,
	startSimulator,
	type GoodsSettings,
	type RecordedRequest,
	type Simulator,
	type SimulatorOptions,
} from './server';

export interface Res {
	status: number;
	headers: Headers;
	body: any;
}

export interface CallOptions {
	/** Default the communication key; null sends none. */
	key?: string | null;
	body?: unknown;
	/** Sent as is (no JSON encoding). */
	rawBody?: string | Buffer | FormData;
	contentType?: string | null;
	headers?: Record<string, string>;
}

export async function call(
	sim: Simulator,
	method: string,
	path: string,
	opts: CallOptions = {},
): Promise<Res> {
	const headers: Record<string, string> = { ...opts.headers };
	const key = opts.key === undefined ? SIM_KEYS.communication : opts.key;
	if (key !== null) headers['Api-Key'] = key;
	let body: string | Buffer | FormData | undefined;
	if (opts.rawBody !== undefined) body = opts.rawBody;
	else if (opts.body !== undefined) body = JSON.stringify(opts.body);
	if (body !== undefined && !(body instanceof FormData) && opts.contentType !== null) {
		headers['Content-Type'] = opts.contentType ?? 'application/json';
	}
	const res = await fetch(sim.url + path, { method, headers, body });
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		/* not JSON */
	}
	return { status: res.status, headers: res.headers, body: parsed };
}

export function expectError(res: Res, status: number, code: string, messagePart?: string | RegExp) {
	expect(res.status).toBe(status);
	expect(res.body.status).toBe('ERROR');
	expect(res.body.errors[0].code).toBe(code);
	if (messagePart !== undefined) expect(res.body.errors[0].message).toMatch(messagePart);
}

/**
 * Every reply, and every accepted (2xx) request, against the spec: the simulator must answer as
 * the spec says and must not accept what it rejects. Injected 503s are outside it on purpose.
 */
export function exchangeProblems(
	contract: Contract,
	requests: readonly RecordedRequest[],
): { problems: string[]; count: number } {
	const problems: string[] = [];
	let count = 0;
	for (const r of requests) {
		if (r.status === 503) continue;
		count++;
		problems.push(...contract.validateResponse(r));
		if (r.status >= 200 && r.status < 300) problems.push(...contract.validateRequest(r));
	}
	return { problems, count };
}

/** The moment the reviews' and questions' fixture facts hold at. */
export const GOODS_CLOCK = Date.parse(FIXTURE_FACTS.goodsClock);

export interface GoodsTestContext {
	sim: Simulator;
	/** The simulator's clock; GOODS_CLOCK at the start of every test. */
	now: number;
}

/**
 * A simulator for the tests of reviews and questions. Before each test: fixtures restored, the
 * clock at GOODS_CLOCK, and the settings of the spec's open points at their defaults (or at
 * `opts`) whatever the environment says. After each: every exchange against the partner spec,
 * and every notification in the outbox against the notification spec.
 */
export function useGoodsSimulator(opts: SimulatorOptions = {}): GoodsTestContext {
	const t = { now: GOODS_CLOCK } as GoodsTestContext;
	const contract = specsFor(
		'the simulator’s reviews, questions and notifications against the specs',
	)
		? loadContract()
		: undefined;
	let checked = 0;
	beforeAll(async () => {
		t.sim = await startSimulator({ ...opts, clock: () => t.now });
	});
	afterAll(async () => {
		await t.sim.close();
		// Tells jest.config.js's summary reporter how many exchanges were checked (-1: none).
		noteContract(contract ? checked : -1);
	});
	beforeEach(() => {
		t.sim.reset();
		t.now = GOODS_CLOCK;
		const settings = Object.keys(DEFAULT_GOODS_SETTINGS) as (keyof GoodsSettings)[];
		Object.assign(
			t.sim,
			DEFAULT_GOODS_SETTINGS,
			Object.fromEntries(settings.filter((k) => opts[k]).map((k) => [k, opts[k]])),
		);
		t.sim.subscriptionTier = opts.subscriptionTier ?? 'none';
	});
	afterEach(() => {
		if (!contract) return;
		const { problems, count } = exchangeProblems(contract, t.sim.requests);
		checked += count;
		for (const n of t.sim.state.notifications)
			problems.push(...dtoErrors(n.notificationType, n).map((e) => `${n.notificationType}: ${e}`));
		expect(problems).toEqual([]);
	});
	return t;
}

/** POST to `base + path + query`, with a JSON body unless it is undefined. */
export function poster(t: GoodsTestContext, base: string) {
	return (path: string, body?: unknown, query = '', opts: CallOptions = {}) =>
		call(t.sim, 'POST', `${base}${path}${query}`, {
			...(body === undefined ? {} : { body }),
			...opts,
		});
}

/**
 * Every page of a listing, 50 a page: `fetchPage` gets the query (`?limit=50`, then with the
 * previous page's nextPageToken in `tokenParam`). Returns each page's `items`.
 */
export async function allPages(
	fetchPage: (query: string) => Promise<Res>,
	items: string,
	tokenParam: 'pageToken' | 'page_token' = 'pageToken',
): Promise<any[][]> {
	const pages: any[][] = [];
	let token: string | undefined;
	do {
		const res = await fetchPage(`?limit=50${token ? `&${tokenParam}=${token}` : ''}`);
		expect(res.status).toBe(200);
		pages.push(res.body.result[items]);
		token = res.body.result.paging?.nextPageToken;
	} while (token !== undefined && pages.length < 100);
	return pages;
}

/** Every item of a listing (see allPages). */
export async function everyItem(
	fetchPage: (query: string) => Promise<Res>,
	items: string,
): Promise<any[]> {
	return (await allPages(fetchPage, items)).flat();
}
