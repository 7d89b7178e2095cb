/**
 * The Polling Trigger in n8n-core's PollContext against the simulator, with Market's clock
 * in the test's hand: each buyer message is emitted once, across polls that repeat or
 * overlap, restarts (graceful or not), chats that change during a poll, deleted messages and
 * messages that show up late; the store's own messages never; and a quiet poll costs one
 * request.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { FIXTURE_FACTS } from '../simulator/fixtures';
import { SIM_KEYS, startSimulator, type Simulator } from '../simulator/server';
import { byId, PollHarness } from '../support/engine';

const BUSINESS = FIXTURE_FACTS.businesses.demo;
let now = Date.parse('2026-12-01T09:00:00Z');
const tick = (ms = 60_000) => (now += ms);
let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ clock: () => now });
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.chatOrder = 'activity';
	tick(3_600_000);
});

function harness(filters: IDataObject = {}, businessId: number = BUSINESS) {
	return new PollHarness(
		{ businessId: byId(businessId), filters: filters as INodeParameters },
		{ apiKey: SIM_KEYS.communication, baseUrl: sim.url },
	).start();
}

/** Chats of the business, newest created first. */
const createdOf = (businessId: number = BUSINESS) =>
	sim.state.chats
		.filter((c) => c.businessId === businessId)
		.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.chatId - a.chatId);
const pagesOf = () => Math.ceil(chatsOf().length / 20);
const mode = (poll: PollHarness) => (poll.cursor() as { order: { mode: string } }).order.mode;

/** Activates a trigger and moves an older chat ahead of a newer one, which proves activity order. */
async function proven(): Promise<PollHarness> {
	const poll = await harness();
	await poll.poll();
	tick();
	sim.addMessage(chatsOf()[5].chatId, { message: 'moves up' });
	tick();
	expect(texts(await poll.poll())).toEqual(['moves up']);
	expect(mode(poll)).toBe('activity');
	return poll;
}

/** Chats of the business, newest activity first. */
const chatsOf = (businessId: number = BUSINESS) =>
	sim.state.chats
		.filter((c) => c.businessId === businessId)
		.sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));

const calls = () => sim.requests.map((r) => r.operationId);
const texts = (items: Array<Record<string, unknown>>) => items.map((i) => i.message);

