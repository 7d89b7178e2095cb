/**
 * Default seed data for the Yandex Market API simulator.
 *
 * Everything here is deterministic: no randomness, no "now". Dates are fixed
 * (November 2026, Moscow time, +03:00) and every id follows a simple rule so
 * tests can rely on them:
 *
 *  - businesses: 1001 "Demo Store" (campaigns 2001 FBS + 2002 DBS),
 *                1002 "Second Store" (campaign 2101 FBY),
 *                1003 "Foreign Store" (campaign 2201; no simulator key owns it).
 *  - chats:      business 1001 → chatIds 101..145 (45 chats, see DEMO_CHAT_PLAN),
 *                business 1002 → chatIds 201..205, business 1003 → chatId 301.
 *  - messages:   messageId = chatId * 1000 + k, k = 1..n, ascending in time.
 *                Chat 101 is the "long" chat with 120 messages; the others have 1..5.
 *  - orders:     orderId = 7_000_000 + chatId for every ORDER/RETURN chat of 1001
 *                (7_100_000 + chatId for 1002, 7_200_000 + chatId for 1003);
 *                returns: returnId = 880_000 + chatId for RETURN chats.
 *                Orders/returns without any chat exist so createChat can create one
 *                (see FIXTURE_FACTS).
 *  - reviews and questions: see goodsFixtures.ts.
 */
import {
	GOODS_FIXTURE_FACTS,
	cloneGoodsFixtures,
	createGoodsFixtures,
	type GoodsFixtures,
} from './goodsFixtures';
import { formatMsk } from './time';

export { formatMsk };

export type ChatStatus =
	| 'NEW'
	| 'WAITING_FOR_CUSTOMER'
	| 'WAITING_FOR_PARTNER'
	| 'WAITING_FOR_ARBITER'
	| 'WAITING_FOR_MARKET'
	| 'FINISHED';
export type ChatType = 'CHAT' | 'ARBITRAGE';
export type ChatContextType = 'ORDER' | 'RETURN' | 'DIRECT';
export type SenderType = 'PARTNER' | 'CUSTOMER' | 'MARKET' | 'SUPPORT';
export type PlacementType = 'FBS' | 'FBY' | 'DBS' | 'LAAS';
export type ApiKeyScope =
	| 'ALL_METHODS'
	| 'ALL_METHODS_READ_ONLY'
	| 'INVENTORY_AND_ORDER_PROCESSING'
	| 'INVENTORY_AND_ORDER_PROCESSING_READ_ONLY'
	| 'PRICING'
	| 'PRICING_READ_ONLY'
	| 'OFFERS_AND_CARDS_MANAGEMENT'
	| 'OFFERS_AND_CARDS_MANAGEMENT_READ_ONLY'
	| 'PROMOTION'
	| 'PROMOTION_READ_ONLY'
	| 'FINANCE_AND_ACCOUNTING'
	| 'COMMUNICATION'
	| 'SETTINGS_MANAGEMENT'
	| 'SUPPLIES_MANAGEMENT_READ_ONLY';

export const CHAT_STATUSES: readonly ChatStatus[] = [
	'NEW',
	'WAITING_FOR_CUSTOMER',
	'WAITING_FOR_PARTNER',
	'WAITING_FOR_ARBITER',
	'WAITING_FOR_MARKET',
	'FINISHED',
];
export const CHAT_TYPES: readonly ChatType[] = ['CHAT', 'ARBITRAGE'];
export const CHAT_CONTEXT_TYPES: readonly ChatContextType[] = ['ORDER', 'RETURN', 'DIRECT'];
export const SENDER_TYPES: readonly SenderType[] = ['PARTNER', 'CUSTOMER', 'MARKET', 'SUPPORT'];

export interface BusinessRecord {
	id: number;
	name: string;
}

export interface CampaignRecord {
	id: number;
	businessId: number;
	domain: string;
	clientId: number;
	placementType: PlacementType;
	apiAvailability: 'AVAILABLE' | 'DISABLED_BY_INACTIVITY';
}

