import { FIXTURE_FACTS } from '../simulator/fixtures';
import { byId, chatRequests, run, useSimulator } from './setup';

const { sim } = useSimulator();
const business = byId(FIXTURE_FACTS.businesses.demo);

describe('Chat → Get Many', () => {
	it('asks for exactly the limit once and returns one item per chat', async () => {
		const result = await run(sim(), {
			resource: 'chat',
			operation: 'getAll',
			businessId: business,
			limit: 5,
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(5);
		const requests = chatRequests(sim(), 'getChats');
		expect(requests).toHaveLength(1);
		expect(requests[0].query.limit).toBe('5');
		expect(requests[0].query.pageToken).toBeUndefined();
		for (const item of result.items) {
			expect(item.json).toEqual(
				expect.objectContaining({
					chatId: expect.any(Number),
					status: expect.any(String),
					businessId: 1001,
				}),
			);
		}
	});

	it('pages through every chat with Return All in ceil(N/20) requests, each chat once', async () => {
		const result = await run(sim(), {
			resource: 'chat',
			operation: 'getAll',
			businessId: business,
			returnAll: true,
		});

		const total = FIXTURE_FACTS.demoChatCount;
		expect(result.items).toHaveLength(total);
		expect(new Set(result.items.map((i) => i.json.chatId)).size).toBe(total);
		const requests = chatRequests(sim(), 'getChats');
		expect(requests).toHaveLength(Math.ceil(total / 20));
		expect(requests.map((r) => r.query.limit)).toEqual(['20', '20', '20']);
		expect(requests[0].query.pageToken).toBeUndefined();
		expect(requests[1].query.pageToken).toEqual(expect.any(String));
	});

	it('asks only for what is still missing on the last page of a limit above 20', async () => {
		const result = await run(sim(), {
			resource: 'chat',
			operation: 'getAll',
			businessId: business,
			limit: 25,
		});

		expect(result.items).toHaveLength(25);
		expect(chatRequests(sim(), 'getChats').map((r) => r.query.limit)).toEqual(['20', '5']);
	});

	it('sends the status, type and context filters and gets only matching chats', async () => {
		const result = await run(sim(), {
			resource: 'chat',
			operation: 'getAll',
			businessId: business,
			returnAll: true,
			filters: {
				statuses: ['WAITING_FOR_PARTNER'],
				types: ['CHAT'],
				contextTypes: ['ORDER', 'DIRECT'],
			},
		});

		expect(chatRequests(sim(), 'getChats')[0].json).toEqual({
			statuses: ['WAITING_FOR_PARTNER'],
			types: ['CHAT'],
			contextTypes: ['ORDER', 'DIRECT'],
		});
		expect(result.items.length).toBe(8);
		for (const item of result.items) expect(item.json.status).toBe('WAITING_FOR_PARTNER');
	});

	it("filters by order and return IDs through Market's contexts filter", async () => {
		const { demoOrderWithChat, demoReturnWithChat } = FIXTURE_FACTS;
		const result = await run(sim(), {
			resource: 'chat',
			operation: 'getAll',
			businessId: business,
			returnAll: true,
			filters: {
				orderIds: `${demoOrderWithChat.orderId}`,
				returnIds: ` ${demoReturnWithChat.returnId} `,
			},
		});

		expect(chatRequests(sim(), 'getChats')[0].json).toEqual({
			contexts: [
				{ type: 'ORDER', id: demoOrderWithChat.orderId },
				{ type: 'RETURN', id: demoReturnWithChat.returnId },
			],
		});
		expect(result.items.map((i) => i.json.chatId).sort()).toEqual(
			[demoOrderWithChat.chatId, demoReturnWithChat.chatId].sort(),
		);
	});

	it('sends an empty JSON body when there are no filters, as the method requires', async () => {
		await run(sim(), { resource: 'chat', operation: 'getAll', businessId: business, limit: 1 });
		expect(chatRequests(sim(), 'getChats')[0].json).toEqual({});
	});
});

describe('Chat → Create', () => {
	it('creates a chat about an order and returns its ID', async () => {
		const orderId = FIXTURE_FACTS.demoOrdersWithoutChat[0];
		const result = await run(sim(), {
			resource: 'chat',
			operation: 'create',
			businessId: business,
			contextType: 'ORDER',
			contextId: String(orderId),
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual({
			chatId: expect.any(Number),
			businessId: 1001,
			contextType: 'ORDER',
			contextId: orderId,
		});
		expect(chatRequests(sim(), 'createChat')[0].json).toEqual({
			context: { type: 'ORDER', id: orderId },
		});
	});

	it('returns the existing chat when the order already has one', async () => {
		const { orderId, chatId } = FIXTURE_FACTS.demoOrderWithChat;
		const result = await run(sim(), {
			resource: 'chat',
			operation: 'create',
			businessId: business,
			contextType: 'ORDER',
			contextId: String(orderId),
		});
		expect(result.items[0].json.chatId).toBe(chatId);
	});

	it('creates a chat about a return', async () => {
		const { returnId } = FIXTURE_FACTS.demoReturnsWithoutChat[0];
		const result = await run(sim(), {
			resource: 'chat',
			operation: 'create',
			businessId: business,
			contextType: 'RETURN',
			contextId: String(returnId),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual(
			expect.objectContaining({ contextType: 'RETURN', contextId: returnId }),
		);
	});
});

describe('Chat → Get', () => {
	it('returns the chat with its context and the business', async () => {
		const { chatId, orderId } = FIXTURE_FACTS.demoOrderWithChat;
		const result = await run(sim(), {
			resource: 'chat',
			operation: 'get',
			businessId: business,
			chatId: byId(chatId),
		});

		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual(
			expect.objectContaining({
				chatId,
				businessId: 1001,
				context: expect.objectContaining({ type: 'ORDER', orderId }),
			}),
		);
		expect(chatRequests(sim(), 'getChat')[0].query).toEqual({ chatId: String(chatId) });
	});
});

describe('Chat → Get History', () => {
	const { longChat } = FIXTURE_FACTS;

	it('returns every message with Return All, 100 per request, each item carrying its chat ID', async () => {
		const result = await run(sim(), {
			resource: 'chat',
			operation: 'getHistory',
			businessId: business,
			chatId: byId(longChat.chatId),
			returnAll: true,
		});

		expect(result.items).toHaveLength(longChat.messageCount);
		expect(chatRequests(sim(), 'getChatHistory').map((r) => r.query.limit)).toEqual(['100', '100']);
		for (const item of result.items) {
			expect(item.json).toEqual(
				expect.objectContaining({
					chatId: longChat.chatId,
					businessId: 1001,
					messageId: expect.any(Number),
					sender: expect.any(String),
				}),
			);
		}
	});

	it('fetches only the messages from messageIdFrom on', async () => {
		const from = longChat.lastMessageId - 4;
		const result = await run(sim(), {
			resource: 'chat',
			operation: 'getHistory',
			businessId: business,
			chatId: byId(longChat.chatId),
			returnAll: true,
			options: { messageIdFrom: String(from) },
		});

		expect(chatRequests(sim(), 'getChatHistory')[0].json).toEqual({ messageIdFrom: from });
		expect(result.items.map((i) => i.json.messageId)).toEqual([
			from,
			from + 1,
			from + 2,
			from + 3,
			from + 4,
		]);
	});

	it('stops at the limit', async () => {
		const result = await run(sim(), {
			resource: 'chat',
			operation: 'getHistory',
			businessId: business,
			chatId: byId(longChat.chatId),
			limit: 3,
		});
		expect(result.items).toHaveLength(3);
		expect(chatRequests(sim(), 'getChatHistory').map((r) => r.query.limit)).toEqual(['3']);
	});

	it("reads the history of each input item's chat, from an expression", async () => {
		const result = await run(
			sim(),
			{
				resource: 'chat',
				operation: 'getHistory',
				businessId: business,
				chatId: byId('={{ $json.chatId }}'),
				returnAll: true,
			},
			{ input: [{ json: { chatId: 102 } }, { json: { chatId: 103 } }] },
		);

		const chats = new Set(result.items.map((i) => i.json.chatId));
		expect(chats).toEqual(new Set([102, 103]));
		for (const item of result.items) {
			expect(item.pairedItem).toEqual({ item: item.json.chatId === 102 ? 0 : 1 });
		}
	});
});