describe('Yandex Market Polling Trigger', () => {
	test('the first activation emits nothing old; the next poll emits each new buyer message once, in order, and none of the store', async () => {
		const poll = await harness();
		expect(await poll.poll()).toEqual([]);
		const [a, b] = chatsOf();

		tick(10_000);
		sim.addMessage(a.chatId, { message: 'Где мой заказ?' });
		tick(1_000);
		sim.addMessage(b.chatId, { message: 'Есть размер M?' });
		sim.addMessage(b.chatId, { sender: 'PARTNER', message: 'Да, есть' });
		tick();
		const items = await poll.poll();
		expect(texts(items)).toEqual(['Где мой заказ?', 'Есть размер M?']);
		const first = items[0] as Record<string, any>;
		const message = sim.messagesOf(a.chatId).at(-1)!;
		// The webhook trigger's CHAT_MESSAGE_SENT with details, and the chat.
		expect(first).toMatchObject({
			notificationType: 'CHAT_MESSAGE_SENT',
			businessId: BUSINESS,
			chatId: a.chatId,
			messageId: message.messageId,
			sender: 'CUSTOMER',
			createdAt: message.createdAt,
			notification: {
				notificationType: 'CHAT_MESSAGE_SENT',
				businessId: BUSINESS,
				chatId: a.chatId,
				messageId: String(message.messageId),
				sentAt: message.createdAt,
			},
			chat: { status: 'WAITING_FOR_PARTNER', context: expect.any(Object) },
		});

		tick();
		expect(await poll.poll()).toEqual([]);
	});

	test("with n8n's durable poll cursors the activation's poll keeps nothing; the first scheduled poll still goes on from the activation", async () => {
		const poll = await harness();
		expect(await poll.poll()).toEqual([]);
		await poll.dropUnsaved();
		expect(poll.cursor()).toBeUndefined();
		const [a] = chatsOf();
		tick();
		sim.addMessage(a.chatId, { message: 'between activation and first poll' });
		tick();
		expect(texts(await poll.poll())).toEqual(['between activation and first poll']);
	});

	test('a quiet poll is one getChats request once Market is seen listing by activity; a poll after two chats moved reads just those two, from their last messages', async () => {
		const poll = await proven();
		const [a, b] = chatsOf();
		tick();
		sim.addMessage(a.chatId, { message: 'one' });
		sim.addMessage(b.chatId, { message: 'two' });
		tick();
		await poll.poll();
		tick();

		sim.requests.length = 0;
		expect(await poll.poll()).toEqual([]);
		expect(calls()).toEqual(['getChats']);

		sim.addMessage(a.chatId, { message: 'three' });
		sim.addMessage(b.chatId, { message: 'four' });
		tick();
		sim.requests.length = 0;
		expect(texts(await poll.poll())).toEqual(['three', 'four']);
		expect(calls()).toEqual(['getChats', 'getChatHistory', 'getChatHistory']);
		const froms = sim.requests
			.slice(1)
			.map((r) => (r.json as { messageIdFrom?: number }).messageIdFrom);
		expect(froms.every((f) => typeof f === 'number')).toBe(true);
		expect(sim.requests.slice(1).every((r) => r.query.limit === '100')).toBe(true);
	});

	test('restarts: messages before a graceful stop, and while n8n is down, come once after the start; a killed n8n repeats nothing it emitted', async () => {
		let poll = await harness();
		await poll.poll();
		const [a, b, c] = chatsOf();

		tick();
		sim.addMessage(a.chatId, { message: 'while running' });
		tick();
		expect(texts(await poll.poll())).toEqual(['while running']);

		sim.addMessage(b.chatId, { message: 'just before the restart' });
		poll = await poll.restart(true);
		tick(5 * 60_000);
		sim.addMessage(c.chatId, { message: 'while down' });
		tick();
		expect(texts(await poll.poll())).toEqual(['just before the restart', 'while down']);

		// Killed: the cursor of polls that emitted nothing is not saved; those that emitted were.
		tick();
		sim.addMessage(a.chatId, { sender: 'PARTNER', message: 'store reply' });
		tick();
		expect(await poll.poll()).toEqual([]);
		sim.addMessage(a.chatId, { message: 'after the kill' });
		poll = await poll.restart(false);
		tick();
		expect(texts(await poll.poll())).toEqual(['after the kill']);
		tick();
		expect(await poll.poll()).toEqual([]);
	});

	test('a poll that runs twice, or two that overlap, emit each message once', async () => {
		const poll = await harness();
		await poll.poll();
		const chats = chatsOf().slice(0, 6);
		tick();
		for (const [i, chat] of chats.entries()) sim.addMessage(chat.chatId, { message: `m${i}` });
		tick();
		const [first, second] = await Promise.all([poll.poll(), poll.poll()]);
		const third = await poll.poll();
		expect(texts([...first, ...second, ...third]).sort()).toEqual(
			['m0', 'm1', 'm2', 'm3', 'm4', 'm5'].sort(),
		);
	});

	test('a message written during a poll, in the same second as Market answered, comes with the next poll, once', async () => {
		const poll = await harness();
		await poll.poll();
		const [a] = chatsOf();
		tick();
		sim.addMessage(a.chatId, { message: 'earlier' });
		tick();
		expect(texts(await poll.poll())).toEqual(['earlier']);
		tick();
		sim.addMessage(a.chatId, { message: 'before' });
		// Right after Market answers the history read, same second: the chat's updatedAt stays.
		let injected = false;
		const original = sim.state.messages.length;
		const stop = onAnswer('getChatHistory', () => {
			if (injected) return;
			injected = true;
			sim.addMessage(a.chatId, { message: 'during' });
		});
		expect(texts(await poll.poll())).toEqual(['before']);
		stop();
		expect(injected).toBe(true);
		expect(sim.state.messages.length).toBe(original + 1);
		tick();
		expect(texts(await poll.poll())).toEqual(['during']);
		tick();
		expect(await poll.poll()).toEqual([]);
	});

	test('a deleted message repeats nothing; a message that shows up late, with a lower ID, comes once', async () => {
		const poll = await harness();
		await poll.poll();
		const [a] = chatsOf();
		tick();
		const m1 = sim.addMessage(a.chatId, { message: 'first', messageId: 990_001 });
		const m3 = sim.addMessage(a.chatId, { message: 'third', messageId: 990_003 });
		tick();
		expect(texts(await poll.poll())).toEqual(['first', 'third']);

		sim.deleteMessage(a.chatId, m3.messageId);
		tick();
		sim.addMessage(a.chatId, { message: 'late', messageId: 990_002 });
		tick();
		expect(texts(await poll.poll())).toEqual(['late']);
		sim.deleteMessage(a.chatId, m1.messageId);
		tick();
		sim.addMessage(a.chatId, { message: 'after deletes', messageId: 990_004 });
		tick();
		expect(texts(await poll.poll())).toEqual(['after deletes']);
		tick();
		expect(await poll.poll()).toEqual([]);
	});

	test('a chat the cursor let go of, or never saw, is read whole and gives only what is new', async () => {
		const poll = await harness();
		await poll.poll();
		const fresh = sim.addChat({ businessId: BUSINESS });
		sim.addMessage(fresh.chatId, { message: 'hello from a new chat' });
		const long = FIXTURE_FACTS.longChat.chatId;
		tick();
		sim.addMessage(long, { message: 'long chat speaks' });
		tick();
		sim.requests.length = 0;
		expect(texts(await poll.poll()).sort()).toEqual(['hello from a new chat', 'long chat speaks']);
		// 120 old messages in the long chat: two pages of history, none of them emitted.
		expect(calls().filter((c) => c === 'getChatHistory').length).toBeGreaterThanOrEqual(3);
	});

	test('senders and chat statuses: only what is chosen is emitted, and the rest is not emitted later either', async () => {
		const poll = await harness({
			senders: ['CUSTOMER', 'SUPPORT'],
			statuses: ['WAITING_FOR_PARTNER'],
		});
		await poll.poll();
		const [a, b] = chatsOf();
		tick();
		sim.addMessage(a.chatId, { message: 'buyer' });
		sim.addMessage(a.chatId, {
			sender: 'SUPPORT',
			message: 'support',
			status: 'WAITING_FOR_PARTNER',
		});
		sim.addMessage(a.chatId, {
			sender: 'MARKET',
			message: 'market',
			status: 'WAITING_FOR_PARTNER',
		});
		sim.addMessage(b.chatId, { message: 'finished chat', status: 'FINISHED' });
		tick();
		expect(texts(await poll.poll())).toEqual(['buyer', 'support']);
		sim.setChatStatus(b.chatId, 'WAITING_FOR_PARTNER');
		tick();
		expect(await poll.poll()).toEqual([]);
	});

	test('Market failing: a 420 is waited out inside the poll; a history read that keeps failing emits what was read whole, and the rest comes next time, none twice', async () => {
		const poll = await harness();
		await poll.poll();
		const [a, b, c] = chatsOf();
		tick();
		sim.addMessage(a.chatId, { message: 'A' });
		tick(1000);
		sim.addMessage(b.chatId, { message: 'B' });
		tick(1000);
		sim.addMessage(c.chatId, { message: 'C' });
		tick();

		// Parallel 420 once, then the second history read fails 4 times (its repeats used up).
		sim.injectFault('getChats', { status: 420, remaining: 10, until: Date.now() + 3_600_000 }, 1);
		sim.injectFault('getChatHistory', { status: 500, after: 1 }, 4);
		const items = await poll.poll();
		expect(texts(items)).toEqual(['C']);
		tick();
		expect(texts(await poll.poll()).sort()).toEqual(['A', 'B']);
		tick();
		expect(await poll.poll()).toEqual([]);
	});

	test('a poll that cannot list chats fails with a readable error, emits nothing and leaves the cursor', async () => {
		const poll = await harness();
		await poll.poll();
		const before = JSON.stringify(poll.cursor());
		const [a] = chatsOf();
		tick();
		sim.addMessage(a.chatId, { message: 'kept for later' });
		tick();
		sim.injectFault('getChats', { status: 500 }, 4);
		await expect(poll.poll()).rejects.toThrow(/500|Market/);
		expect(JSON.stringify(poll.cursor())).toBe(before);
		expect(JSON.stringify(poll.cursor())).not.toContain(SIM_KEYS.communication);
		tick();
		expect(texts(await poll.poll())).toEqual(['kept for later']);
	});

	test('a manual test run shows the latest buyer message and leaves the cursor alone', async () => {
		const poll = await harness();
		const [a, b] = chatsOf();
		sim.addMessage(b.chatId, { message: 'older buyer message' });
		tick(1000);
		sim.addMessage(a.chatId, { message: 'latest buyer message' });
		sim.addMessage(a.chatId, { sender: 'PARTNER', message: 'store answer' });
		const sample = await poll.poll('manual');
		expect(texts(sample)).toEqual(['latest buyer message']);
		expect(poll.cursor()).toBeUndefined();
		// And a published workflow still starts from its own activation.
		expect(await poll.poll()).toEqual([]);
	});

	test('another business in the parameter starts afresh from now', async () => {
		const first = await harness();
		await first.poll();
		const second = FIXTURE_FACTS.businesses.second;
		const other = new PollHarness(
			{ businessId: byId(second), filters: {} },
			{ apiKey: SIM_KEYS.communication, baseUrl: sim.url },
		);
		other.saved = first.saved;
		await other.start();
		expect(await other.poll()).toEqual([]);
		const [chat] = chatsOf(second);
		tick();
		sim.addMessage(chat.chatId, { message: 'second business' });
		tick();
		expect(texts(await other.poll())).toEqual(['second business']);
	});
});