export interface ApiKeyRecord {
	/** Value of the `Api-Key` header. */
	key: string;
	/** Token name, as getAuthTokenInfo reports it. */
	name: string;
	scopes: ApiKeyScope[];
	/** Businesses (cabinets) this key may act on. */
	businessIds: number[];
}

export interface CustomerRecord {
	name: string;
	publicId: string;
}

export interface OrderRecord {
	id: number;
	businessId: number;
	campaignId: number;
	customer: CustomerRecord;
}

export interface ReturnRecord {
	id: number;
	orderId: number;
	businessId: number;
	campaignId: number;
}

/** A chat as the simulator keeps it; rendered as GetChatInfoDTO. */
export interface ChatRecord {
	chatId: number;
	businessId: number;
	type: ChatType;
	status: ChatStatus;
	context: {
		type: ChatContextType;
		campaignId?: number;
		orderId?: number;
		returnId?: number;
		customer?: CustomerRecord;
	};
	/** ISO 8601 with offset. */
	createdAt: string;
	/** ISO 8601 with offset; time of the last message. */
	updatedAt: string;
}

export interface PayloadRecord {
	name: string;
	size: number;
	/**
	 * Download URL. Fixture URLs are relative (`/files/<id>`); the simulator turns
	 * them into absolute URLs on its own base when it loads the fixtures.
	 */
	url: string;
}

/** A chat message as the simulator keeps it; rendered as ChatMessageDTO. */
export interface MessageRecord {
	messageId: number;
	chatId: number;
	createdAt: string;
	sender: SenderType;
	message?: string;
	payload?: PayloadRecord[];
}

/** A file the simulator serves at `GET /files/<id>` (attachments' URLs). */
export interface FileRecord {
	id: string;
	name: string;
	contentType: string;
	data: Buffer;
	/** Default 'open': the link alone downloads it. */
	access?: import('./types').FileAccess;
}

export interface Fixtures extends GoodsFixtures {
	businesses: BusinessRecord[];
	campaigns: CampaignRecord[];
	apiKeys: ApiKeyRecord[];
	orders: OrderRecord[];
	returns: ReturnRecord[];
	chats: ChatRecord[];
	messages: MessageRecord[];
	files: FileRecord[];
}

/** Api-Key values known to the simulator. */
export const SIM_KEYS = {
	/** COMMUNICATION; businesses 1001 and 1002. */
	communication: 'ACMA:sim-communication-key:0001',
	/** ALL_METHODS; businesses 1001 and 1002. */
	allMethods: 'ACMA:sim-all-methods-key:0002',
	/** ALL_METHODS_READ_ONLY; business 1001 only. */
	readOnly: 'ACMA:sim-read-only-key:0003',
	/** PRICING only (no chat scope); business 1001 only. */
	noChatScope: 'ACMA:sim-pricing-key:0004',
} as const;

/** The OAuth token the simulator's file server accepts for files with access 'oauth'. */
export const SIM_FILE_TOKEN = 'y0_sim-oauth-files-token';

const DEMO = 1001;
const SECOND = 1002;
const FOREIGN = 1003;

/** How the 45 chats of business 1001 are laid out, in chatId order from 101. */
export const DEMO_CHAT_PLAN: ReadonlyArray<
	readonly [count: number, status: ChatStatus, type: ChatType, context: ChatContextType]
