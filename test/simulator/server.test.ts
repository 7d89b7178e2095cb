/**
 * The simulator's endpoints, limits, paging, auth, quotas and parallelism.
 * After every test, each reply the simulator gave is checked against the
 * OpenAPI contract, and each request that got a 2xx is checked too: the
 * simulator must not accept what the spec rejects.
 */
import { loadContract } from '../contract/openapi';
import { noteContract, specsFor } from '../contract/specs';
import {
	FIXTURE_FACTS,
	MAX_FILE_BYTES,
	SIM_KEYS,
	startSimulator,
	type Simulator,
	type SimulatorOptions,
} from './server';
import { call, exchangeProblems, expectError, type CallOptions } from './testing';

const contract = specsFor("the simulator's replies against the partner spec")
	? loadContract()
	: undefined;

const B = FIXTURE_FACTS.businesses.demo;
const chats = (sim: Simulator, query = '', body: unknown = {}, opts: CallOptions = {}) =>
	call(sim, 'POST', `/v2/businesses/${B}/chats${query}`, { body, ...opts });
const history = (
	sim: Simulator,
	chatId: number | string,
	query = '',
	body: unknown = {},
	opts: CallOptions = {},
) =>
	call(sim, 'POST', `/v2/businesses/${B}/chats/history?chatId=${chatId}${query}`, {
		body,
		...opts,
	});
const send = (sim: Simulator, chatId: number | string, message: unknown, opts: CallOptions = {}) =>
	call(sim, 'POST', `/v2/businesses/${B}/chats/message?chatId=${chatId}`, {
		body: { message },
		...opts,
	});

function fileForm(
	data: Buffer,
	filename = 'photo.jpg',
	type = 'image/jpeg',
	field = 'file',
): FormData {
	const fd = new FormData();
	fd.append(field, new Blob([new Uint8Array(data)], { type }), filename);
	return fd;
}

let checked = 0;

/** Every reply (and every accepted request) of the test against the spec. */
function checkContract(sim: Simulator) {
	if (!contract) return;
	const { problems, count } = exchangeProblems(contract, sim.requests);
	checked += count;
	expect(problems).toEqual([]);
}

// Tells jest.config.js's summary reporter how many exchanges were checked (-1: none).
afterAll(() => noteContract(contract ? checked : -1));

let sim: Simulator;

function useSimulator(opts: SimulatorOptions = {}) {
	beforeAll(async () => {
		sim = await startSimulator(opts);
	});
	afterAll(async () => {
		await sim.close();
	});
	beforeEach(() => {
		sim.reset();
		// These tests describe the default order, whatever YM_SIM_CHAT_ORDER says.
		sim.chatOrder = opts.chatOrder ?? 'activity';
	});
	afterEach(() => checkContract(sim));
}

