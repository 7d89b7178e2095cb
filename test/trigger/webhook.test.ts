/**
 * The trigger's webhook() in n8n-core's WebhookContext, fetching details from the Market
 * simulator: what it answers, when it starts the workflow, and with what.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { version } from '../../package.json';
import { DETAILS_TIMEOUT_MS, timing } from '../../nodes/YandexMarket/trigger/details';
import { SIM_KEYS, startSimulator, type Simulator } from '../simulator/server';
import { exchange, replyContract, sampleNotifications, specAvailable } from './spec';
import { TriggerUnderTest, defaults, type Answer, type TriggerSetup } from './webhookHarness';

const BUSINESS = 1001;
const KEY = SIM_KEYS.communication;
const samples = sampleNotifications();
const contract = specAvailable() ? replyContract() : null;

let sim: Simulator;
let workflowCounter = 0;

beforeAll(async () => {
	sim = await startSimulator();
});

afterAll(async () => {
	await sim.close();
});

beforeEach(() => {
	sim.reset();
	timing.detailsTimeoutMs = 5000;
});

/** A fresh trigger (its own workflow id, so its own duplicate memory). */
function trigger(setup: TriggerSetup = {}, options: IDataObject = {}, events?: string[]) {
	return new TriggerUnderTest({
		workflowId: `wf-${++workflowCounter}`,
		credentials: { apiKey: KEY, baseUrl: sim.url },
		parameters: { ...(events ? { events } : {}), options: options as INodeParameters },
		...setup,
	});
}

function messageSent(chatId: number, messageId: number | string) {
	return {
		notificationType: 'CHAT_MESSAGE_SENT',
		businessId: BUSINESS,
		chatId,
		messageId: String(messageId),
		sentAt: new Date().toISOString(),
	};
}

/** Every answer must be one the notification spec allows; the API key must never show. */
function checked(answer: Answer, body: unknown): Answer {
	if (contract && answer.status !== 403) {
		expect(contract.validateResponse(exchange(body, answer.status, answer.body))).toEqual([]);
	}
	expect(JSON.stringify([answer.body, answer.items])).not.toContain(KEY);
	return answer;
}

async function post(
	t: TriggerUnderTest,
	body: unknown,
	options?: Parameters<TriggerUnderTest['post']>[1],
) {
	return checked(await t.post(body, options), body);
}

const marketCalls = () => sim.requests.filter((r) => r.operationId !== null);

describe('parameters', () => {
	it('default to chat events, buyer messages, details, address check and duplicate check', () => {
		const params = defaults();
		expect(params.events).toEqual(['CHAT_CREATED', 'CHAT_MESSAGE_SENT']);
		expect(params.options).toEqual({});
	});
});

describe('PING', () => {
	it('is answered by the node with {version, name, time}, starting nothing and calling nothing', async () => {
		const before = Date.now();
		const answer = await post(trigger(), samples.PING);
		expect(answer.status).toBe(200);
		expect(answer.started).toBe(false);
		expect(answer.result.workflowData).toBeUndefined();
		expect(answer.body).toEqual({
			version,
			name: 'n8n-nodes-yandex-market',
			time: expect.any(String),
		});
		const time = Date.parse((answer.body as { time: string }).time);
		expect(time).toBeGreaterThanOrEqual(before - 1);
		expect(time).toBeLessThanOrEqual(Date.now());
		expect((answer.body as { time: string }).time).toMatch(/Z$/);
		expect(answer.ms).toBeLessThan(100);
		expect(marketCalls()).toHaveLength(0);
	});

	it('is answered even when no event is selected', async () => {
		const answer = await post(trigger({}, {}, []), samples.PING);
		expect(answer.status).toBe(200);
	});
});

