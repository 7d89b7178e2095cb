/**
 * Market's limits and failures, injected per request into the simulator, for every
 * operation: what a seller relies on is that every item ends as a result or as an error
 * item paired to it, that no message reaches a buyer twice, and that nothing is sent into
 * a quota window the node already knew to be spent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FIXTURE_FACTS } from '../simulator/fixtures';
import {
	startSimulator,
	type OperationId,
	type RecordedRequest,
	type Simulator,
} from '../simulator/server';
import { byId, runNode, type RunOptions, type RunResult } from '../support/engine';
import { SIM_KEYS } from './setup';

const business = byId(FIXTURE_FACTS.businesses.demo);
const { demoOrderWithChat } = FIXTURE_FACTS;

interface Case {
	name: string;
	operationId: OperationId;
	sends: boolean;
	parameters: RunOptions['parameters'];
	input?: RunOptions['input'];
}

const CASES: Case[] = [
	{
		name: 'Chat → Get Many',
		operationId: 'getChats',
		sends: false,
		parameters: { resource: 'chat', operation: 'getAll', businessId: business, limit: 5 },
	},
	{
		name: 'Chat → Get',
		operationId: 'getChat',
		sends: false,
		parameters: { resource: 'chat', operation: 'get', businessId: business, chatId: byId(101) },
	},
	{
		name: 'Chat → Create',
		operationId: 'createChat',
		sends: false,
		parameters: {
			resource: 'chat',
			operation: 'create',
			businessId: business,
			contextType: 'ORDER',
			contextId: String(demoOrderWithChat.orderId),
		},
	},
	{
		name: 'Chat → Get History',
		operationId: 'getChatHistory',
		sends: false,
		parameters: {
			resource: 'chat',
			operation: 'getHistory',
			businessId: business,
			chatId: byId(101),
			limit: 3,
		},
	},
	{
		name: 'Message → Get',
		operationId: 'getChatMessage',
		sends: false,
		parameters: {
			resource: 'message',
			operation: 'get',
			businessId: business,
			chatId: byId(101),
			messageId: String(FIXTURE_FACTS.longChat.lastMessageId),
		},
	},
	{
		name: 'Message → Send',
		operationId: 'sendMessageToChat',
		sends: true,
		parameters: {
			resource: 'message',
			operation: 'send',
			businessId: business,
			chatId: byId(102),
			text: 'Ваш заказ в пути',
		},
	},
	{
		name: 'Message → Send File',
		operationId: 'sendFileToChat',
		sends: true,
		parameters: {
			resource: 'message',
			operation: 'sendFile',
			businessId: business,
			chatId: byId(102),
			binaryPropertyName: 'data',
		},
		input: [
			{
				json: {},
				binary: {
					data: { data: Buffer.from('receipt'), fileName: 'receipt.txt', mimeType: 'text/plain' },
				},
			},
		],
	},
];

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator();
});
beforeEach(() => sim.reset());
afterAll(async () => await sim.close());

async function runCase(c: Case, extra: Partial<RunOptions> = {}): Promise<RunResult> {
	return await runNode({
		credentials: { apiKey: SIM_KEYS.communication, baseUrl: sim.url },
		parameters: c.parameters,
		input: c.input,
		onError: 'continueRegularOutput',
		...extra,
		...(extra.parameters ? { parameters: { ...c.parameters, ...extra.parameters } } : {}),
	});
}

const calls = (op: OperationId) => sim.requests.filter((r) => r.operationId === op);
const delivered = () => sim.state.sentMessages.length + sim.state.sentFiles.length;

/** One item in, one item out, paired to it: a result or an error. */
function expectOneItemPaired(result: RunResult) {
	expect(result.error).toBeUndefined();
	expect(result.items.length).toBeGreaterThanOrEqual(1);
	for (const item of result.items) expect(item.pairedItem).toEqual({ item: 0 });
}

/** After a 420 with Remaining 0 reached the node, no request of that method started before its Until. */
function expectNothingSentIntoSpentWindow(requests: RecordedRequest[]) {
	for (const refused of requests.filter(
		(r) => r.status === 420 && r.responseHeaders['x-ratelimit-resource-remaining'] === '0',
	)) {
		const until = Date.parse(refused.responseHeaders['x-ratelimit-resource-until']);
		const inside = requests.filter((r) => r.startedAt > refused.endedAt && r.startedAt < until);
		expect(inside).toEqual([]);
	}
}