describe('simulator', () => {
	useSimulator();

	describe('POST /v2/auth/token', () => {
		it.each([
			['communication', SIM_KEYS.communication, ['COMMUNICATION']],
			['allMethods', SIM_KEYS.allMethods, ['ALL_METHODS']],
			['readOnly', SIM_KEYS.readOnly, ['ALL_METHODS_READ_ONLY']],
			['noChatScope', SIM_KEYS.noChatScope, ['PRICING']],
		])('reports the scopes of the %s key', async (_, key, scopes) => {
			const res = await call(sim, 'POST', '/v2/auth/token', { key });
			expect(res.status).toBe(200);
			expect(res.body.status).toBe('OK');
			expect(res.body.result.apiKey.authScopes).toEqual(scopes);
			expect(res.body.result.apiKey.name).toEqual(expect.any(String));
		});

		it('401 without an Api-Key or with an unknown one', async () => {
			expectError(
				await call(sim, 'POST', '/v2/auth/token', { key: null }),
				401,
				'UNAUTHORIZED',
				/Api-Key/,
			);
			expectError(await call(sim, 'POST', '/v2/auth/token', { key: 'nope' }), 401, 'UNAUTHORIZED');
			expectError(
				await call(sim, 'POST', '/v2/auth/token', {
					key: null,
					headers: { Authorization: 'Bearer x' },
				}),
				401,
				'UNAUTHORIZED',
				/OAuth/,
			);
		});
	});

	describe('GET /v2/campaigns', () => {
		it('lists the campaigns of the businesses the key owns, with pager', async () => {
			const res = await call(sim, 'GET', '/v2/campaigns');
			expect(res.status).toBe(200);
			expect(res.body.campaigns.map((c: any) => [c.id, c.business.id, c.business.name])).toEqual([
				[2001, 1001, 'Demo Store'],
				[2002, 1001, 'Demo Store'],
				[2101, 1002, 'Second Store'],
			]);
			expect(res.body.pager).toEqual({
				total: 3,
				from: 1,
				to: 3,
				currentPage: 1,
				pagesCount: 1,
				pageSize: 50,
			});
			const readOnly = await call(sim, 'GET', '/v2/campaigns', { key: SIM_KEYS.readOnly });
			expect(readOnly.body.campaigns.map((c: any) => c.id)).toEqual([2001, 2002]);
		});

		it('pages with page/pageSize and with pageToken/limit', async () => {
			const p2 = await call(sim, 'GET', '/v2/campaigns?page=2&pageSize=2');
			expect(p2.body.campaigns.map((c: any) => c.id)).toEqual([2101]);
			expect(p2.body.pager).toMatchObject({
				total: 3,
				from: 3,
				to: 3,
				currentPage: 2,
				pagesCount: 2,
			});

			const first = await call(sim, 'GET', '/v2/campaigns?limit=2');
			expect(first.body.campaigns.map((c: any) => c.id)).toEqual([2001, 2002]);
			const token = first.body.paging.nextPageToken;
			expect(token).toEqual(expect.any(String));
			const second = await call(
				sim,
				'GET',
				`/v2/campaigns?limit=2&pageToken=${encodeURIComponent(token)}`,
			);
			expect(second.body.campaigns.map((c: any) => c.id)).toEqual([2101]);
			expect(second.body.paging.nextPageToken).toBeUndefined();
		});

		it('rejects pageSize > 100 and limit > 100', async () => {
			expectError(
				await call(sim, 'GET', '/v2/campaigns?pageSize=101'),
				400,
				'BAD_REQUEST',
				/pageSize/,
			);
			expectError(await call(sim, 'GET', '/v2/campaigns?limit=101'), 400, 'BAD_REQUEST', /limit/);
			expect((await call(sim, 'GET', '/v2/campaigns?pageSize=100')).status).toBe(200);
		});

		it('is allowed for a key without chat scopes', async () => {
			const res = await call(sim, 'GET', '/v2/campaigns', { key: SIM_KEYS.noChatScope });
			expect(res.status).toBe(200);
		});
	});

	describe('POST /v2/businesses/{businessId}/chats', () => {
		it('returns 10 chats by default, most recently updated first', async () => {
			const res = await chats(sim);
			expect(res.status).toBe(200);
			const list = res.body.result.chats;
			expect(list).toHaveLength(10);
			const times = list.map((c: any) => Date.parse(c.updatedAt));
			expect([...times].sort((a, b) => b - a)).toEqual(times);
			expect(res.body.result.paging.nextPageToken).toEqual(expect.any(String));
			expect(list[0]).toEqual({
				chatId: 101,
				orderId: 7000101,
				context: {
					type: 'ORDER',
					customer: { name: expect.any(String), publicId: 'sim-public-101' },
					campaignId: 2001,
					orderId: 7000101,
				},
				type: 'CHAT',
				status: 'WAITING_FOR_PARTNER',
				createdAt: expect.stringMatching(/^2026-11-\d\dT\d\d:\d\d:\d\d\+03:00$/),
				updatedAt: '2026-11-20T18:00:00+03:00',
			});
		});

		it('walks all 45 chats in 3 pages of 20 with opaque tokens', async () => {
			const seen: number[] = [];
			let token: string | undefined;
			let requests = 0;
			do {
				const q = `?limit=20${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`;
				const res = await chats(sim, q);
				expect(res.status).toBe(200);
				requests++;
				seen.push(...res.body.result.chats.map((c: any) => c.chatId));
				token = res.body.result.paging.nextPageToken;
				if (token) {
					// Opaque: nothing a client could edit meaningfully.
					expect(token).not.toMatch(/^\d+$/);
				}
			} while (token);
			expect(requests).toBe(3);
			expect(seen).toHaveLength(45);
			expect(new Set(seen).size).toBe(45);
		});

		async function listAll(): Promise<any[]> {
			const all: any[] = [];
			let token: string | undefined;
			do {
				const q = `?limit=20${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`;
				const res = await chats(sim, q);
				expect(res.status).toBe(200);
				all.push(...res.body.result.chats);
				token = res.body.result.paging.nextPageToken;
			} while (token);
			return all;
		}

		it.each([
			['creation', (a: any, b: any) => Date.parse(b.createdAt) - Date.parse(a.createdAt)],
			['idAsc', (a: any, b: any) => a.chatId - b.chatId],
		] as const)(
			'lists by %s when told to, every chat once across pages',
			async (order, compare) => {
				sim.chatOrder = order;
				const all = await listAll();
				expect(all).toHaveLength(45);
				expect(all.map((c) => c.chatId)).toEqual(
					[...all].sort((a, b) => compare(a, b) || b.chatId - a.chatId).map((c) => c.chatId),
				);
			},
		);

		it('shuffled: a new order for every listing, and its pages follow it even when a chat becomes active between them', async () => {
			sim.chatOrder = 'shuffled';
			const first = (await listAll()).map((c) => c.chatId);
			const second = (await listAll()).map((c) => c.chatId);
			expect(new Set(first).size).toBe(45);
			expect(second).not.toEqual(first);
			expect([...second].sort()).toEqual([...first].sort());
			const page = await chats(sim, '?limit=20');
			sim.addMessage(page.body.result.chats[0].chatId, { message: 'between pages' });
			let token = page.body.result.paging.nextPageToken;
			const seen = page.body.result.chats.map((c: any) => c.chatId);
			while (token) {
				const res = await chats(sim, `?limit=20&pageToken=${encodeURIComponent(token)}`);
				seen.push(...res.body.result.chats.map((c: any) => c.chatId));
				token = res.body.result.paging.nextPageToken;
			}
			expect(new Set(seen).size).toBe(45);
		});

		it('rejects tampered tokens and tokens issued for other filters', async () => {
			const first = await chats(sim, '?limit=5', { statuses: ['FINISHED'] });
			const token: string = first.body.result.paging.nextPageToken;
			const tampered = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
			expectError(
				await chats(sim, `?limit=5&pageToken=${encodeURIComponent(tampered)}`, {
					statuses: ['FINISHED'],
				}),
				400,
				'BAD_REQUEST',
				/pageToken/,
			);
			expectError(
				await chats(sim, '?pageToken=not-a-token', { statuses: ['FINISHED'] }),
				400,
				'BAD_REQUEST',
				/pageToken/,
			);
			expectError(
				await chats(sim, `?limit=5&pageToken=${encodeURIComponent(token)}`, { statuses: ['NEW'] }),
				400,
				'BAD_REQUEST',
				/pageToken/,
			);
			const again = await chats(sim, `?limit=5&page_token=${encodeURIComponent(token)}`, {
				statuses: ['FINISHED'],
			});
			expect(again.status).toBe(200);
			expect(again.body.result.chats.map((c: any) => c.status)).toEqual(Array(5).fill('FINISHED'));
		});

		it('treats filters as sets: the same filters in another order keep the token valid', async () => {
			const first = await chats(sim, '?limit=3', { statuses: ['NEW', 'FINISHED'] });
			const token = first.body.result.paging.nextPageToken;
			const next = await chats(sim, `?limit=3&pageToken=${encodeURIComponent(token)}`, {
				statuses: ['FINISHED', 'NEW'],
			});
			expect(next.status).toBe(200);
		});

		it.each([
			[{ statuses: ['WAITING_FOR_PARTNER'] }, 9],
			[{ statuses: ['NEW', 'FINISHED'] }, 19],
			[{ contextTypes: ['RETURN'] }, 8],
			[{ contextTypes: ['DIRECT'] }, 7],
			[{ types: ['ARBITRAGE'] }, 5],
			[{ contexts: [{ type: 'ORDER', id: 7000110 }] }, 1],
			[
				{
					contexts: [
						{ type: 'RETURN', id: 880109 },
						{ type: 'ORDER', id: 7000101 },
					],
				},
				2,
			],
			[{ orderIds: [7000101, 7000109] }, 2],
			[{ statuses: ['WAITING_FOR_PARTNER'], contextTypes: ['ORDER'] }, 6],
			[{ statuses: null, types: null }, 45],
		])('filters %j → %i chats', async (filter, count) => {
			const res = await chats(sim, '?limit=20', filter);
			expect(res.status).toBe(200);
			let total = res.body.result.chats.length;
			let token = res.body.result.paging.nextPageToken;
			while (token) {
				const next = await chats(sim, `?limit=20&pageToken=${encodeURIComponent(token)}`, filter);
				total += next.body.result.chats.length;
				token = next.body.result.paging.nextPageToken;
			}
			expect(total).toBe(count);
		});

		it.each([
			['?limit=21', {}, /limit/],
			['?limit=0', {}, /limit/],
			['?limit=abc', {}, /limit/],
			['', { statuses: [] }, /statuses/],
			['', { statuses: ['OPEN'] }, /statuses\[0\]/],
			['', { statuses: ['NEW', 'NEW'] }, /duplicates/],
			['', { types: 'CHAT' }, /types/],
			['', { contextTypes: ['CHAT'] }, /contextTypes/],
			['', { contexts: [{ type: 'DIRECT', id: 1 }] }, /contexts\[0\]\.type/],
			['', { contexts: [{ type: 'ORDER', id: 0 }] }, /contexts\[0\]\.id/],
			['', { orderIds: ['7000101'] }, /orderIds\[0\]/],
		])('400 for %s %j', async (query, body, message) => {
			expectError(await chats(sim, query, body), 400, 'BAD_REQUEST', message);
		});

		it('400 for a missing body, bad JSON, a non-object or a non-JSON content type', async () => {
			expectError(
				await call(sim, 'POST', `/v2/businesses/${B}/chats`),
				400,
				'BAD_REQUEST',
				/body is required/,
			);
			expectError(
				await chats(sim, '', undefined, { rawBody: '{"statuses":' }),
				400,
				'BAD_REQUEST',
				/not valid JSON/,
			);
			expectError(
				await chats(sim, '', undefined, { rawBody: '[]' }),
				400,
				'BAD_REQUEST',
				/JSON object/,
			);
			expectError(
				await chats(sim, '', undefined, {
					rawBody: 'statuses=NEW',
					contentType: 'application/x-www-form-urlencoded',
				}),
				400,
				'UNSUPPORTED_MEDIA_TYPE',
			);
		});

		it('serves business 1002 its own 5 chats', async () => {
			const res = await call(sim, 'POST', '/v2/businesses/1002/chats?limit=20', { body: {} });
			expect(res.body.result.chats.map((c: any) => c.chatId).sort()).toEqual([
				201, 202, 203, 204, 205,
			]);
		});
	});

	describe('POST /v2/businesses/{businessId}/chats/new', () => {
		const create = (body: unknown, opts: CallOptions = {}) =>
			call(sim, 'POST', `/v2/businesses/${B}/chats/new`, { body, ...opts });

		it('returns the existing chat of an order or a return', async () => {
			const order = await create({
				context: { type: 'ORDER', id: FIXTURE_FACTS.demoOrderWithChat.orderId },
			});
			expect(order.body).toEqual({
				status: 'OK',
				result: { chatId: FIXTURE_FACTS.demoOrderWithChat.chatId },
			});
			const ret = await create({
				context: { type: 'RETURN', id: FIXTURE_FACTS.demoReturnWithChat.returnId },
			});
			expect(ret.body.result.chatId).toBe(FIXTURE_FACTS.demoReturnWithChat.chatId);
			expect(sim.state.createdChats).toEqual([]);
		});

		it('creates a chat for an order without one, once', async () => {
			const orderId = FIXTURE_FACTS.demoOrdersWithoutChat[0];
			const res = await create({ context: { type: 'ORDER', id: orderId } });
			expect(res.status).toBe(200);
			const chatId = res.body.result.chatId;
			expect(chatId).toBe(FIXTURE_FACTS.firstCreatedChatId);
			expect((await create({ context: { type: 'ORDER', id: orderId } })).body.result.chatId).toBe(
				chatId,
			);
			expect(sim.state.createdChats).toEqual([
				{ businessId: B, chatId, context: { type: 'ORDER', id: orderId } },
			]);

			const chat = await call(sim, 'GET', `/v2/businesses/${B}/chat?chatId=${chatId}`);
			expect(chat.body.result).toMatchObject({
				chatId,
				status: 'NEW',
				type: 'CHAT',
				context: { type: 'ORDER', orderId, campaignId: 2001 },
			});
			const found = await chats(sim, '', { contexts: [{ type: 'ORDER', id: orderId }] });
			expect(found.body.result.chats.map((c: any) => c.chatId)).toEqual([chatId]);
		});

		it('creates a RETURN chat for a known return and accepts the deprecated orderId', async () => {
			const { returnId, orderId } = FIXTURE_FACTS.demoReturnsWithoutChat[0];
			const ret = await create({ context: { type: 'RETURN', id: returnId } });
			expect(ret.status).toBe(200);
			const chat = await call(
				sim,
				'GET',
				`/v2/businesses/${B}/chat?chatId=${ret.body.result.chatId}`,
			);
			expect(chat.body.result.context).toMatchObject({ type: 'RETURN', returnId, orderId });

			const legacy = await create({ orderId: FIXTURE_FACTS.demoOrdersWithoutChat[1] });
			expect(legacy.status).toBe(200);
			expect(legacy.body.result.chatId).toBe(ret.body.result.chatId + 1);
		});

		it('404 for orders and returns the business does not have', async () => {
			expectError(
				await create({ context: { type: 'ORDER', id: FIXTURE_FACTS.unknownOrderId } }),
				404,
				'NOT_FOUND',
				/Order/,
			);
			expectError(
				await create({ context: { type: 'RETURN', id: FIXTURE_FACTS.unknownReturnId } }),
				404,
				'NOT_FOUND',
				/Return/,
			);
			// An order of business 1002 is unknown to 1001.
			expectError(
				await create({ context: { type: 'ORDER', id: FIXTURE_FACTS.secondOrdersWithoutChat[0] } }),
				404,
				'NOT_FOUND',
			);
			// A return id is not an order id.
			expectError(
				await create({ context: { type: 'RETURN', id: FIXTURE_FACTS.demoOrdersWithoutChat[0] } }),
				404,
				'NOT_FOUND',
			);
		});

		it.each([
			[{}, /context/],
			[{ context: { type: 'DIRECT', id: 1 } }, /DIRECT/],
			[{ context: { type: 'ORDER' } }, /context\.id/],
			[{ context: { type: 'ORDER', id: 0 } }, /context\.id/],
			[{ context: { type: 'ORDER', id: 7000901 }, orderId: 7000902 }, /contradicts/],
		])('400 for %j', async (body, message) => {
			expectError(await create(body), 400, 'BAD_REQUEST', message);
		});

		it('403 for a read-only key', async () => {
			expectError(
				await create({ context: { type: 'ORDER', id: 7000901 } }, { key: SIM_KEYS.readOnly }),
				403,
				'FORBIDDEN',
				/createChat/,
			);
		});
	});

	describe('GET /v2/businesses/{businessId}/chat', () => {
		it('returns a chat, 404 for unknown ones and chats of other businesses', async () => {
			const res = await call(sim, 'GET', `/v2/businesses/${B}/chat?chatId=107`);
			expect(res.body.status).toBe('OK');
			expect(res.body.result).toMatchObject({
				chatId: 107,
				context: { type: 'DIRECT' },
				status: 'WAITING_FOR_PARTNER',
			});
			expect(res.body.result.orderId).toBeUndefined();
			expect(res.body.result.context.campaignId).toBeUndefined();
			expectError(
				await call(sim, 'GET', `/v2/businesses/${B}/chat?chatId=${FIXTURE_FACTS.unknownChatId}`),
				404,
				'NOT_FOUND',
			);
			expectError(await call(sim, 'GET', `/v2/businesses/${B}/chat?chatId=201`), 404, 'NOT_FOUND');
		});

		it.each(['chatId=0', 'chatId=abc', 'chatId=-1', 'chatId=1.5', ''])(
			'400 naming chatId for "%s"',
			async (q) => {
				expectError(
					await call(sim, 'GET', `/v2/businesses/${B}/chat?${q}`),
					400,
					'BAD_REQUEST',
					/chatId/,
				);
			},
		);
	});

	describe('POST /v2/businesses/{businessId}/chats/history', () => {
		const long = FIXTURE_FACTS.longChat;

		it('returns context and the first 50 messages, oldest first', async () => {
			const res = await history(sim, long.chatId);
			expect(res.status).toBe(200);
			const { context, messages, paging } = res.body.result;
			expect(context).toMatchObject({ type: 'ORDER', orderId: 7000101, campaignId: 2001 });
			expect(messages).toHaveLength(50);
			expect(messages[0].messageId).toBe(long.firstMessageId);
			const ids = messages.map((m: any) => m.messageId);
			expect([...ids].sort((a, b) => a - b)).toEqual(ids);
			expect(paging.nextPageToken).toEqual(expect.any(String));
		});

		it('pages through 120 messages as 50 + 50 + 20', async () => {
			const sizes: number[] = [];
			const ids: number[] = [];
			let token: string | undefined;
			do {
				const res = await history(
					sim,
					long.chatId,
					token ? `&pageToken=${encodeURIComponent(token)}` : '',
				);
				sizes.push(res.body.result.messages.length);
				ids.push(...res.body.result.messages.map((m: any) => m.messageId));
				token = res.body.result.paging.nextPageToken;
			} while (token);
			expect(sizes).toEqual([50, 50, 20]);
			expect(ids[ids.length - 1]).toBe(long.lastMessageId);
			expect(new Set(ids).size).toBe(long.messageCount);
		});

		it('limits: 100 ok, 101 and 0 → 400', async () => {
			expect((await history(sim, long.chatId, '&limit=100')).body.result.messages).toHaveLength(
				100,
			);
			expectError(await history(sim, long.chatId, '&limit=101'), 400, 'BAD_REQUEST', /limit/);
			expectError(await history(sim, long.chatId, '&limit=0'), 400, 'BAD_REQUEST', /limit/);
		});

		it('messageIdFrom returns that message and the later ones', async () => {
			const res = await history(sim, long.chatId, '&limit=100', {
				messageIdFrom: long.lastMessageId - 2,
			});
			expect(res.body.result.messages.map((m: any) => m.messageId)).toEqual([
				long.lastMessageId - 2,
				long.lastMessageId - 1,
				long.lastMessageId,
			]);
			expect(res.body.result.paging.nextPageToken).toBeUndefined();

			const paged = await history(sim, long.chatId, '&limit=5', { messageIdFrom: 101050 });
			expect(paged.body.result.messages[0].messageId).toBe(101050);
			const next = await history(
				sim,
				long.chatId,
				`&limit=5&pageToken=${encodeURIComponent(paged.body.result.paging.nextPageToken)}`,
				{ messageIdFrom: 101050 },
			);
			expect(next.body.result.messages[0].messageId).toBe(101055);

			const none = await history(sim, long.chatId, '', { messageIdFrom: long.lastMessageId + 1 });
			expect(none.body.result.messages).toEqual([]);
		});

		it('includes payload-only messages', async () => {
			const res = await history(sim, long.chatId, '&limit=100');
			const withFiles = res.body.result.messages.filter((m: any) => m.payload);
			expect(withFiles.length).toBeGreaterThan(0);
			for (const m of withFiles) {
				expect(m.message).toBeUndefined();
				expect(m.payload[0]).toEqual({
					name: expect.any(String),
					size: expect.any(Number),
					url: expect.stringContaining(sim.url),
				});
			}
			const file = await fetch(withFiles[0].payload[0].url);
			expect(file.status).toBe(200);
			expect((await file.arrayBuffer()).byteLength).toBe(withFiles[0].payload[0].size);
			expect(sim.state.downloads).toHaveLength(1);
			expect(sim.requests.some((r) => r.path.startsWith('/files/'))).toBe(false);
			expect((await fetch(`${sim.url}/files/nope`)).status).toBe(404);
		});

		it('400 for bad chatId/messageIdFrom/tokens of another chat, 404 for unknown chats', async () => {
			expectError(await history(sim, 0), 400, 'BAD_REQUEST', /chatId/);
			expectError(await history(sim, 'abc'), 400, 'BAD_REQUEST', /chatId/);
			expectError(
				await history(sim, long.chatId, '', { messageIdFrom: 0 }),
				400,
				'BAD_REQUEST',
				/messageIdFrom/,
			);
			expectError(
				await history(sim, long.chatId, '', { messageIdFrom: '5' }),
				400,
				'BAD_REQUEST',
				/messageIdFrom/,
			);
			expectError(await history(sim, FIXTURE_FACTS.unknownChatId), 404, 'NOT_FOUND');
			const token = (await history(sim, long.chatId, '&limit=1')).body.result.paging.nextPageToken;
			expectError(
				await history(sim, 102, `&pageToken=${encodeURIComponent(token)}`),
				400,
				'BAD_REQUEST',
				/pageToken/,
			);
		});
	});

	describe('POST /v2/businesses/{businessId}/chats/message', () => {
		it('appends a PARTNER message and waits for the customer', async () => {
			const res = await send(sim, 102, 'Здравствуйте! Отправили сегодня 📦');
			expect(res.body).toEqual({ status: 'OK' });
			expect(sim.state.sentMessages).toEqual([
				{
					businessId: B,
					chatId: 102,
					messageId: FIXTURE_FACTS.firstCreatedMessageId,
					message: 'Здравствуйте! Отправили сегодня 📦',
					at: expect.any(String),
				},
			]);
			const h = await history(sim, 102);
			const last = h.body.result.messages[h.body.result.messages.length - 1];
			expect(last).toMatchObject({
				sender: 'PARTNER',
				message: 'Здравствуйте! Отправили сегодня 📦',
			});
			const chat = await call(sim, 'GET', `/v2/businesses/${B}/chat?chatId=102`);
			expect(chat.body.result.status).toBe('WAITING_FOR_CUSTOMER');
			expect((await chats(sim)).body.result.chats[0].chatId).toBe(102);
		});

		it('length limits: 1..4096 characters (code points)', async () => {
			expectError(await send(sim, 102, ''), 400, 'BAD_REQUEST', /message/);
			expectError(await send(sim, 102, 'x'.repeat(4097)), 400, 'BAD_REQUEST', /4096/);
			expect((await send(sim, 102, 'x'.repeat(4096))).status).toBe(200);
			expect((await send(sim, 102, '😀'.repeat(4096))).status).toBe(200);
			expect((await send(sim, 102, 'x')).status).toBe(200);
			expect(sim.state.sentMessages).toHaveLength(3);
		});

		it.each([
			['4,096 emoji', '😀'.repeat(4096)],
			['4,096 CJK Extension B ideographs', '𠜎'.repeat(4096)],
			['4,095 Cyrillic letters and a musical symbol', 'я'.repeat(4095) + '𝄞'],
		])('counts code points: %s pass, one emoji more fails', async (_what, text) => {
			expect((await send(sim, 102, text)).status).toBe(200);
			expect(sim.state.sentMessages.at(-1)?.message).toBe(text);
			expectError(
				await send(sim, 102, text + '😀'),
				400,
				'BAD_REQUEST',
				'body.message must be 1 to 4096 characters long, got 4097',
			);
		});

		it('400 without message or with a non-string', async () => {
			expectError(
				await call(sim, 'POST', `/v2/businesses/${B}/chats/message?chatId=102`, { body: {} }),
				400,
				'BAD_REQUEST',
				/message/,
			);
			expectError(await send(sim, 102, 42), 400, 'BAD_REQUEST', /message/);
			expectError(await send(sim, 'abc', 'hi'), 400, 'BAD_REQUEST', /chatId/);
		});

		it('403 for keys without write access to chats, 404 for unknown chats', async () => {
			expectError(await send(sim, 102, 'hi', { key: SIM_KEYS.readOnly }), 403, 'FORBIDDEN');
			expectError(await send(sim, 102, 'hi', { key: SIM_KEYS.noChatScope }), 403, 'FORBIDDEN');
			expect((await send(sim, 102, 'hi', { key: SIM_KEYS.allMethods })).status).toBe(200);
			expectError(await send(sim, FIXTURE_FACTS.unknownChatId, 'hi'), 404, 'NOT_FOUND');
			expect(sim.state.sentMessages).toHaveLength(1);
		});
	});

	describe('GET /v2/businesses/{businessId}/chats/message', () => {
		it('returns one message; 404 when it is not in that chat', async () => {
			const res = await call(
				sim,
				'GET',
				`/v2/businesses/${B}/chats/message?chatId=101&messageId=101001`,
			);
			expect(res.body).toEqual({
				status: 'OK',
				result: {
					messageId: 101001,
					createdAt: expect.any(String),
					sender: 'MARKET',
					message: expect.any(String),
				},
			});
			expectError(
				await call(sim, 'GET', `/v2/businesses/${B}/chats/message?chatId=102&messageId=101001`),
				404,
				'NOT_FOUND',
			);
			expectError(
				await call(sim, 'GET', `/v2/businesses/${B}/chats/message?chatId=101`),
				400,
				'BAD_REQUEST',
				/messageId/,
			);
			expectError(
				await call(sim, 'GET', `/v2/businesses/${B}/chats/message?chatId=101&messageId=0`),
				400,
				'BAD_REQUEST',
				/messageId/,
			);
		});

		it('is readable with the read-only key, not with the pricing key', async () => {
			const path = `/v2/businesses/${B}/chats/message?chatId=101&messageId=101002`;
			expect((await call(sim, 'GET', path, { key: SIM_KEYS.readOnly })).status).toBe(200);
			expectError(await call(sim, 'GET', path, { key: SIM_KEYS.noChatScope }), 403, 'FORBIDDEN');
		});
	});

	describe('POST /v2/businesses/{businessId}/chats/file/send', () => {
		const sendFile = (chatId: number, body: FormData | Buffer, opts: CallOptions = {}) =>
			call(sim, 'POST', `/v2/businesses/${B}/chats/file/send?chatId=${chatId}`, {
				rawBody: body,
				...opts,
			});

		it('stores the exact bytes, filename and content type, and posts a PARTNER message', async () => {
			// Every byte value, CRLFs and something that looks like a boundary.
			const data = Buffer.concat([
				Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
				Buffer.from('\r\n--boundary\r\n\r\n--'),
				Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i)),
			]);
			const res = await sendFile(103, fileForm(data, 'накладная №1.pdf', 'application/pdf'));
			expect(res.body).toEqual({ status: 'OK' });
			expect(sim.state.sentFiles).toHaveLength(1);
			const sent = sim.state.sentFiles[0];
			expect(sent).toMatchObject({
				chatId: 103,
				filename: 'накладная №1.pdf',
				contentType: 'application/pdf',
				size: data.length,
			});
			expect(sent.data.equals(data)).toBe(true);

			const msg = await call(
				sim,
				'GET',
				`/v2/businesses/${B}/chats/message?chatId=103&messageId=${sent.messageId}`,
			);
			expect(msg.body.result).toMatchObject({
				sender: 'PARTNER',
				payload: [{ name: 'накладная №1.pdf', size: data.length }],
			});
			expect(msg.body.result.message).toBeUndefined();
			const download = await fetch(msg.body.result.payload[0].url);
			expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
			expect(download.headers.get('content-type')).toBe('application/pdf');
		});

		it('accepts exactly 5 MB and rejects one byte more', async () => {
			const max = Buffer.alloc(MAX_FILE_BYTES, 7);
			expect(MAX_FILE_BYTES).toBe(5_242_880);
			expect((await sendFile(103, fileForm(max))).status).toBe(200);
			expect(sim.state.sentFiles[0].size).toBe(5_242_880);
			expectError(
				await sendFile(103, fileForm(Buffer.alloc(MAX_FILE_BYTES + 1, 7))),
				400,
				'BAD_REQUEST',
				/too large/,
			);
			expect(sim.state.sentFiles).toHaveLength(1);
		});

		it('parses a hand-made body with a quoted boundary', async () => {
			const boundary = 'simple boundary;x';
			const body = Buffer.concat([
				Buffer.from(
					`preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n`,
				),
				Buffer.from(
					`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a \\"q\\".txt"\r\n`,
				),
				Buffer.from('Content-Type: text/plain\r\n\r\nline1\r\nline2\r\n'),
				Buffer.from(`--${boundary}--\r\nepilogue`),
			]);
			const res = await sendFile(103, body, {
				contentType: `multipart/form-data; boundary="${boundary}"`,
			});
			expect(res.status).toBe(200);
			expect(sim.state.sentFiles[0]).toMatchObject({
				filename: 'a "q".txt',
				contentType: 'text/plain',
			});
			expect(sim.state.sentFiles[0].data.toString()).toBe('line1\r\nline2');
			expect(sim.requests[0].multipart?.map((p) => p.name)).toEqual(['note', 'file']);
		});

		it('400 without a file part, for an empty file, a non-multipart body or a broken one', async () => {
			const noFile = new FormData();
			noFile.append('document', new Blob(['x']), 'x.txt');
			expectError(await sendFile(103, noFile), 400, 'BAD_REQUEST', /"file" is required/);
			expectError(await sendFile(103, fileForm(Buffer.alloc(0))), 400, 'BAD_REQUEST', /empty/);
			const textField = new FormData();
			textField.append('file', 'just text');
			expectError(await sendFile(103, textField), 400, 'BAD_REQUEST', /filename/);
			expectError(
				await call(sim, 'POST', `/v2/businesses/${B}/chats/file/send?chatId=103`, {
					body: { file: 'x' },
				}),
				400,
				'UNSUPPORTED_MEDIA_TYPE',
			);
			expectError(
				await sendFile(
					103,
					Buffer.from(
						'--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nno end',
					),
					{
						contentType: 'multipart/form-data; boundary=b',
					},
				),
				400,
				'BAD_REQUEST',
				/Malformed multipart/,
			);
			expectError(await sendFile(0, fileForm(Buffer.from('x'))), 400, 'BAD_REQUEST', /chatId/);
			expect(sim.state.sentFiles).toEqual([]);
		});

		it('403 for the read-only key', async () => {
			expectError(
				await sendFile(103, fileForm(Buffer.from('x')), { key: SIM_KEYS.readOnly }),
				403,
				'FORBIDDEN',
			);
		});
	});

	describe('access rules', () => {
		it('403 for businesses the key does not own', async () => {
			expectError(
				await call(sim, 'POST', '/v2/businesses/1003/chats', { body: {} }),
				403,
				'FORBIDDEN',
				/1003/,
			);
			expectError(
				await call(sim, 'POST', '/v2/businesses/1002/chats', { body: {}, key: SIM_KEYS.readOnly }),
				403,
				'FORBIDDEN',
			);
			expect((await call(sim, 'POST', '/v2/businesses/1002/chats', { body: {} })).status).toBe(200);
		});

		it('403 for a key without chat scopes on every chat method', async () => {
			const key = SIM_KEYS.noChatScope;
			expectError(await chats(sim, '', {}, { key }), 403, 'FORBIDDEN', /COMMUNICATION/);
			expectError(await history(sim, 101, '', {}, { key }), 403, 'FORBIDDEN');
			expectError(
				await call(sim, 'GET', `/v2/businesses/${B}/chat?chatId=101`, { key }),
				403,
				'FORBIDDEN',
			);
		});

		it('the read-only key reads chats', async () => {
			expect((await chats(sim, '', {}, { key: SIM_KEYS.readOnly })).status).toBe(200);
			expect((await history(sim, 101, '', {}, { key: SIM_KEYS.readOnly })).status).toBe(200);
		});

		it.each(['0', 'abc', '-5', '1.5'])('400 naming businessId for "%s"', async (id) => {
			expectError(
				await call(sim, 'POST', `/v2/businesses/${id}/chats`, { body: {} }),
				400,
				'BAD_REQUEST',
				/businessId/,
			);
		});

		it('401 comes before everything else', async () => {
			expectError(
				await call(sim, 'POST', '/v2/businesses/abc/chats?limit=99', { key: null }),
				401,
				'UNAUTHORIZED',
			);
		});

		it('404 for unknown routes and methods', async () => {
			expectError(await call(sim, 'GET', '/v2/businesses/1001/chats'), 404, 'NOT_FOUND', /POST/);
			expectError(await call(sim, 'GET', '/v2/nothing'), 404, 'NOT_FOUND');
			expectError(await call(sim, 'POST', '/v2/businesses/1001/chats/'), 404, 'NOT_FOUND');
		});
	});

	describe('recording', () => {
		it('records every request, rejected ones included', async () => {
			await call(sim, 'POST', '/v2/auth/token', { key: null });
			await chats(sim, '?limit=2', { statuses: ['NEW'] }, { headers: { 'X-Trace': 'abc' } });
			expect(sim.requests).toHaveLength(2);
			const [rejected, ok] = sim.requests;
			expect(rejected).toMatchObject({
				seq: 1,
				operationId: 'getAuthTokenInfo',
				method: 'POST',
				path: '/v2/auth/token',
				status: 401,
			});
			expect(ok).toMatchObject({
				seq: 2,
				operationId: 'getChats',
				path: `/v2/businesses/${B}/chats`,
				query: { limit: '2' },
				json: { statuses: ['NEW'] },
				status: 200,
			});
			expect(ok.headers['api-key']).toBe(SIM_KEYS.communication);
			expect(ok.headers['x-trace']).toBe('abc');
			expect(ok.rawBody.toString()).toBe('{"statuses":["NEW"]}');
			expect(ok.responseHeaders['x-ratelimit-resource-limit']).toBe('5000');
			expect((ok.responseBody as any).result.chats).toHaveLength(2);
			expect(ok.endedAt).toBeGreaterThanOrEqual(ok.startedAt);
		});
	});

	describe('helpers', () => {
		it('spendQuotaFromFirstCall: the window opens at the next call of the method, which is refused, and closes after it', async () => {
			let clock = Date.parse('2026-12-07T10:00:00Z');
			const own = await startSimulator({ clock: () => clock });
			try {
				own.spendQuotaFromFirstCall('sendMessageToChat', 6000);
				clock += 60_000;
				expect((await chats(own)).status).toBe(200);
				const first = await send(own, 101, 'one');
				expect(first.status).toBe(420);
				expect(first.headers.get('x-ratelimit-resource-remaining')).toBe('0');
				clock += 5000;
				expect((await send(own, 101, 'two')).status).toBe(420);
				clock += 1001;
				expect((await send(own, 101, 'three')).status).toBe(200);
				expect(own.state.sentMessages.map((m) => m.message)).toEqual(['three']);
			} finally {
				await own.close();
			}
		});

		it('addMessage simulates a buyer writing', async () => {
			const msg = sim.addMessage(110, { message: 'Где мой заказ?' });
			expect(msg.sender).toBe('CUSTOMER');
			const list = await chats(sim, '?limit=1', { statuses: ['WAITING_FOR_PARTNER'] });
			expect(list.body.result.chats[0]).toMatchObject({
				chatId: 110,
				status: 'WAITING_FOR_PARTNER',
			});
			const h = await history(sim, 110, '', { messageIdFrom: msg.messageId });
			expect(h.body.result.messages).toEqual([
				{
					messageId: msg.messageId,
					createdAt: msg.createdAt,
					sender: 'CUSTOMER',
					message: 'Где мой заказ?',
				},
			]);
		});

		it('addMessage with files and addChat for a DIRECT chat', async () => {
			const chat = sim.addChat({ businessId: B });
			const msg = sim.addMessage(chat.chatId, {
				files: [{ name: 'scan.png', data: Buffer.from([1, 2, 3]), contentType: 'image/png' }],
			});
			const res = await call(
				sim,
				'GET',
				`/v2/businesses/${B}/chats/message?chatId=${chat.chatId}&messageId=${msg.messageId}`,
			);
			expect(res.body.result.payload).toEqual([
				{ name: 'scan.png', size: 3, url: expect.stringContaining('/files/') },
			]);
			expect((await chats(sim, '', { contextTypes: ['DIRECT'] })).body.result.chats[0].chatId).toBe(
				chat.chatId,
			);
		});

		it('reset restores fixtures, counters and the record', async () => {
			await send(sim, 101, 'hi');
			sim.addChat({ businessId: B, contextType: 'ORDER', orderId: 7000901 });
			sim.reset();
			expect(sim.requests).toEqual([]);
			expect(sim.state.sentMessages).toEqual([]);
			expect(sim.state.chats.filter((c) => c.businessId === B)).toHaveLength(45);
			expect(sim.messagesOf(101)).toHaveLength(120);
			await send(sim, 101, 'again');
			expect(sim.state.sentMessages[0].messageId).toBe(FIXTURE_FACTS.firstCreatedMessageId);
		});
	});
});