describe('source address', () => {
	it.each(['5.45.207.1', '141.8.142.127', '5.255.253.0', '::ffff:5.45.207.1'])(
		'%s (Market) passes',
		async (ip) => {
			const answer = await post(trigger(), samples.PING, { ip });
			expect(answer.status).toBe(200);
		},
	);

	it.each(['5.45.207.128', '127.0.0.1', '::1', '203.0.113.5'])(
		'%s gets 403 and starts nothing',
		async (ip) => {
			sim.addMessage(101, { message: 'hi' });
			const answer = await post(trigger(), messageSent(101, 101121), { ip });
			expect(answer.status).toBe(403);
			expect(answer.started).toBe(false);
			expect(answer.body).toEqual({
				error: { type: 'UNKNOWN', message: expect.stringContaining(ip.replace('::ffff:', '')) },
			});
			expect((answer.body as { error: { message: string } }).error.message).toContain(
				'N8N_PROXY_HOPS',
			);
			expect(marketCalls()).toHaveLength(0);
		},
	);

	it('behind a proxy n8n does not trust, says to set N8N_PROXY_HOPS', async () => {
		const answer = await post(trigger(), samples.PING, {
			ip: '10.0.0.2',
			headers: { 'x-forwarded-for': '5.45.207.1' },
		});
		expect(answer.status).toBe(403);
		expect((answer.body as { error: { message: string } }).error.message).toMatch(
			/X-Forwarded-For: 5\.45\.207\.1.*N8N_PROXY_HOPS/,
		);
	});

	it('lets Extra Allowed IPs in, and everyone when the check is off', async () => {
		expect(
			(
				await post(trigger({}, { extraAllowedIps: '203.0.113.0/24' }), samples.PING, {
					ip: '203.0.113.5',
				})
			).status,
		).toBe(200);
		expect(
			(await post(trigger({}, { verifySourceIp: false }), samples.PING, { ip: '203.0.113.5' }))
				.status,
		).toBe(200);
	});
});

describe('malformed notifications get 400 WRONG_EVENT_FORMAT and start nothing', () => {
	it.each([
		['text', 'hello'],
		['an array', [samples.PING]],
		['an empty object', {}],
		['an unknown type', { notificationType: 'CHAT_DELETED', chatId: 1, businessId: BUSINESS }],
		[
			'a message without messageId',
			{
				notificationType: 'CHAT_MESSAGE_SENT',
				chatId: 101,
				businessId: BUSINESS,
				sentAt: '2025-01-01T00:00:00Z',
			},
		],
		['a chat with a text chatId', { ...samples.CHAT_CREATED, chatId: 'abc' }],
		['an order without items', { ...samples.ORDER_CREATED, items: undefined }],
	])('%s', async (_what, body) => {
		const answer = await post(trigger(), body);
		expect(answer.status).toBe(400);
		expect(answer.started).toBe(false);
		expect(answer.body).toEqual({
			error: { type: 'WRONG_EVENT_FORMAT', message: expect.any(String) },
		});
		expect(marketCalls()).toHaveLength(0);
	});
});

describe('events', () => {
	it('an event not selected gets 200 and starts nothing', async () => {
		const answer = await post(trigger(), samples.ORDER_CREATED);
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ name: 'n8n-nodes-yandex-market' });
		expect(answer.started).toBe(false);
	});

	it('every other event type, when selected, starts the workflow with the notification', async () => {
		const others = Object.keys(samples).filter(
			(t) => !['PING', 'CHAT_CREATED', 'CHAT_MESSAGE_SENT'].includes(t),
		);
		const t = trigger({}, {}, others);
		for (const type of others) {
			const answer = await post(t, samples[type]);
			expect(answer.status).toBe(200);
			expect(answer.items).toEqual([{ ...samples[type], notification: samples[type] }]);
		}
		expect(marketCalls()).toHaveLength(0);
	});
});

describe('a buyer message', () => {
	it('starts the workflow with the message, businessId and chatId at the top', async () => {
		const msg = sim.addMessage(107, { message: 'Где мой заказ?' });
		const body = messageSent(107, msg.messageId);
		const answer = await post(trigger(), body);
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({
			version,
			name: 'n8n-nodes-yandex-market',
			time: expect.any(String),
		});
		expect(answer.items).toEqual([
			{
				notificationType: 'CHAT_MESSAGE_SENT',
				businessId: BUSINESS,
				chatId: 107,
				messageId: msg.messageId,
				sentAt: body.sentAt,
				createdAt: msg.createdAt,
				sender: 'CUSTOMER',
				message: 'Где мой заказ?',
				notification: body,
			},
		]);
		// Read from getChatHistory (10,000 an hour), not getChatMessage (1,000 an hour).
		const [call, ...more] = marketCalls();
		expect(more).toEqual([]);
		expect(call.operationId).toBe('getChatHistory');
		expect(call.query).toEqual({ chatId: '107', limit: '1' });
		expect(call.json).toEqual({ messageIdFrom: msg.messageId });
		expect(call.headers['api-key']).toBe(KEY);
		expect(call.status).toBe(200);
	});

	it('carries its files', async () => {
		const msg = sim.addMessage(107, {
			message: 'photo',
			files: [{ name: 'a.jpg', data: 'xyz', contentType: 'image/jpeg' }],
		});
		const answer = await post(trigger(), messageSent(107, msg.messageId));
		expect(answer.items[0].payload).toEqual([
			{ name: 'a.jpg', size: 3, url: expect.stringContaining('/files/') },
		]);
	});

	it('without Fetch Details still comes out only for chosen senders, with the sender', async () => {
		const msg = sim.addMessage(107, { message: 'hi' });
		const body = messageSent(107, msg.messageId);
		const answer = await post(trigger({}, { fetchDetails: false }), body);
		expect(answer.items).toEqual([{ ...body, sender: 'CUSTOMER', notification: body }]);
	});

	it('with every sender allowed and Fetch Details off, Market is not asked at all', async () => {
		const body = messageSent(107, 999999);
		const t = trigger(
			{},
			{ fetchDetails: false, senders: ['CUSTOMER', 'PARTNER', 'MARKET', 'SUPPORT'] },
		);
		const answer = await post(t, body);
		expect(answer.items).toEqual([{ ...body, notification: body }]);
		expect(marketCalls()).toHaveLength(0);
	});
});