describe.each(CASES)('$name', (c) => {
	it('quota 420 (Until in 2 s): waits for the reset, repeats once, succeeds; nothing sent into the window', async () => {
		const until = Math.ceil((Date.now() + 2000) / 1000) * 1000;
		sim.spendQuotaUntil(c.operationId, until);
		const result = await runCase(c);
		expectOneItemPaired(result);
		expect(result.items[0].json.error).toBeUndefined();
		const requests = calls(c.operationId);
		expect(requests.map((r) => r.status)).toEqual([420, 200]);
		expect(requests[1].startedAt).toBeGreaterThanOrEqual(until);
		expectNothingSentIntoSpentWindow(requests);
		if (c.sends) expect(delivered()).toBe(1);
	});

	it('quota 420 beyond the wait ceiling: an error item naming the method, its limit and the reset; nothing sent', async () => {
		sim.spendQuotaUntil(c.operationId, Date.now() + 50 * 60_000);
		const started = Date.now();
		const result = await runCase(c, { parameters: { maxRateLimitWait: 5 } });
		expect(Date.now() - started).toBeLessThan(2000);
		expectOneItemPaired(result);
		expect(String(result.items[0].json.error)).toMatch(
			new RegExp(
				`hourly limit for ${c.operationId} \\([\\d,]+ requests per hour for business 1001\\) is used up until .+ GMT; nothing was sent`,
			),
		);
		expect(calls(c.operationId)).toHaveLength(1);
		expect(delivered()).toBe(0);
	});

	it('parallel-limit 420 (quota left, Until in 50 min): a short backoff and a repeat, never the hourly wait', async () => {
		sim.injectFault(
			c.operationId,
			{
				status: 420,
				body: {
					status: 'ERROR',
					errors: [
						{
							code: 'LIMIT_EXCEEDED',
							message: 'Hit rate limit of 4 parallel requests for businessId 1001',
						},
					],
				},
				remaining: 900,
				until: Date.now() + 50 * 60_000,
			},
			2,
		);
		const started = Date.now();
		const result = await runCase(c);
		expect(Date.now() - started).toBeLessThan(3000);
		expectOneItemPaired(result);
		expect(result.items[0].json.error).toBeUndefined();
		expect(calls(c.operationId).map((r) => r.status)).toEqual([420, 420, 200]);
		if (c.sends) expect(delivered()).toBe(1);
	});

	it(
		c.sends ? '500: reported as possibly delivered, not repeated' : '500: repeated, then succeeds',
		async () => {
			sim.injectFault(c.operationId, { status: 500 });
			const result = await runCase(c);
			expectOneItemPaired(result);
			if (c.sends) {
				expect(String(result.items[0].json.error)).toMatch(
					/did not confirm .*may have been delivered, so it was not sent again/,
				);
				expect(calls(c.operationId)).toHaveLength(1);
			} else {
				expect(result.items[0].json.error).toBeUndefined();
				expect(calls(c.operationId).map((r) => r.status)).toEqual([500, 200]);
			}
		},
	);

	it(
		c.sends
			? 'dropped connection after delivery: reported, delivered once'
			: 'dropped connection: repeated, then succeeds',
		async () => {
			sim.injectFault(c.operationId, { process: true, reset: true });
			const result = await runCase(c);
			expectOneItemPaired(result);
			if (c.sends) {
				expect(String(result.items[0].json.error)).toMatch(
					/did not confirm .*\(connection dropped\).*may have been delivered/,
				);
				expect(calls(c.operationId)).toHaveLength(1);
				expect(delivered()).toBe(1);
			} else {
				expect(result.items[0].json.error).toBeUndefined();
				expect(calls(c.operationId).map((r) => r.status)).toEqual([-1, 200]);
			}
		},
	);

	it(`Request Options → Timeout 500 ms against a 3 s answer: gives up at the timeout${c.sends ? ', not repeated' : ', repeats'}`, async () => {
		sim.injectFault(c.operationId, { process: true, delayMs: 3000 });
		const started = Date.now();
		const result = await runCase(c, { parameters: { requestOptions: { timeout: 500 } } });
		const elapsed = Date.now() - started;
		expectOneItemPaired(result);
		expect(elapsed).toBeLessThan(2500);
		if (c.sends) {
			expect(String(result.items[0].json.error)).toMatch(
				/did not confirm .*\(no answer within the timeout\)/,
			);
			expect(calls(c.operationId)).toHaveLength(1);
		} else {
			expect(result.items[0].json.error).toBeUndefined();
			expect(calls(c.operationId)).toHaveLength(2);
		}
	});

	it(
		c.sends
			? 'malformed JSON on a 200: delivered once, reported OK'
			: 'malformed JSON: repeated, then succeeds',
		async () => {
			sim.injectFault(c.operationId, {
				process: true,
				status: 200,
				body: '<html>Bad gateway</html>',
			});
			const result = await runCase(c);
			expectOneItemPaired(result);
			expect(result.items[0].json.error).toBeUndefined();
			if (c.sends) {
				expect(result.items[0].json.status).toBe('OK');
				expect(calls(c.operationId)).toHaveLength(1);
				expect(delivered()).toBe(1);
			} else {
				expect(calls(c.operationId)).toHaveLength(2);
			}
		},
	);
});