> = [
	[6, 'WAITING_FOR_PARTNER', 'CHAT', 'ORDER'], // 101-106
	[2, 'WAITING_FOR_PARTNER', 'CHAT', 'DIRECT'], // 107-108
	[1, 'WAITING_FOR_PARTNER', 'CHAT', 'RETURN'], // 109
	[8, 'WAITING_FOR_CUSTOMER', 'CHAT', 'ORDER'], // 110-117
	[2, 'WAITING_FOR_CUSTOMER', 'CHAT', 'RETURN'], // 118-119
	[2, 'WAITING_FOR_CUSTOMER', 'CHAT', 'DIRECT'], // 120-121
	[4, 'NEW', 'CHAT', 'ORDER'], // 122-125
	[1, 'NEW', 'CHAT', 'DIRECT'], // 126
	[2, 'WAITING_FOR_ARBITER', 'ARBITRAGE', 'ORDER'], // 127-128
	[1, 'WAITING_FOR_ARBITER', 'ARBITRAGE', 'RETURN'], // 129
	[2, 'WAITING_FOR_MARKET', 'CHAT', 'RETURN'], // 130-131
	[8, 'FINISHED', 'CHAT', 'ORDER'], // 132-139
	[2, 'FINISHED', 'CHAT', 'DIRECT'], // 140-141
	[2, 'FINISHED', 'CHAT', 'RETURN'], // 142-143
	[2, 'FINISHED', 'ARBITRAGE', 'ORDER'], // 144-145
];

const SECOND_CHAT_PLAN: ReadonlyArray<readonly [ChatStatus, ChatType, ChatContextType]> = [
	['WAITING_FOR_PARTNER', 'CHAT', 'ORDER'], // 201
	['WAITING_FOR_CUSTOMER', 'CHAT', 'ORDER'], // 202
	['NEW', 'CHAT', 'DIRECT'], // 203
	['FINISHED', 'CHAT', 'ORDER'], // 204
	['WAITING_FOR_PARTNER', 'CHAT', 'RETURN'], // 205
];

/** Facts tests may rely on (all derived from the rules above). */
export const FIXTURE_FACTS = {
	businesses: { demo: DEMO, second: SECOND, foreign: FOREIGN },
	campaigns: { demoFbs: 2001, demoDbs: 2002, secondFby: 2101, foreign: 2201 },
	demoChatCount: 45,
	demoChatsByStatus: {
		NEW: 5,
		WAITING_FOR_CUSTOMER: 12,
		WAITING_FOR_PARTNER: 9,
		WAITING_FOR_ARBITER: 3,
		WAITING_FOR_MARKET: 2,
		FINISHED: 14,
	} as Record<ChatStatus, number>,
	demoChatsByContextType: { ORDER: 30, RETURN: 8, DIRECT: 7 } as Record<ChatContextType, number>,
	demoChatsByType: { CHAT: 40, ARBITRAGE: 5 } as Record<ChatType, number>,
	secondChatCount: 5,
	/** Chat 101 (business 1001, ORDER 7000101, WAITING_FOR_PARTNER): 120 messages 101001..101120. */
	longChat: { chatId: 101, messageCount: 120, firstMessageId: 101001, lastMessageId: 101120 },
	/** Orders of business 1001 that have no chat yet (campaign 2001 unless noted). */
	demoOrdersWithoutChat: [7000901, 7000902, 7000903, 7000904 /* campaign 2002 */, 7000905, 7000906],
	/** Returns of business 1001 that have no chat yet: return → order. */
	demoReturnsWithoutChat: [
		{ returnId: 880901, orderId: 7000905 },
		{ returnId: 880902, orderId: 7000906 },
	],
	/** An existing ORDER chat and its order (createChat returns this chat). */
	demoOrderWithChat: { orderId: 7000110, chatId: 110 },
	/** An existing RETURN chat and its return. */
	demoReturnWithChat: { returnId: 880109, orderId: 7000109, chatId: 109 },
	secondOrdersWithoutChat: [7100901],
	/** Not known to any business. */
	unknownOrderId: 7999999,
	unknownReturnId: 889999,
	unknownChatId: 999999,
	/** Ids the simulator hands out for things created at run time. */
	firstCreatedChatId: 5001,
	firstCreatedMessageId: 900001,
	/** Reviews and questions (goodsFixtures.ts). */
	...GOODS_FIXTURE_FACTS,
} as const;

// Fixed "latest activity" moment of the fixtures; everything else is before it.
const LATEST = Date.parse('2026-11-20T18:00:00+03:00');
const HOUR = 3_600_000;
const MINUTE = 60_000;