describe('rate limits', () => {
	const now = Date.parse('2026-11-21T06:30:00Z');
	useSimulator({ clock: () => now, quotas: { getChatMessage: 1 } });

	it('every response carries X-RateLimit-* headers for its method', async () => {
		const responses = [
			await chats(sim),
			await history(sim, 101),
			await call(sim, 'GET', '/v2/campaigns'),
			await call(sim, 'POST', '/v2/auth/token', { key: null }),
			await call(sim, 'GET', '/v2/unknown'),
		];
		for (const r of responses) {
			expect(r.headers.get('x-ratelimit-resource-until')).toBe('Sat, 21 Nov 2026 07:00:00 GMT');
			expect(Number(r.headers.get('x-ratelimit-resource-remaining'))).toBeGreaterThanOrEqual(0);
		}
		expect(responses.map((r) => r.headers.get('x-ratelimit-resource-limit'))).toEqual([
			'5000',
			'10000',
			'1000',
			'100',
			'1000',
		]);
		expect(responses[0].headers.get('x-ratelimit-resource-remaining')).toBe('4999');
		expect(responses[1].headers.get('x-ratelimit-resource-remaining')).toBe('9999');
	});

	it('counts per business and per method', async () => {
		await chats(sim);
		await chats(sim);
		const third = await chats(sim);
		expect(third.headers.get('x-ratelimit-resource-remaining')).toBe('4997');
		const other = await call(sim, 'POST', '/v2/businesses/1002/chats', { body: {} });
		expect(other.headers.get('x-ratelimit-resource-remaining')).toBe('4999');
		expect(sim.quotaRemaining('getChats', B)).toBe(4997);
		expect(sim.quotaRemaining('getChatHistory', B)).toBe(10000);
	});

	it('answers 420 when the hourly amount is used up', async () => {
		sim.setQuota('getChats', 2);
		expect((await chats(sim)).headers.get('x-ratelimit-resource-remaining')).toBe('1');
		expect((await chats(sim)).headers.get('x-ratelimit-resource-remaining')).toBe('0');
		const limited = await chats(sim);
		expectError(limited, 420, 'LIMIT_EXCEEDED', /getChats/);
		expect(limited.headers.get('x-ratelimit-resource-remaining')).toBe('0');
		expect(limited.headers.get('x-ratelimit-resource-limit')).toBe('5000');
		// Other methods are unaffected.
		expect((await history(sim, 101)).status).toBe(200);
	});

	it('honours the quotas option and restores it on reset', async () => {
		const path = `/v2/businesses/${B}/chats/message?chatId=101&messageId=101001`;
		expect((await call(sim, 'GET', path)).status).toBe(200);
		expect((await call(sim, 'GET', path)).status).toBe(420);
		sim.reset();
		expect((await call(sim, 'GET', path)).status).toBe(200);
	});

	it('failNext injects faults, then recovers', async () => {
		sim.failNext('getChats', 500);
		sim.failNext('getChat', 420, 2);
		sim.failNext('getChatHistory', 503, 1, {
			status: 'ERROR',
			errors: [{ code: 'UNAVAILABLE', message: 'maintenance' }],
		});
		expectError(await chats(sim), 500, 'INTERNAL_ERROR');
		expect((await chats(sim)).status).toBe(200);
		const limited = await call(sim, 'GET', `/v2/businesses/${B}/chat?chatId=101`);
		expectError(limited, 420, 'LIMIT_EXCEEDED');
		expect(limited.headers.get('x-ratelimit-resource-remaining')).toBe('0');
		expect((await call(sim, 'GET', `/v2/businesses/${B}/chat?chatId=101`)).status).toBe(420);
		expect((await call(sim, 'GET', `/v2/businesses/${B}/chat?chatId=101`)).status).toBe(200);
		const down = await history(sim, 101);
		expect(down.status).toBe(503);
		expect(down.body.errors[0].message).toBe('maintenance');
		expect((await history(sim, 101)).status).toBe(200);
	});

	it('injected faults only hit authorised calls', async () => {
		sim.failNext('getChats', 500);
		expectError(await chats(sim, '', {}, { key: null }), 401, 'UNAUTHORIZED');
		expect((await chats(sim)).status).toBe(500);
	});
});

