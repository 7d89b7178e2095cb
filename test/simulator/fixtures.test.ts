/** The default fixtures: deterministic and matching FIXTURE_FACTS (which other tests rely on). */
import {
	CHAT_STATUSES,
	FIXTURE_FACTS,
	SIM_KEYS,
	createFixtures,
	type ChatRecord,
} from './fixtures';

const f = createFixtures();
const demo = f.chats.filter((c) => c.businessId === FIXTURE_FACTS.businesses.demo);

function countBy<K extends string>(
	chats: ChatRecord[],
	key: (c: ChatRecord) => K,
): Record<K, number> {
	const out = {} as Record<K, number>;
	for (const c of chats) out[key(c)] = (out[key(c)] ?? 0) + 1;
	return out;
}

describe('fixtures', () => {
	it('are deterministic', () => {
		expect(createFixtures()).toEqual(f);
	});

	it('match the documented counts', () => {
		expect(demo).toHaveLength(FIXTURE_FACTS.demoChatCount);
		expect(demo.map((c) => c.chatId)).toEqual(Array.from({ length: 45 }, (_, i) => 101 + i));
		expect(countBy(demo, (c) => c.status)).toEqual(FIXTURE_FACTS.demoChatsByStatus);
		expect(countBy(demo, (c) => c.context.type)).toEqual(FIXTURE_FACTS.demoChatsByContextType);
		expect(countBy(demo, (c) => c.type)).toEqual(FIXTURE_FACTS.demoChatsByType);
		expect(Object.keys(FIXTURE_FACTS.demoChatsByStatus).sort()).toEqual([...CHAT_STATUSES].sort());
		expect(f.chats.filter((c) => c.businessId === FIXTURE_FACTS.businesses.second)).toHaveLength(
			FIXTURE_FACTS.secondChatCount,
		);
	});

	it('has unique, per-chat ascending message ids and consistent chat times', () => {
		const ids = f.messages.map((m) => m.messageId);
		expect(new Set(ids).size).toBe(ids.length);
		for (const chat of f.chats) {
			const msgs = f.messages.filter((m) => m.chatId === chat.chatId);
			expect(msgs.length).toBeGreaterThan(0);
			msgs.forEach((m, k) => expect(m.messageId).toBe(chat.chatId * 1000 + k + 1));
			expect(chat.createdAt).toBe(msgs[0].createdAt);
			expect(chat.updatedAt).toBe(msgs[msgs.length - 1].createdAt);
			const times = msgs.map((m) => Date.parse(m.createdAt));
			expect([...times].sort((a, b) => a - b)).toEqual(times);
		}
		const long = f.messages.filter((m) => m.chatId === FIXTURE_FACTS.longChat.chatId);
		expect(long).toHaveLength(FIXTURE_FACTS.longChat.messageCount);
		expect(long[long.length - 1].messageId).toBe(FIXTURE_FACTS.longChat.lastMessageId);
	});

	it('has a realistic message mix', () => {
		const senders = new Set(f.messages.map((m) => m.sender));
		expect([...senders].sort()).toEqual(['CUSTOMER', 'MARKET', 'PARTNER', 'SUPPORT']);
		const withPayload = f.messages.filter((m) => m.payload);
		expect(withPayload.length).toBeGreaterThanOrEqual(10);
		for (const m of f.messages)
			expect(m.message !== undefined || m.payload !== undefined).toBe(true);
		// The last message matches the status: the shop is waiting → the buyer spoke last.
		for (const chat of demo.filter((c) => c.status === 'WAITING_FOR_PARTNER')) {
			const msgs = f.messages.filter((m) => m.chatId === chat.chatId);
			expect(msgs[msgs.length - 1].sender).toBe('CUSTOMER');
		}
		for (const p of withPayload.flatMap((m) => m.payload!)) {
			const file = f.files.find((x) => p.url === `/files/${x.id}`);
			expect(file?.data.length).toBe(p.size);
		}
	});

	it('has orders and returns for createChat, with and without chats', () => {
		const chatOrderIds = new Set(f.chats.map((c) => c.context.orderId));
		for (const id of FIXTURE_FACTS.demoOrdersWithoutChat) {
			expect(f.orders.find((o) => o.id === id)?.businessId).toBe(1001);
			expect(chatOrderIds.has(id)).toBe(false);
		}
		for (const { returnId, orderId } of FIXTURE_FACTS.demoReturnsWithoutChat) {
			expect(f.returns.find((r) => r.id === returnId)).toMatchObject({ orderId, businessId: 1001 });
			expect(f.chats.some((c) => c.context.returnId === returnId)).toBe(false);
		}
		const withChat = f.chats.find((c) => c.chatId === FIXTURE_FACTS.demoOrderWithChat.chatId)!;
		expect(withChat.context).toMatchObject({
			type: 'ORDER',
			orderId: FIXTURE_FACTS.demoOrderWithChat.orderId,
		});
		const ret = f.chats.find((c) => c.chatId === FIXTURE_FACTS.demoReturnWithChat.chatId)!;
		expect(ret.context).toMatchObject({ type: 'RETURN', returnId: 880109, orderId: 7000109 });
		// Every ORDER/RETURN chat points at a known order of its own business.
		for (const c of f.chats.filter((x) => x.context.type !== 'DIRECT')) {
			expect(
				f.orders.some((o) => o.id === c.context.orderId && o.businessId === c.businessId),
			).toBe(true);
		}
	});

	it('has two businesses reachable by keys and one that no key owns', () => {
		expect(f.campaigns.filter((c) => c.businessId === 1001)).toHaveLength(2);
		expect(f.apiKeys.map((k) => k.key).sort()).toEqual(Object.values(SIM_KEYS).sort());
		expect(f.apiKeys.some((k) => k.businessIds.includes(FIXTURE_FACTS.businesses.foreign))).toBe(
			false,
		);
	});
});
