/**
 * Market's 4 requests in flight per business are shared by every n8n process that calls it
 * (queue mode: webhook processes and workers). Each process keeps to the credential's
 * Parallel Requests per n8n Process; here two copies of the package, each loaded in a
 * module registry of its own, stand for two processes.
 */
import { FIXTURE_FACTS } from '../simulator/fixtures';
import type { Simulator } from '../simulator/server';
import type { RecordedRequest } from '../simulator/types';
import { runNode } from '../support/engine';
import { byId, SIM_KEYS, useSimulator } from './setup';

type Engine = typeof import('../support/engine');
type Transport = typeof import('../../nodes/YandexMarket/shared/transport');
type Pacing = typeof import('../../nodes/YandexMarket/shared/pacing');

// The transport the engine of this file loads; test/support/limits.ts shortens its backoffs.
const { retryTiming } = require('../../dist/nodes/YandexMarket/shared/transport') as Transport;

const business = byId(FIXTURE_FACTS.businesses.demo);

/** The most requests that were at Market at one moment. */
function peakInFlight(requests: RecordedRequest[]): number {
	const spans = requests.map((r) => [r.startedAt, r.endedAt]);
	return Math.max(
		...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length),
	);
}

/** One message per chat, so that no two of them wait for each other in the chat's order. */
function sends(chats: number[], process: string) {
	return {
		parameters: {
			resource: 'message',
			operation: 'send',
			businessId: business,
			chatId: byId('={{ $json.chatId }}'),
			text: '={{ $json.text }}',
		},
		input: chats.map((chatId) => ({ json: { chatId, text: `${process} → ${chatId}` } })),
	};
}

function credentials(sim: Simulator, parallelRequests: number) {
	return {
		credentials: { apiKey: SIM_KEYS.communication, baseUrl: sim.url },
		extraCredentialData: { parallelRequests },
	};
}

/** A copy of the package with its own module state (its own gates), as another n8n process has. */
async function anotherProcess(): Promise<{ engine: Engine; transport: Transport; pacing: Pacing }> {
	let engine!: Engine;
	let transport!: Transport;
	let pacing!: Pacing;
	await jest.isolateModulesAsync(async () => {
		engine = require('../support/engine');
		transport = require('../../dist/nodes/YandexMarket/shared/transport');
		pacing = require('../../dist/nodes/YandexMarket/shared/pacing');
		await engine.startEngine();
	});
	return { engine, transport, pacing };
}

const { sim } = useSimulator({ latencyMs: 40 });

describe('Parallel Requests per n8n Process', () => {
	it('2: one process keeps at most 2 requests in flight for a business', async () => {
		const chats = Array.from({ length: 10 }, (_, i) => 101 + i);
		const result = await runNode({ ...sends(chats, 'A'), ...credentials(sim(), 2) });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(10);
		expect(peakInFlight(sim().requests)).toBe(2);
		expect(sim().requests.every((r) => r.status === 200)).toBe(true);
	});

	it('left out (a credential saved before it existed): 4; out of range: kept to 1..4', async () => {
		const chats = Array.from({ length: 10 }, (_, i) => 101 + i);
		for (const [parallelRequests, peak] of [
			[undefined, 4],
			[9, 4],
			[0, 1],
		]) {
			sim().reset();
			const result = await runNode({
				...sends(chats, 'A'),
				...credentials(sim(), parallelRequests as number),
			});
			expect(result.error).toBeUndefined();
			expect(peakInFlight(sim().requests)).toBe(peak);
		}
	});
});

describe('two n8n processes sending for one business', () => {
	let first: Engine;
	let second: Engine;
	const transports: Transport[] = [];
	const pacings: Pacing[] = [];

	beforeAll(async () => {
		const a = await anotherProcess();
		const b = await anotherProcess();
		[first, second] = [a.engine, b.engine];
		transports.push(a.transport, b.transport);
		pacings.push(a.pacing, b.pacing);
	}, 60_000);
	beforeEach(() => {
		for (const transport of transports) Object.assign(transport.retryTiming, retryTiming);
		// What a gate learnt from refusals is kept for the whole test.
		for (const pacing of pacings) pacing.gateTiming.recoverMs = 60_000;
	});
	afterAll(() => {
		for (const pacing of pacings) pacing.gateTiming.recoverMs = 2000;
	});

	const chatsOfFirst = [101, 102, 103, 104, 105, 106];
	const chatsOfSecond = [107, 108, 109, 110, 111, 112];

	async function sendFromBoth(parallelRequests: number) {
		const [a, b] = await Promise.all([
			first.runNode({ ...sends(chatsOfFirst, 'A'), ...credentials(sim(), parallelRequests) }),
			second.runNode({ ...sends(chatsOfSecond, 'B'), ...credentials(sim(), parallelRequests) }),
		]);
		expect(a.error).toBeUndefined();
		expect(b.error).toBeUndefined();
		expect(a.items.filter((i) => i.json.error)).toEqual([]);
		expect(b.items.filter((i) => i.json.error)).toEqual([]);
		const delivered = sim()
			.requests.filter((r) => r.operationId === 'sendMessageToChat' && r.status === 200)
			.map((r) => (r.json as { message: string }).message)
			.sort();
		const expected = [
			...chatsOfFirst.map((chat) => `A → ${chat}`),
			...chatsOfSecond.map((chat) => `B → ${chat}`),
		].sort();
		// Every message exactly once: a refused one was sent again, none twice.
		expect(delivered).toEqual(expected);
		return sim().requests.filter((r) => r.status === 420);
	}

	it('with 2 each, Market never refuses one for the parallel limit', async () => {
		const refused = await sendFromBoth(2);
		expect(refused).toEqual([]);
		expect(peakInFlight(sim().requests)).toBeLessThanOrEqual(4);
	});

	it('with 4 each, Market refuses some, every message is still delivered once, and the refused process gives way', async () => {
		const refused = await sendFromBoth(4);
		expect(refused.length).toBeGreaterThan(0);
		expect(JSON.stringify(refused[0].responseBody)).toMatch(/parallel requests/);
		// The gates are per process: the refusals made them hold fewer than the credential's 4.
		const gate = `${sim().url}|${FIXTURE_FACTS.businesses.demo}`;
		const limits = pacings.map((pacing) => pacing.gateLimit(gate));
		expect(Math.min(...limits)).toBeGreaterThanOrEqual(1);
		expect(limits[0] + limits[1]).toBeLessThan(8);
	});
});