describe("the store's own messages (no auto-reply loop)", () => {
	it.each([true, false])(
		'a PARTNER message starts nothing (Fetch Details %s)',
		async (fetchDetails) => {
			const msg = sim.addMessage(107, { sender: 'PARTNER', message: 'We received your message' });
			const answer = await post(trigger({}, { fetchDetails }), messageSent(107, msg.messageId));
			expect(answer.status).toBe(200);
			expect(answer.started).toBe(false);
			expect(marketCalls().map((c) => c.operationId)).toEqual(['getChatHistory']);
		},
	);

	it('MARKET and SUPPORT messages start it only when chosen', async () => {
		const market = sim.addMessage(107, { sender: 'MARKET', message: 'notice' });
		expect((await post(trigger(), messageSent(107, market.messageId))).started).toBe(false);
		const t = trigger({}, { senders: ['CUSTOMER', 'MARKET'] });
		expect((await post(t, messageSent(107, market.messageId))).started).toBe(true);
	});
});

describe('a new chat', () => {
	it('starts the workflow with the chat (context, buyer)', async () => {
		const chat = sim.addChat({ businessId: BUSINESS, contextType: 'ORDER', orderId: 7000101 });
		const body = { ...samples.CHAT_CREATED, chatId: chat.chatId };
		const answer = await post(trigger(), body);
		expect(answer.status).toBe(200);
		expect(answer.items).toHaveLength(1);
		expect(answer.items[0]).toMatchObject({
			notificationType: 'CHAT_CREATED',
			businessId: BUSINESS,
			chatId: chat.chatId,
			type: 'CHAT',
			status: 'NEW',
			context: { type: 'ORDER', orderId: 7000101, customer: expect.any(Object) },
			notification: body,
		});
		expect(marketCalls().map((c) => c.operationId)).toEqual(['getChat']);
	});

	it('without Fetch Details is the notification itself', async () => {
		const answer = await post(trigger({}, { fetchDetails: false }), samples.CHAT_CREATED);
		expect(answer.items).toEqual([{ ...samples.CHAT_CREATED, notification: samples.CHAT_CREATED }]);
		expect(marketCalls()).toHaveLength(0);
	});
});

