/**
 * The trigger's webhook() in n8n-core's WebhookContext, fetching details from the Market
 * simulator: what it answers, when it starts the workflow, and with what.
 */
import type { IDataObject, INodeParameters, INodeProperties } from 'n8n-workflow';
import { version } from '../../package.json';
import { YandexMarketTrigger } from '../../nodes/YandexMarket/YandexMarketTrigger.node';
import { searchBusinesses } from '../../nodes/YandexMarket/listSearch/searchBusinesses';
import { ALL_EVENTS, EVENT_TYPES } from '../../nodes/YandexMarket/trigger/notifications';
import { DETAILS_TIMEOUT_MS, timing } from '../../nodes/YandexMarket/trigger/details';
import { isGoodsEvent } from '../../nodes/YandexMarket/trigger/goods';
import {
	SIM_KEYS,
	createFixtures,
	startSimulator,
	type Fixtures,
	type Simulator,
} from '../simulator/server';
import { replyChecker, sampleNotifications } from './spec';
import { TriggerUnderTest, defaults, type Answer, type TriggerSetup } from './webhookHarness';

const BUSINESS = 1001;
const KEY = SIM_KEYS.communication;
const samples = sampleNotifications();
const checkReply = replyChecker("the webhook's answers against the notification spec");

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
	if (answer.status !== 403) checkReply(body, answer.status, answer.body);
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

/** A delivery Market fails gets 500 UNKNOWN and starts nothing; its redelivery gets 200. */
async function failsThenRedelivered(t: TriggerUnderTest, body: unknown, says: RegExp) {
	const failed = await post(t, body);
	expect(failed.status).toBe(500);
	expect(failed.started).toBe(false);
	expect(failed.body).toEqual({ error: { type: 'UNKNOWN', message: expect.stringMatching(says) } });
	const redelivered = await post(t, body);
	expect(redelivered.status).toBe(200);
	return redelivered;
}