describe('a quota spent in one execution is known to the next', () => {
	it('Remaining 0 on an answer: the next request of that method waits for Until instead of provoking a 420', async () => {
		const send = CASES.find((c) => c.operationId === 'sendMessageToChat')!;
		sim.setQuota('sendMessageToChat', 1);
		const first = await runCase(send);
		expect(first.items[0].json.error).toBeUndefined();
		// The answer said Remaining 0 until the end of the hour; the next may not wait at all.
		const second = await runCase(send, { parameters: { maxRateLimitWait: 0 } });
		expect(String(second.items[0].json.error)).toMatch(
			/hourly limit for sendMessageToChat .* nothing was sent/,
		);
		expect(calls('sendMessageToChat').map((r) => r.status)).toEqual([200]);
		// Other methods are not held back.
		const read = await runCase(CASES.find((c) => c.operationId === 'getChat')!);
		expect(read.items[0].json.error).toBeUndefined();
	});
});

describe('many items against the limits', () => {
	it('30 replies with a quota 420 (Until in 2 s) on two of them: 30 delivered once each, in order per chat', async () => {
		const input = Array.from({ length: 30 }, (_, i) => ({
			json: { chatId: 101 + (i % 5), text: `reply ${i}` },
		}));
		sim.injectFault('sendMessageToChat', { status: 420, until: Date.now() + 2000 }, 2);
		const result = await runNode({
			credentials: { apiKey: SIM_KEYS.communication, baseUrl: sim.url },
			parameters: {
				resource: 'message',
				operation: 'send',
				businessId: business,
				chatId: byId('={{ $json.chatId }}'),
				text: '={{ $json.text }}',
			},
			input,
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.text)).toEqual(input.map((i) => i.json.text));
		const texts = sim.state.sentMessages.map((m) => m.message);
		expect(new Set(texts).size).toBe(30);
		expect(texts.sort()).toEqual(input.map((i) => i.json.text).sort());
		for (let chat = 101; chat <= 105; chat++) {
			const inChat = sim.state.sentMessages.filter((m) => m.chatId === chat).map((m) => m.message);
			expect(inChat).toEqual(input.filter((i) => i.json.chatId === chat).map((i) => i.json.text));
		}
	});

	it('a 500 on the 2nd page of Get Many, Return All: the page is asked again and every chat comes back once', async () => {
		sim.injectFault('getChats', { status: 500, after: 1 });
		const result = await runNode({
			credentials: { apiKey: SIM_KEYS.communication, baseUrl: sim.url },
			parameters: { resource: 'chat', operation: 'getAll', businessId: business, returnAll: true },
		});
		expect(result.error).toBeUndefined();
		const ids = result.items.map((i) => i.json.chatId);
		expect(ids).toHaveLength(FIXTURE_FACTS.demoChatCount);
		expect(new Set(ids).size).toBe(FIXTURE_FACTS.demoChatCount);
		const statuses = calls('getChats').map((r) => r.status);
		expect(statuses.slice(0, 3)).toEqual([200, 500, 200]);
		expect(calls('getChats')[2].query.pageToken).toBe(calls('getChats')[1].query.pageToken);
	});
});