describe('Market’s order of chats, which its spec does not state', () => {
	test('until Market is seen listing by activity, every poll lists every page; after, a quiet poll is one request, and once an hour every page again', async () => {
		const poll = await harness();
		expect(await poll.poll()).toEqual([]);
		expect(mode(poll)).toBe('unknown');
		tick();
		sim.requests.length = 0;
		expect(await poll.poll()).toEqual([]);
		// Quiet: no chat overtook another, so no fixed order is ruled out yet.
		expect(calls()).toEqual(Array(pagesOf()).fill('getChats'));
		expect(mode(poll)).toBe('unknown');

		sim.addMessage(chatsOf()[7].chatId, { message: 'overtakes' });
		tick();
		expect(texts(await poll.poll())).toEqual(['overtakes']);
		expect(mode(poll)).toBe('activity');
		for (let minute = 1; minute <= 61; minute++) {
			tick();
			sim.requests.length = 0;
			expect(await poll.poll()).toEqual([]);
			if (calls().length > 1) break;
			expect(calls()).toEqual(['getChats']);
		}
		// The hourly check lists every page and keeps the proof.
		expect(calls()).toEqual(Array(pagesOf()).fill('getChats'));
		expect(mode(poll)).toBe('activity');
	});

	test.each(['activity', 'creation'] as const)(
		'1,000 chats listed in %s order: what a poll costs (README), messages written in the same second as a poll included',
		async (order) => {
			sim.chatOrder = order;
			for (let i = chatsOf().length; i < 1000; i++) {
				tick(1000);
				sim.addChat({ businessId: BUSINESS });
			}
			const all = chatsOf().map((c) => c.chatId);
			const poll = await harness();
			await poll.poll();
			const written: string[] = [];
			const emitted: string[] = [];
			const perPoll: number[] = [];
			for (let minute = 0; minute < 8; minute++) {
				// Three chats far down the list, written in the same second as the poll.
				if (minute % 4 === 0)
					for (const chatId of [all[500 + minute], all[900 + minute], all[999 - minute]])
						written.push(String(sim.addMessage(chatId, { message: 'x' }).messageId));
				sim.requests.length = 0;
				emitted.push(...(await poll.poll()).map((i) => String(i.messageId)));
				perPoll.push(calls().filter((c) => c === 'getChats').length);
				tick();
			}
			emitted.push(...(await poll.poll()).map((i) => String(i.messageId)));
			expect(emitted.sort()).toEqual(written.sort());
			if (order === 'activity') {
				// A full listing sees the first chats move up; from then on one request a poll.
				expect(perPoll).toEqual([50, 1, 1, 1, 1, 1, 1, 1]);
			} else {
				expect(perPoll).toEqual(Array(8).fill(50));
			}
		},
		60_000,
	);

	test.each(['creation', 'idAsc', 'shuffled'] as const)(
		'listed in %s order: a buyer message in a chat on the last page comes once, and the fallback is logged once',
		async (order) => {
			sim.chatOrder = order;
			const warn = jest.spyOn(Container.get(Logger), 'warn');
			try {
				const poll = await harness();
				await poll.poll();
				const oldest = createdOf().at(-1)!;
				for (let round = 0; round < 5; round++) {
					tick();
					sim.addMessage(oldest.chatId, { message: `oldest chat ${round}` });
					sim.addMessage(createdOf()[round].chatId, { message: `newer chat ${round}` });
					tick();
					expect(texts(await poll.poll()).sort()).toEqual(
						[`oldest chat ${round}`, `newer chat ${round}`].sort(),
					);
					expect(mode(poll)).toBe('other');
				}
				const told = warn.mock.calls.filter(([m]) =>
					/does not list chats by latest activity/.test(String(m)),
				);
				expect(told).toHaveLength(1);
			} finally {
				warn.mockRestore();
			}
		},
	);

	test.each(['creation', 'idAsc', 'shuffled'] as const)(
		'listed in %s order: a manual test run still shows the latest buyer message',
		async (order) => {
			sim.chatOrder = order;
			const poll = await harness();
			const oldest = createdOf().at(-1)!;
			sim.addMessage(createdOf()[0].chatId, { message: 'older buyer message' });
			tick(1000);
			sim.addMessage(oldest.chatId, { message: 'latest buyer message' });
			expect(texts(await poll.poll('manual'))).toEqual(['latest buyer message']);
		},
	);

	test.each(['creation', 'idAsc'] as const)(
		'%s order that happens to match activity order, page after page, is not taken for it: a message in a chat on the last page still comes',
		async (order) => {
			// Every chat active in the order Market lists it: both orders list the same three pages.
			const listed =
				order === 'creation' ? createdOf() : chatsOf().sort((a, b) => a.chatId - b.chatId);
			for (const chat of [...listed].reverse()) {
				tick(1000);
				sim.addMessage(chat.chatId, { sender: 'PARTNER', message: 'in listing order' });
			}
			sim.chatOrder = order;
			const poll = await harness();
			await poll.poll();
			for (let k = 0; k < 5; k++) {
				tick();
				expect(await poll.poll()).toEqual([]);
			}
			expect(mode(poll)).toBe('unknown');
			sim.addMessage(listed.at(-1)!.chatId, { message: 'on the last page' });
			tick();
			sim.requests.length = 0;
			expect(texts(await poll.poll())).toEqual(['on the last page']);
			expect(calls().filter((c) => c === 'getChats')).toHaveLength(pagesOf());
			expect(mode(poll)).toBe('other');
		},
	);

	test('Market changing its order after it was proven: a page out of order is seen at once; one that looks sorted is caught by the hourly check, late but once', async () => {
		const poll = await proven();
		// The 20 newest-created chats become active oldest-created first: listed by creation,
		// the first page then looks sorted by activity.
		const newest = createdOf().slice(0, 20).reverse();
		for (const chat of newest) {
			tick(1000);
			sim.addMessage(chat.chatId, { sender: 'PARTNER', message: 'store' });
		}
		tick();
		expect(await poll.poll()).toEqual([]);
		sim.chatOrder = 'creation';
		const old = createdOf().at(-1)!;
		tick();
		sim.addMessage(old.chatId, { message: 'hidden behind a sorted first page' });
		tick();
		sim.requests.length = 0;
		expect(await poll.poll()).toEqual([]);
		expect(calls()).toEqual(['getChats']);
		let found: Array<Record<string, unknown>> = [];
		for (let minute = 0; minute < 61 && found.length === 0; minute++) {
			tick();
			found = await poll.poll();
		}
		expect(texts(found)).toEqual(['hidden behind a sorted first page']);
		expect(mode(poll)).toBe('other');
		tick();
		expect(await poll.poll()).toEqual([]);

		// A first page out of order after the proof: that very poll lists every page.
		sim.chatOrder = 'activity';
		const again = await proven();
		sim.chatOrder = 'idAsc';
		tick();
		sim.addMessage(createdOf()[30].chatId, { message: 'out of order' });
		tick();
		expect(texts(await again.poll())).toEqual(['out of order']);
		expect(mode(again)).toBe('other');
	});
});

/** Runs `fn` right after the simulator answers `op` (until the returned stop is called). */
function onAnswer(op: string, fn: () => void): () => void {
	const opts = (
		sim as unknown as { opts: { afterReply?: (r: { operationId: string | null }) => void } }
	).opts;
	const before = opts.afterReply;
	opts.afterReply = (r) => {
		before?.(r);
		if (r.operationId === op) fn();
	};
	return () => {
		opts.afterReply = before;
	};
}