const CUSTOMER_NAMES = [
	'Анна К.',
	'Иван П.',
	'Мария С.',
	'Дмитрий В.',
	'Ольга Н.',
	'Сергей Л.',
	'Елена Т.',
	'Алексей М.',
	'Наталья Р.',
	'Павел Ж.',
];

const CUSTOMER_TEXTS = [
	'Здравствуйте! Когда будет доставка заказа?',
	'Товар пришёл с повреждённой упаковкой, что делать?',
	'Можно ли поменять цвет на синий?',
	'Подскажите, есть ли гарантия на этот товар?',
	'Спасибо, всё получил 👍',
	'Курьер не приехал в назначенное время.',
	'Размер не подошёл, хочу оформить возврат.',
];

const PARTNER_TEXTS = [
	'Добрый день! Заказ передан в службу доставки, ожидайте.',
	'Приносим извинения. Пришлите, пожалуйста, фото упаковки.',
	'Уточним наличие и вернёмся с ответом сегодня.',
	'Гарантия производителя — 12 месяцев.',
	'Рады, что всё в порядке! Будем благодарны за отзыв.',
];

const MARKET_TEXTS = {
	intro: 'Покупатель может задать вопрос по заказу в этом чате.',
	dispute: 'Открыт спор. Специалист Маркета подключится в течение 24 часов.',
	finished: 'Чат завершён.',
	waitingMarket: 'Передали обращение в поддержку Маркета.',
};

function customerFor(chatId: number): CustomerRecord {
	return {
		name: CUSTOMER_NAMES[chatId % CUSTOMER_NAMES.length],
		publicId: `sim-public-${chatId}`,
	};
}

/** Bytes of a fixture attachment: small, deterministic, and non-ASCII-safe. */
function fixtureFileData(name: string): Buffer {
	return Buffer.from(`simulated attachment ${name}\n`, 'utf8');
}

interface ChatSeed {
	chatId: number;
	businessId: number;
	campaignId?: number;
	status: ChatStatus;
	type: ChatType;
	contextType: ChatContextType;
	orderIdBase: number;
	/** Epoch ms of the chat's last message. */
	latestAt: number;
	messageCount: number;
}

/**
 * Who sent each message, oldest first. The last sender matches the status
 * (the customer is waiting for the shop → last is CUSTOMER, etc.).
 */
function senderScript(seed: ChatSeed): SenderType[] {
	const n = seed.messageCount;
	const last: SenderType =
		seed.status === 'WAITING_FOR_CUSTOMER'
			? 'PARTNER'
			: seed.status === 'FINISHED' || seed.status === 'WAITING_FOR_MARKET'
				? 'MARKET'
				: 'CUSTOMER';
	const senders: SenderType[] = new Array<SenderType>(n);
	senders[n - 1] = last;
	// Before the last one, customer and shop alternate.
	let next: SenderType = last === 'CUSTOMER' ? 'PARTNER' : 'CUSTOMER';
	for (let k = n - 2; k >= 0; k--) {
		senders[k] = next;
		next = next === 'CUSTOMER' ? 'PARTNER' : 'CUSTOMER';
	}
	if (seed.status === 'NEW') senders.fill('CUSTOMER');
	// Order/return chats open with Market's automatic notice, disputes with a support note.
	if (n >= 3 && seed.contextType !== 'DIRECT' && seed.status !== 'NEW') {
		senders[0] = seed.type === 'ARBITRAGE' ? 'SUPPORT' : 'MARKET';
	}
	return senders;
}