describe('duplicates', () => {
	it('the same event twice starts the workflow once', async () => {
		const t = trigger();
		const msg = sim.addMessage(107, { message: 'hi' });
		const body = messageSent(107, msg.messageId);
		expect((await post(t, body)).started).toBe(true);
		const again = await post(t, { ...body });
		expect(again.status).toBe(200);
		expect(again.started).toBe(false);
		// Only the first delivery read the message.
		expect(marketCalls()).toHaveLength(1);
	});

	it('near-simultaneous deliveries start it once', async () => {
		const slow = await startSimulator({ latencyMs: 150 });
		try {
			const t = trigger({ credentials: { apiKey: KEY, baseUrl: slow.url } });
			const msg = slow.addMessage(107, { message: 'hi' });
			const body = messageSent(107, msg.messageId);
			const answers = await Promise.all([
				post(t, body),
				post(t, { ...body }),
				post(t, { ...body }),
			]);
			expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
			expect(answers.filter((a) => a.started)).toHaveLength(1);
		} finally {
			await slow.close();
		}
	});

	it('when off, every delivery starts it', async () => {
		const t = trigger({}, { ignoreDuplicates: false });
		const msg = sim.addMessage(107, { message: 'hi' });
		const body = messageSent(107, msg.messageId);
		expect((await post(t, body)).started).toBe(true);
		expect((await post(t, body)).started).toBe(true);
	});

	it('are remembered in static data, so a redelivery after a restart starts nothing', async () => {
		const msg = sim.addMessage(107, { message: 'hi' });
		const body = messageSent(107, msg.messageId);
		const before = trigger({ workflowId: 'wf-restart-a' });
		expect((await post(before, body)).started).toBe(true);
		const key = `CHAT_MESSAGE_SENT|${BUSINESS}|107|${msg.messageId}`;
		expect(Object.keys((before.staticData.recentEvents as object) ?? {})).toEqual([key]);
		// Another process (empty memory) with the saved static data.
		const saved = JSON.parse(JSON.stringify(before.workflow.staticData)) as IDataObject;
		const after = trigger({ workflowId: 'wf-restart-b', staticData: saved });
		expect((await post(after, body)).started).toBe(false);
	});

	it('every call that starts nothing writes the list again (n8n 2.41 drops the change of a call that starts a run)', async () => {
		const t = trigger({ workflowId: 'wf-resync' });
		const msg = sim.addMessage(107, { message: 'hi' });
		expect((await post(t, messageSent(107, msg.messageId))).started).toBe(true);
		// What n8n 2.41 keeps of that call: nothing.
		delete t.staticData.recentEvents;
		const echo = sim.addMessage(107, { sender: 'PARTNER', message: 'We received your message' });
		expect((await post(t, messageSent(107, echo.messageId))).started).toBe(false);
		expect(Object.keys((t.staticData.recentEvents ?? {}) as object)).toEqual([
			`CHAT_MESSAGE_SENT|${BUSINESS}|107|${msg.messageId}`,
		]);
		// An event that is not selected does it too.
		delete t.staticData.recentEvents;
		await post(t, samples.ORDER_CREATED);
		expect(Object.keys((t.staticData.recentEvents ?? {}) as object)).toHaveLength(1);
	});

	it('test runs do not mark events of the published workflow', async () => {
		const msg = sim.addMessage(107, { message: 'hi' });
		const body = messageSent(107, msg.messageId);
		const id = 'wf-modes';
		expect((await post(trigger({ workflowId: id, mode: 'manual' }), body)).started).toBe(true);
		expect((await post(trigger({ workflowId: id, mode: 'webhook' }), body)).started).toBe(true);
	});
});

describe('details Market cannot give get 500, so Market delivers again', () => {
	it('a Market error: 500 UNKNOWN, nothing starts, the redelivery is processed', async () => {
		const t = trigger();
		const msg = sim.addMessage(107, { message: 'hi' });
		const body = messageSent(107, msg.messageId);
		// More 503s than the transport's retries of a read.
		sim.failNext('getChatHistory', 503, 4);
		const failed = await post(t, body);
		expect(failed.status).toBe(500);
		expect(failed.started).toBe(false);
		expect(failed.body).toEqual({
			error: { type: 'UNKNOWN', message: expect.stringContaining('Yandex Market answered 503') },
		});
		const redelivered = await post(t, body);
		expect(redelivered.status).toBe(200);
		expect(redelivered.started).toBe(true);
	});

	it('a bad API key: 500 without the key in the message', async () => {
		const t = trigger({
			credentials: { apiKey: 'ACMA:wrong-key-that-must-not-leak', baseUrl: sim.url },
		});
		const answer = await post(t, messageSent(107, 107001));
		expect(answer.status).toBe(500);
		expect(JSON.stringify(answer.body)).not.toContain('wrong-key-that-must-not-leak');
		expect(JSON.stringify(answer.body)).toContain('401');
	});

	it('no answer in time: 500 within the budget', async () => {
		const slow = await startSimulator({ latencyMs: 1500 });
		try {
			timing.detailsTimeoutMs = 300;
			const t = trigger({ credentials: { apiKey: KEY, baseUrl: slow.url } });
			const msg = slow.addMessage(107, { message: 'hi' });
			const answer = await post(t, messageSent(107, msg.messageId));
			expect(answer.status).toBe(500);
			expect(answer.ms).toBeLessThan(1000);
			expect((answer.body as { error: { message: string } }).error.message).toContain(
				'no answer within the timeout',
			);
			// Not recorded as seen: the redelivery is processed once Market answers.
			timing.detailsTimeoutMs = 5000;
			expect((await post(t, messageSent(107, msg.messageId))).started).toBe(true);
		} finally {
			await slow.close();
		}
	});

	it('Market unreachable: 500', async () => {
		const t = trigger({ credentials: { apiKey: KEY, baseUrl: 'http://127.0.0.1:9' } });
		const answer = await post(t, messageSent(107, 107001));
		expect(answer.status).toBe(500);
		expect((answer.body as { error: { message: string } }).error.message).toContain(
			'Could not reach Yandex Market',
		);
	});

	it("with the default budget, a Market that does not answer gets a 500 well within Market's 10 s", async () => {
		const silent = await startSimulator({ latencyMs: 9500 });
		try {
			timing.detailsTimeoutMs = DETAILS_TIMEOUT_MS;
			const t = trigger({ credentials: { apiKey: KEY, baseUrl: silent.url } });
			const answer = await post(
				t,
				messageSent(107, silent.addMessage(107, { message: 'hi' }).messageId),
			);
			expect(answer.status).toBe(500);
			// Gives up at the budget, leaving n8n the rest of Market's 10 s to answer.
			expect(answer.ms).toBeLessThan(DETAILS_TIMEOUT_MS + 1500);
			expect(DETAILS_TIMEOUT_MS + 1500).toBeLessThanOrEqual(8500);
		} finally {
			await silent.close();
		}
	}, 15_000);
});