describe('Request Options → Proxy', () => {
	it('every request goes through the proxy set on the node', async () => {
		const seen: string[] = [];
		const proxy = http.createServer((req, res) => {
			seen.push(`${req.method} ${req.url}`);
			const target = new URL(req.url!);
			const upstream = http.request(
				{
					host: target.hostname,
					port: target.port,
					path: target.pathname + target.search,
					method: req.method,
					headers: req.headers,
				},
				(answer) => {
					res.writeHead(answer.statusCode!, answer.headers);
					answer.pipe(res);
				},
			);
			req.pipe(upstream);
		});
		await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		try {
			const port = (proxy.address() as AddressInfo).port;
			const get = CASES.find((c) => c.operationId === 'getChat')!;
			const result = await runCase(get, {
				parameters: { requestOptions: { proxy: `http://127.0.0.1:${port}` } },
			});
			expect(result.items[0].json.error).toBeUndefined();
			expect(seen).toEqual([`GET ${sim.url}/v2/businesses/1001/chat?chatId=101`]);
		} finally {
			await new Promise((resolve) => proxy.close(resolve));
		}
	});
});

describe('a mix of faults, seeded, over 60 sends to 3 chats', () => {
	// A small deterministic generator: the same mix every run, and it can be changed here.
	function mulberry32(seed: number) {
		return () => {
			seed |= 0;
			seed = (seed + 0x6d2b79f5) | 0;
			let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
			t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
	}

	// Seeds whose mix holds both refusals and unconfirmed sends (asserted below).
	it.each([7, 42, 99, 123, 777])(
		'seed %i: every item answered in order, nothing delivered twice, OK means delivered once',
		async (seed) => {
			const random = mulberry32(seed);
			const kinds: Array<[string, Parameters<Simulator['injectFault']>[1]]> = [
				[
					'parallel 420',
					{
						status: 420,
						remaining: 500,
						body: {
							status: 'ERROR',
							errors: [
								{
									code: 'LIMIT_EXCEEDED',
									message: 'Hit rate limit of 4 parallel requests for businessId 1001',
								},
							],
						},
					},
				],
				['500', { status: 500 }],
				['reset after delivery', { process: true, reset: true }],
				['malformed 200 after delivery', { process: true, status: 200, body: 'oops' }],
			];
			// Faults land on calls 1..60 of sendMessageToChat at seeded places (about one in five).
			let after = 0;
			for (let call = 0; call < 60; call++) {
				if (random() < 0.2) {
					const [, fault] = kinds[Math.floor(random() * kinds.length)];
					sim.injectFault('sendMessageToChat', { ...fault, after: call - after });
					after = call + 1;
				}
			}
			const input = Array.from({ length: 60 }, (_, i) => ({
				json: { chatId: 101 + (i % 3), text: `seed ${seed} reply ${i}` },
			}));
			const result = await runNode({
				credentials: { apiKey: SIM_KEYS.communication, baseUrl: sim.url },
				parameters: {
					resource: 'message',
					operation: 'send',
					businessId: business,
					chatId: byId('={{ $json.chatId }}'),
					text: '={{ $json.text }}',
				},
				input,
				onError: 'continueRegularOutput',
			});
			expect(result.error).toBeUndefined();
			// One item out per item in, paired and in order.
			expect(result.items.map((i) => (i.pairedItem as { item: number }).item)).toEqual(
				input.map((_, i) => i),
			);
			const delivered = sim.state.sentMessages.map((m) => m.message);
			expect(new Set(delivered).size).toBe(delivered.length);
			result.items.forEach((item, i) => {
				const text = input[i].json.text;
				if (item.json.error === undefined)
					expect(delivered.filter((t) => t === text)).toHaveLength(1);
				else
					expect(String(item.json.error)).toMatch(
						/did not confirm sendMessageToChat .*may have been delivered/,
					);
			});
			// A send is repeated only after a refusal Market did not process (420).
			const sends = calls('sendMessageToChat');
			const refused = sends.filter((r) => r.status === 420).length;
			expect(sends.length).toBe(60 + refused);
			// The mix was met: refusals repeated, and sends reported as unconfirmed.
			expect(refused).toBeGreaterThan(0);
			expect(result.items.filter((i) => i.json.error !== undefined).length).toBeGreaterThan(0);
		},
	);
});