function buildChat(seed: ChatSeed, out: Fixtures): void {
	const { chatId, businessId } = seed;
	const customer = customerFor(chatId);
	const context: ChatRecord['context'] = { type: seed.contextType, customer };
	if (seed.contextType !== 'DIRECT') {
		const orderId = seed.orderIdBase + chatId;
		context.campaignId = seed.campaignId;
		context.orderId = orderId;
		out.orders.push({ id: orderId, businessId, campaignId: seed.campaignId!, customer });
		if (seed.contextType === 'RETURN') {
			const returnId = 880_000 + chatId;
			context.returnId = returnId;
			out.returns.push({ id: returnId, orderId, businessId, campaignId: seed.campaignId! });
		}
	}

	const senders = senderScript(seed);
	const n = senders.length;
	const times = senders.map((_, k) => seed.latestAt - (n - 1 - k) * 10 * MINUTE);
	senders.forEach((sender, k) => {
		const messageId = chatId * 1000 + k + 1;
		const msg: MessageRecord = { messageId, chatId, createdAt: formatMsk(times[k]), sender };
		const salt = chatId + k;
		if (sender === 'CUSTOMER' && salt % 7 === 0) {
			// A photo instead of text.
			msg.payload = [addFile(out, `photo_${chatId}_${k + 1}.jpg`, 'image/jpeg')];
		} else if (sender === 'PARTNER' && salt % 11 === 0) {
			msg.payload = [addFile(out, `invoice_${chatId}.pdf`, 'application/pdf')];
		} else if (sender === 'CUSTOMER') {
			msg.message = CUSTOMER_TEXTS[salt % CUSTOMER_TEXTS.length];
		} else if (sender === 'PARTNER') {
			msg.message = PARTNER_TEXTS[salt % PARTNER_TEXTS.length];
		} else if (sender === 'SUPPORT') {
			msg.message = MARKET_TEXTS.dispute;
		} else if (k === n - 1 && seed.status === 'FINISHED') {
			msg.message = MARKET_TEXTS.finished;
		} else if (k === n - 1 && seed.status === 'WAITING_FOR_MARKET') {
			msg.message = MARKET_TEXTS.waitingMarket;
		} else {
			msg.message = MARKET_TEXTS.intro;
		}
		out.messages.push(msg);
	});

	out.chats.push({
		chatId,
		businessId,
		type: seed.type,
		status: seed.status,
		context,
		createdAt: formatMsk(times[0]),
		updatedAt: formatMsk(times[n - 1]),
	});
}

function addFile(out: Fixtures, name: string, contentType: string): PayloadRecord {
	const id = `fx-${out.files.length + 1}`;
	const data = fixtureFileData(name);
	out.files.push({ id, name, contentType, data });
	return { name, size: data.length, url: `/files/${id}` };
}

function messageCountFor(status: ChatStatus, index: number): number {
	if (status === 'NEW') return 1 + (index % 2);
	return 2 + (index % 4);
}