describe('parameters', () => {
	it('default to chat events, buyer messages, details, address check and duplicate check', () => {
		const params = defaults();
		expect(params.events).toEqual(['CHAT_CREATED', 'CHAT_MESSAGE_SENT']);
		expect(params.options).toEqual({});
	});

	it("offer All Events and an optional Business with the list of the key's businesses", () => {
		const { properties } = new YandexMarketTrigger().description;
		const events = properties.find((p) => p.name === 'events')!;
		expect(events.options).toContainEqual(
			expect.objectContaining({ name: 'All Events', value: ALL_EVENTS }),
		);
		const options = properties.find((p) => p.name === 'options')!.options as INodeProperties[];
		const business = options.find((o) => o.name === 'businessId')!;
		expect(business).toMatchObject({ displayName: 'Business', type: 'resourceLocator' });
		expect(business.required).toBe(false);
		expect(JSON.stringify(business.modes)).toContain('searchBusinesses');
		expect(new YandexMarketTrigger().methods.listSearch.searchBusinesses).toBe(searchBusinesses);
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
		['a type that is no name', { notificationType: 42, chatId: 1, businessId: BUSINESS }],
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
		['an order without orderId', { ...samples.ORDER_CREATED, orderId: undefined }],
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
		// Reviews and questions are read from Market: goods.test.ts.
		const others = Object.keys(samples).filter(
			(t) => !['PING', 'CHAT_CREATED', 'CHAT_MESSAGE_SENT'].includes(t) && !isGoodsEvent(t),
		);
		expect(others.length).toBeGreaterThanOrEqual(8);
		const t = trigger({}, {}, others);
		for (const type of others) {
			const answer = await post(t, samples[type]);
			expect(answer.status).toBe(200);
			// Events of a business say where it came from; order events name a store (campaignId).
			const source = 'businessId' in samples[type] ? { businessIdSource: 'notification' } : {};
			expect(answer.items).toEqual([{ ...samples[type], notification: samples[type], ...source }]);
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
				businessIdSource: 'notification',
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
		expect(answer.items).toEqual([
			{ ...body, sender: 'CUSTOMER', notification: body, businessIdSource: 'notification' },
		]);
	});

	it('with every sender allowed and Fetch Details off, Market is not asked at all', async () => {
		const body = messageSent(107, 999999);
		const t = trigger(
			{},
			{ fetchDetails: false, senders: ['CUSTOMER', 'PARTNER', 'MARKET', 'SUPPORT'] },
		);
		const answer = await post(t, body);
		expect(answer.items).toEqual([
			{ ...body, notification: body, businessIdSource: 'notification' },
		]);
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
		expect(answer.items).toEqual([
			{
				...samples.CHAT_CREATED,
				notification: samples.CHAT_CREATED,
				businessIdSource: 'notification',
			},
		]);
		expect(marketCalls()).toHaveLength(0);
	});
});

describe('what Market really sends is taken', () => {
	it('a buyer message without sentAt starts the workflow once with the message, saying sentAt was absent', async () => {
		const msg = sim.addMessage(107, { message: 'Где мой заказ?' });
		const { sentAt: _sentAt, ...body } = messageSent(107, msg.messageId);
		const t = trigger();
		const answer = await post(t, body);
		expect(answer.status).toBe(200);
		expect(answer.items).toEqual([
			{
				...body,
				messageId: msg.messageId,
				createdAt: msg.createdAt,
				sender: 'CUSTOMER',
				message: 'Где мой заказ?',
				notification: body,
				businessIdSource: 'notification',
				absentFields: ['sentAt'],
			},
		]);
		expect((await post(t, { ...body })).started).toBe(false);
	});

	it('a date without an offset is kept as it was sent', async () => {
		const msg = sim.addMessage(107, { message: 'hi' });
		const body = { ...messageSent(107, msg.messageId), sentAt: '2026-03-01T13:00:00' };
		const answer = await post(trigger(), body);
		expect(answer.status).toBe(200);
		expect(answer.items).toHaveLength(1);
		expect(answer.items[0]).toMatchObject({ sentAt: '2026-03-01T13:00:00', notification: body });
		expect(answer.items[0].absentFields).toBeUndefined();
	});

	it('a date without an offset is Moscow time: its redelivery in UTC starts nothing', async () => {
		const t = trigger({}, {}, ['CHAT_ARBITRAGE_STARTED']);
		const moscow = { ...samples.CHAT_ARBITRAGE_STARTED, startedAt: '2026-03-01T13:00:00' };
		expect((await post(t, moscow)).items).toEqual([
			{ ...moscow, notification: moscow, businessIdSource: 'notification' },
		]);
		const utc = { ...moscow, startedAt: '2026-03-01T10:00:00Z' };
		expect((await post(t, utc)).started).toBe(false);
		// 13:00 UTC is another moment: another dispute.
		expect((await post(t, { ...moscow, startedAt: '2026-03-01T13:00:00Z' })).started).toBe(true);
	});

	it('fields and values the spec does not list are kept', async () => {
		const t = trigger({}, {}, ['ORDER_UPDATED']);
		const body = {
			...samples.ORDER_UPDATED,
			updateType: 'PRICE_UPDATED',
			reason: 'SELLER',
			meta: { source: 'new' },
		};
		const answer = await post(t, body);
		expect(answer.status).toBe(200);
		expect(answer.items).toEqual([{ ...body, notification: body }]);
	});

	it('`type`, NEW_MESSAGE and a message ID inside `message` are read as Chat Message Sent', async () => {
		const msg = sim.addMessage(107, { message: 'Где мой заказ?' });
		const body = {
			type: 'NEW_MESSAGE',
			businessId: BUSINESS,
			chatId: '107',
			message: { id: msg.messageId },
		};
		const answer = await post(trigger(), body);
		expect(answer.status).toBe(200);
		expect(answer.items).toEqual([
			expect.objectContaining({
				notificationType: 'CHAT_MESSAGE_SENT',
				businessId: BUSINESS,
				chatId: 107,
				messageId: msg.messageId,
				sender: 'CUSTOMER',
				message: 'Где мой заказ?',
				notification: body,
				absentFields: ['sentAt'],
			}),
		]);
		expect(marketCalls().map((c) => [c.operationId, c.json])).toEqual([
			['getChatHistory', { messageIdFrom: msg.messageId }],
		]);
	});
});

describe('a notification without businessId', () => {
	const withoutBusiness = (chatId: number, messageId: number) => {
		const { businessId: _b, ...body } = messageSent(chatId, messageId);
		return body;
	};
	/** A Market of its own: what a key reaches is learnt per key and Market address. */
	async function market(fixtures?: Fixtures) {
		const own = await startSimulator(fixtures ? { fixtures } : {});
		opened.push(own);
		return own;
	}
	const opened: Simulator[] = [];
	afterEach(async () => {
		await Promise.all(opened.splice(0).map(async (s) => await s.close()));
	});
	const calls = (s: Simulator) => s.requests.map((r) => `${r.operationId} ${r.path}`);
	const business = (id: string, mode = 'list') => ({ businessId: { __rl: true, mode, value: id } });

	it("takes the business of a key that reaches one, learnt once and shared by the key's workflows", async () => {
		const own = await market();
		const credentials = { apiKey: SIM_KEYS.readOnly, baseUrl: own.url };
		const first = own.addMessage(107, { message: 'Где мой заказ?' });
		const body = withoutBusiness(107, first.messageId);
		const answer = await post(trigger({ credentials }), body);
		expect(answer.status).toBe(200);
		expect(answer.items).toEqual([
			expect.objectContaining({
				businessId: BUSINESS,
				businessIdSource: 'credential',
				chatId: 107,
				messageId: first.messageId,
				message: 'Где мой заказ?',
				notification: body,
			}),
		]);
		expect(answer.items[0].absentFields).toBeUndefined();

		const second = own.addMessage(108, { message: 'Ещё вопрос' });
		const next = await post(trigger({ credentials }), withoutBusiness(108, second.messageId));
		expect(next.items[0]).toMatchObject({ businessId: BUSINESS, message: 'Ещё вопрос' });
		expect(calls(own)).toEqual([
			'getCampaigns /v2/campaigns',
			`getChatHistory /v2/businesses/${BUSINESS}/chats/history`,
			`getChatHistory /v2/businesses/${BUSINESS}/chats/history`,
		]);
		expect(own.requests[0].query).toEqual({ page: '1', pageSize: '100' });
	});

	it('several at once ask Market once', async () => {
		const own = await market();
		const t = trigger({ credentials: { apiKey: SIM_KEYS.readOnly, baseUrl: own.url } });
		const messages = [107, 108, 110].map((chatId) => own.addMessage(chatId, { message: 'hi' }));
		const answers = await Promise.all(
			messages.map(async (m) => await post(t, withoutBusiness(m.chatId, m.messageId))),
		);
		expect(answers.map((a) => [a.status, a.items[0]?.businessIdSource])).toEqual(
			messages.map(() => [200, 'credential']),
		);
		expect(own.requests.filter((r) => r.operationId === 'getCampaigns')).toHaveLength(1);
	});

	it.each([
		['From List', 'list', '1002'],
		['By ID', 'id', ' 1002 '],
	])('a key of several businesses: the Business option (%s) tells', async (_mode, mode, value) => {
		const msg = sim.addMessage(201, { message: 'Здравствуйте' });
		const body = withoutBusiness(201, msg.messageId);
		const answer = await post(trigger({}, business(value, mode)), body);
		expect(answer.status).toBe(200);
		expect(answer.items).toEqual([
			expect.objectContaining({
				businessId: 1002,
				businessIdSource: 'option',
				message: 'Здравствуйте',
			}),
		]);
		expect(marketCalls().map((c) => `${c.operationId} ${c.path}`)).toContain(
			'getChatHistory /v2/businesses/1002/chats/history',
		);
	});

	it('the key is asked first; the option counts only when the key does not tell', async () => {
		const own = await market();
		const msg = own.addMessage(107, { message: 'hi' });
		const t = trigger(
			{ credentials: { apiKey: SIM_KEYS.readOnly, baseUrl: own.url } },
			business('1002'),
		);
		const answer = await post(t, withoutBusiness(107, msg.messageId));
		expect(answer.items[0]).toMatchObject({ businessId: BUSINESS, businessIdSource: 'credential' });
	});

	it('the business named in the notification wins over both', async () => {
		const msg = sim.addMessage(107, { message: 'hi' });
		const answer = await post(trigger({}, business('1002')), messageSent(107, msg.messageId));
		expect(answer.items[0]).toMatchObject({
			businessId: BUSINESS,
			businessIdSource: 'notification',
		});
		expect(marketCalls().map((c) => c.operationId)).toEqual(['getChatHistory']);
	});

	it.each([
		[
			'the key reaches several businesses and no Business is set',
			{},
			/several businesses, and the Business option is empty/,
		],
		[
			'the Business option is not an ID',
			business('shop-1', 'id'),
			/the Business option \("shop-1"\) is not a business ID/,
		],
	])('400 WRONG_EVENT_FORMAT naming businessId when %s', async (_what, options, says) => {
		const msg = sim.addMessage(107, { message: 'hi' });
		const answer = await post(trigger({}, options), withoutBusiness(107, msg.messageId));
		expect(answer.status).toBe(400);
		expect(answer.started).toBe(false);
		const { error } = answer.body as { error: { type: string; message: string } };
		expect(error.type).toBe('WRONG_EVENT_FORMAT');
		expect(error.message).toMatch(/^CHAT_MESSAGE_SENT: businessId is required: /);
		expect(error.message).toMatch(says);
		// No message read: at most the key's stores were asked (once per key, so maybe earlier).
		expect(marketCalls().filter((c) => c.operationId !== 'getCampaigns')).toEqual([]);
	});

	it('400 when the key reaches no business', async () => {
		const fixtures = createFixtures();
		fixtures.apiKeys.find((k) => k.key === SIM_KEYS.readOnly)!.businessIds = [];
		const own = await market(fixtures);
		const t = trigger({ credentials: { apiKey: SIM_KEYS.readOnly, baseUrl: own.url } });
		const answer = await post(t, withoutBusiness(107, 107001));
		expect(answer.status).toBe(400);
		expect(JSON.stringify(answer.body)).toContain("the credential's API key reaches no business");
	});

	it('Market cannot say which businesses the key reaches: 500, nothing kept, the redelivery is processed', async () => {
		const own = await market();
		const t = trigger({ credentials: { apiKey: SIM_KEYS.readOnly, baseUrl: own.url } });
		const msg = own.addMessage(107, { message: 'hi' });
		const body = withoutBusiness(107, msg.messageId);
		// More 503s than the transport's retries of a read.
		own.failNext('getCampaigns', 503, 4);
		const redelivered = await failsThenRedelivered(
			t,
			body,
			/^CHAT_MESSAGE_SENT has no businessId.*503.*deliver the notification again/,
		);
		expect(redelivered.items[0]).toMatchObject({
			businessId: BUSINESS,
			businessIdSource: 'credential',
		});
	});

	it('Market cannot say, but the Business option tells: the option is used', async () => {
		const own = await market();
		const credentials = { apiKey: SIM_KEYS.readOnly, baseUrl: own.url };
		own.failNext('getCampaigns', 503, 4);
		const msg = own.addMessage(107, { message: 'hi' });
		const answer = await post(
			trigger({ credentials }, business(String(BUSINESS))),
			withoutBusiness(107, msg.messageId),
		);
		expect(answer.items[0]).toMatchObject({ businessId: BUSINESS, businessIdSource: 'option' });
	});

	it('its redelivery naming the business is the same event', async () => {
		const own = await market();
		const t = trigger({ credentials: { apiKey: SIM_KEYS.readOnly, baseUrl: own.url } });
		const msg = own.addMessage(107, { message: 'hi' });
		expect((await post(t, withoutBusiness(107, msg.messageId))).started).toBe(true);
		expect((await post(t, messageSent(107, msg.messageId))).started).toBe(false);
	});

	it('an event that is not selected is acknowledged without asking Market', async () => {
		const { businessId: _b, ...question } = samples.QUESTION_CREATED;
		const answer = await post(trigger(), question);
		expect(answer.status).toBe(200);
		expect(answer.started).toBe(false);
		expect(marketCalls()).toHaveLength(0);
	});
});

describe('types this release does not know', () => {
	/** Answered 200 as the spec says (SendNotificationResponse), starting nothing. */
	const acknowledgedOnly = (answer: Answer) => {
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({
			version,
			name: 'n8n-nodes-yandex-market',
			time: expect.any(String),
		});
		expect(answer.started).toBe(false);
	};
	const deleted = {
		notificationType: 'CHAT_DELETED',
		businessId: BUSINESS,
		chatId: 107,
		deletedAt: '2026-03-01T13:00:00',
	};

	it.each([
		['by default', undefined],
		['with every known type chosen', EVENT_TYPES],
	])('are acknowledged with 200 and start nothing %s', async (_when, events) => {
		acknowledgedOnly(await post(trigger({}, {}, events), deleted));
		expect(marketCalls()).toHaveLength(0);
	});

	it('with All Events, start the workflow once with the notification as it came', async () => {
		const t = trigger({}, {}, [ALL_EVENTS]);
		const answer = await post(t, deleted);
		expect(answer.status).toBe(200);
		expect(answer.items).toEqual([{ ...deleted, notification: deleted }]);
		expect(marketCalls()).toHaveLength(0);
		// The same notification again is a duplicate; another one is not.
		expect((await post(t, { ...deleted })).started).toBe(false);
		expect((await post(t, { ...deleted, chatId: 108 })).started).toBe(true);
		const aliased = { type: 'REVIEW_HIDDEN', feedbackId: 555 };
		expect((await post(t, aliased)).items).toEqual([
			{ ...aliased, notificationType: 'REVIEW_HIDDEN', notification: aliased },
		]);
	});

	it('All Events takes the known types too, with their details', async () => {
		const t = trigger({}, {}, [ALL_EVENTS]);
		const msg = sim.addMessage(107, { message: 'Где мой заказ?' });
		expect((await post(t, messageSent(107, msg.messageId))).items[0]).toMatchObject({
			message: 'Где мой заказ?',
		});
		expect((await post(t, samples.ORDER_CREATED)).started).toBe(true);
	});

	it('PING keeps its own answer with All Events', async () => {
		acknowledgedOnly(await post(trigger({}, {}, [ALL_EVENTS]), samples.PING));
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
		const redelivered = await failsThenRedelivered(t, body, /Yandex Market answered 503/);
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