describe('parallel requests', () => {
	useSimulator({ latencyMs: 250 });

	it('answers 420 beyond 4 in-flight requests per business', async () => {
		const results = await Promise.all(Array.from({ length: 6 }, () => chats(sim)));
		const statuses = results.map((r) => r.status).sort();
		expect(statuses).toEqual([200, 200, 200, 200, 420, 420]);
		const limited = results.find((r) => r.status === 420)!;
		expectError(limited, 420, 'LIMIT_EXCEEDED', /parallel/);

		// The accepted ones really overlapped.
		const ok = sim.requests.filter((r) => r.status === 200);
		const latestStart = Math.max(...ok.map((r) => r.startedAt));
		const earliestEnd = Math.min(...ok.map((r) => r.endedAt));
		expect(latestStart).toBeLessThan(earliestEnd);
	});

	it('counts businesses separately and frees slots when requests end', async () => {
		const mixed = await Promise.all([
			...Array.from({ length: 4 }, () => chats(sim)),
			...Array.from({ length: 4 }, () =>
				call(sim, 'POST', '/v2/businesses/1002/chats', { body: {} }),
			),
		]);
		expect(mixed.every((r) => r.status === 200)).toBe(true);
		const after = await Promise.all(Array.from({ length: 4 }, () => chats(sim)));
		expect(after.every((r) => r.status === 200)).toBe(true);
	});
});

describe('custom maxParallel', () => {
	useSimulator({ latencyMs: 150, maxParallel: 1 });

	it('allows one at a time', async () => {
		const results = await Promise.all([chats(sim), chats(sim)]);
		expect(results.map((r) => r.status).sort()).toEqual([200, 420]);
	});
});