/** Builds a fresh, independent copy of the default fixtures. */
export function createFixtures(): Fixtures {
	const out: Fixtures = {
		businesses: [
			{ id: DEMO, name: 'Demo Store' },
			{ id: SECOND, name: 'Second Store' },
			{ id: FOREIGN, name: 'Foreign Store' },
		],
		campaigns: [
			{
				id: 2001,
				businessId: DEMO,
				domain: 'demo-store.example',
				clientId: 31001,
				placementType: 'FBS',
				apiAvailability: 'AVAILABLE',
			},
			{
				id: 2002,
				businessId: DEMO,
				domain: 'demo-store-dbs.example',
				clientId: 31001,
				placementType: 'DBS',
				apiAvailability: 'AVAILABLE',
			},
			{
				id: 2101,
				businessId: SECOND,
				domain: 'second-store.example',
				clientId: 31002,
				placementType: 'FBY',
				apiAvailability: 'AVAILABLE',
			},
			{
				id: 2201,
				businessId: FOREIGN,
				domain: 'foreign-store.example',
				clientId: 31003,
				placementType: 'FBS',
				apiAvailability: 'AVAILABLE',
			},
		],
		apiKeys: [
			{
				key: SIM_KEYS.communication,
				name: 'Simulator: communication',
				scopes: ['COMMUNICATION'],
				businessIds: [DEMO, SECOND],
			},
			{
				key: SIM_KEYS.allMethods,
				name: 'Simulator: all methods',
				scopes: ['ALL_METHODS'],
				businessIds: [DEMO, SECOND],
			},
			{
				key: SIM_KEYS.readOnly,
				name: 'Simulator: read only',
				scopes: ['ALL_METHODS_READ_ONLY'],
				businessIds: [DEMO],
			},
			{
				key: SIM_KEYS.noChatScope,
				name: 'Simulator: pricing only',
				scopes: ['PRICING'],
				businessIds: [DEMO],
			},
		],
		orders: [],
		returns: [],
		chats: [],
		messages: [],
		files: [],
		...createGoodsFixtures(),
	};

	// Business 1001: 45 chats. Their "last activity" hours are a permutation of
	// 0..44 hours before LATEST ((i * 17) mod 45), so chatId order and list order
	// (most recently updated first) differ.
	let i = 0;
	for (const [count, status, type, contextType] of DEMO_CHAT_PLAN) {
		for (let c = 0; c < count; c++, i++) {
			const chatId = 101 + i;
			buildChat(
				{
					chatId,
					businessId: DEMO,
					// Returns exist only for FBY/FBS/Express, so RETURN chats live in the FBS campaign.
					campaignId: contextType === 'RETURN' || i % 3 !== 2 ? 2001 : 2002,
					status,
					type,
					contextType,
					orderIdBase: 7_000_000,
					latestAt: LATEST - ((i * 17) % 45) * HOUR - (i % 5) * MINUTE,
					messageCount: chatId === 101 ? 120 : messageCountFor(status, i),
				},
				out,
			);
		}
	}

	SECOND_CHAT_PLAN.forEach(([status, type, contextType], j) => {
		buildChat(
			{
				chatId: 201 + j,
				businessId: SECOND,
				campaignId: 2101,
				status,
				type,
				contextType,
				orderIdBase: 7_100_000,
				latestAt: LATEST - (j * 5 + 2) * HOUR,
				messageCount: messageCountFor(status, j),
			},
			out,
		);
	});

	buildChat(
		{
			chatId: 301,
			businessId: FOREIGN,
			campaignId: 2201,
			status: 'WAITING_FOR_PARTNER',
			type: 'CHAT',
			contextType: 'ORDER',
			orderIdBase: 7_200_000,
			latestAt: LATEST - 3 * HOUR,
			messageCount: 2,
		},
		out,
	);

	// Orders and returns without chats, so createChat has something to create.
	for (const id of [7000901, 7000902, 7000903, 7000905, 7000906]) {
		out.orders.push({ id, businessId: DEMO, campaignId: 2001, customer: customerFor(id) });
	}
	out.orders.push({
		id: 7000904,
		businessId: DEMO,
		campaignId: 2002,
		customer: customerFor(7000904),
	});
	out.returns.push({ id: 880901, orderId: 7000905, businessId: DEMO, campaignId: 2001 });
	out.returns.push({ id: 880902, orderId: 7000906, businessId: DEMO, campaignId: 2001 });
	out.orders.push({
		id: 7100901,
		businessId: SECOND,
		campaignId: 2101,
		customer: customerFor(7100901),
	});

	return out;
}

/** Deep copy of fixtures (Buffers are copied too), so a simulator never shares state with its input. */
export function cloneFixtures(f: Fixtures): Fixtures {
	return {
		businesses: f.businesses.map((b) => ({ ...b })),
		campaigns: f.campaigns.map((c) => ({ ...c })),
		apiKeys: f.apiKeys.map((k) => ({
			...k,
			scopes: [...k.scopes],
			businessIds: [...k.businessIds],
		})),
		orders: f.orders.map((o) => ({ ...o, customer: { ...o.customer } })),
		returns: f.returns.map((r) => ({ ...r })),
		chats: f.chats.map((c) => {
			const context = { ...c.context };
			if (c.context.customer) context.customer = { ...c.context.customer };
			return { ...c, context };
		}),
		messages: f.messages.map((m) => ({ ...m, payload: m.payload?.map((p) => ({ ...p })) })),
		files: f.files.map((x) => ({ ...x, data: Buffer.from(x.data) })),
		...cloneGoodsFixtures(f),
	};
}