describe('the URL to paste into Market', () => {
	it('GET of it explains what it is', async () => {
		const answer = await trigger().post(undefined, { method: 'GET', ip: '198.51.100.1' });
		expect(answer.status).toBe(200);
		expect(answer.started).toBe(false);
		expect(JSON.stringify(answer.body)).toContain('/notification');
	});
});

describe("the detail read against Market's limits and faults", () => {
	const history = () => sim.requests.filter((r) => r.operationId === 'getChatHistory');
	const single = () => sim.requests.filter((r) => r.operationId === 'getChatMessage');

	async function buyerMessage() {
		const msg = sim.addMessage(107, { message: 'Где мой заказ?' });
		return { msg, answer: await post(trigger(), messageSent(107, msg.messageId)) };
	}

	it("getChatHistory's quota spent: the message is read from getChatMessage, the run starts", async () => {
		sim.spendQuotaUntil('getChatHistory', Date.now() + 50 * 60_000);
		const { msg, answer } = await buyerMessage();
		expect(answer.status).toBe(200);
		expect(answer.started).toBe(true);
		expect(answer.items[0].message).toBe('Где мой заказ?');
		expect(answer.items[0].messageId).toBe(msg.messageId);
		expect(history().map((r) => r.status)).toEqual([420]);
		expect(single().map((r) => r.status)).toEqual([200]);
	});

	it('the spent window is remembered: the next notification goes straight to getChatMessage', async () => {
		sim.spendQuotaUntil('getChatHistory', Date.now() + 50 * 60_000);
		await buyerMessage();
		const { answer } = await buyerMessage();
		expect(answer.started).toBe(true);
		expect(history()).toHaveLength(1);
		expect(single()).toHaveLength(2);
	});

	it('getChatMessage spent, getChatHistory not: history serves it, no 500', async () => {
		sim.spendQuotaUntil('getChatMessage', Date.now() + 50 * 60_000);
		const { answer } = await buyerMessage();
		expect(answer.started).toBe(true);
		expect(single()).toHaveLength(0);
	});

	it('both buckets spent: 500, nothing starts, Market delivers again', async () => {
		sim.spendQuotaUntil('getChatHistory', Date.now() + 50 * 60_000);
		sim.spendQuotaUntil('getChatMessage', Date.now() + 50 * 60_000);
		const { answer } = await buyerMessage();
		expect(answer.status).toBe(500);
		expect(answer.started).toBe(false);
		expect(JSON.stringify(answer.body)).toMatch(/hourly limit for getChatMessage/);
	});

	it.each([
		[
			'a parallel-limit 420',
			{
				status: 420,
				remaining: 900,
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
		['a 500', { status: 500 }],
		['a dropped connection', { reset: true }],
		['malformed JSON', { status: 200, body: '<html>oops</html>' }],
	] as const)(
		'%s on the read: repeated within the budget, the run starts',
		async (_name, fault) => {
			sim.injectFault('getChatHistory', fault);
			const { answer } = await buyerMessage();
			expect(answer.status).toBe(200);
			expect(answer.started).toBe(true);
			expect(history()).toHaveLength(2);
		},
	);
});
