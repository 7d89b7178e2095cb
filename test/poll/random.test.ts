/**
 * Seeded random runs of the Polling Trigger: buyer and store messages in every chat of a
 * business (45, old and new, three pages) and in chats started during the run, polls that
 * overlap, restarts (graceful and killed), Market failing, writes in the same second as a
 * poll. Under every order in which the simulator can list chats, every buyer message written
 * after the activation is emitted exactly once and the store's never; listing stops early only
 * under Market's activity order, and every other order is told apart before it costs a message.
 */
import { FIXTURE_FACTS } from '../simulator/fixtures';
import {
	CHAT_ORDERS,
	SIM_KEYS,
	startSimulator,
	type ChatOrder,
	type Simulator,
} from '../simulator/server';
import { byId, PollHarness } from '../support/engine';

const BUSINESS = FIXTURE_FACTS.businesses.demo;
let now = Date.parse('2026-12-02T09:00:00Z');
let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ clock: () => now });
});
afterAll(async () => await sim.close());

function mulberry32(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** What the trigger's cursor has concluded of Market's order. */
const orderMode = (poll: PollHarness) =>
	(poll.cursor() as { order?: { mode?: string } } | undefined)?.order?.mode;

async function run(seed: number, order: ChatOrder) {
	const random = mulberry32(seed);
	const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
	sim.reset();
	sim.chatOrder = order;
	now += 3_600_000;
	const records = sim.state.chats.filter((c) => c.businessId === BUSINESS);
	// Half the runs of a fixed order start with every chat active in the order Market lists
	// it: the listing then looks sorted by activity until an older chat speaks.
	if ((order === 'creation' || order === 'idAsc') && seed % 2 === 0) {
		const listed = [...records].sort((a, b) =>
			order === 'creation'
				? Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.chatId - a.chatId
				: a.chatId - b.chatId,
		);
		for (const chat of listed.reverse()) {
			now += 1000;
			sim.addMessage(chat.chatId, { sender: 'PARTNER', message: 'aligned' });
		}
	}
	const chats = records.map((c) => c.chatId);
	let earlyPolls = 0;
	let poll = await new PollHarness(
		{ businessId: byId(BUSINESS), filters: {} },
		{ apiKey: SIM_KEYS.communication, baseUrl: sim.url },
	).start();
	expect(await poll.poll()).toEqual([]);
	const written = new Set<string>();
	const emitted: string[] = [];
	const collect = (items: Array<Record<string, unknown>>) => {
		for (const i of items) emitted.push(`${i.chatId}:${i.messageId}:${i.sender}`);
	};
	const write = (n: number) => {
		for (let k = 0; k < n; k++) {
			if (random() < 0.05) chats.push(sim.addChat({ businessId: BUSINESS }).chatId);
			const sender = random() < 0.3 ? 'PARTNER' : 'CUSTOMER';
			const m = sim.addMessage(pick(chats), { sender, message: `s${seed}` });
			if (sender === 'CUSTOMER') written.add(`${m.chatId}:${m.messageId}:CUSTOMER`);
		}
	};
	const safePoll = async () => {
		if (orderMode(poll) === 'activity') earlyPolls++;
		try {
			collect(await poll.poll());
		} catch {
			// A failed poll may throw; what it did not emit must come later.
		}
	};
	for (let step = 0; step < 20; step++) {
		const r = random();
		write(Math.floor(random() * 5));
		now += random() < 0.3 ? Math.floor(random() * 1500) : 60_000;
		if (r < 0.15) {
			const stop = onHistory(() => write(1));
			await safePoll();
			stop();
		} else if (r < 0.3) {
			await Promise.all([safePoll(), safePoll()]);
		} else if (r < 0.4) {
			poll = await poll.restart(random() < 0.5);
		} else if (r < 0.5) {
			sim.injectFault(
				pick(['getChats', 'getChatHistory'] as const),
				{
					status: 500,
					after: Math.floor(random() * 3),
				},
				4,
			);
			await safePoll();
		} else {
			await safePoll();
		}
	}
	// Faults end: a few quiet polls deliver whatever is left.
	(sim as unknown as { faults: Map<string, unknown> }).faults.clear();
	for (let k = 0; k < 3; k++) {
		now += 60_000;
		collect(await poll.poll());
	}
	return { written, emitted, earlyPolls, proven: orderMode(poll) === 'activity' };
}

let stopHook: (() => void) | undefined;
function onHistory(fn: () => void): () => void {
	const opts = (
		sim as unknown as { opts: { afterReply?: (r: { operationId: string | null }) => void } }
	).opts;
	let done = false;
	opts.afterReply = (r) => {
		if (r.operationId === 'getChatHistory' && !done) {
			done = true;
			fn();
		}
	};
	stopHook = () => {
		opts.afterReply = undefined;
	};
	return stopHook;
}

const SEEDS = 20;

describe.each(CHAT_ORDERS)('chats listed in %s order', (order) => {
	test(`${SEEDS} seeded runs: every buyer message once, none lost, none of the store; listing stops early only when Market lists by activity`, async () => {
		let written = 0;
		let emitted = 0;
		let duplicates = 0;
		let lost = 0;
		let store = 0;
		let earlyPolls = 0;
		let proven = 0;
		for (let seed = 1; seed <= SEEDS; seed++) {
			const result = await run(seed, order);
			const seen = new Set<string>();
			for (const e of result.emitted) {
				if (seen.has(e)) duplicates++;
				seen.add(e);
				if (!e.endsWith(':CUSTOMER')) store++;
			}
			for (const w of result.written) if (!seen.has(w)) lost++;
			written += result.written.size;
			emitted += result.emitted.length;
			earlyPolls += result.earlyPolls;
			if (result.proven) proven++;
		}
		process.stderr.write(
			`[poll random] ${order}: ${SEEDS} seeds, ${written} buyer messages written, ${emitted} emitted, ${duplicates} duplicates, ${lost} lost, ${store} store messages emitted; ${earlyPolls} polls stopped listing early; activity order proven in ${proven} runs\n`,
		);
		expect({ duplicates, lost, store }).toEqual({ duplicates: 0, lost: 0, store: 0 });
		expect(emitted).toBe(written);
		expect(written).toBeGreaterThan(250);
		if (order === 'activity') {
			// The economy: Market's activity order is seen in every run, and most polls use it.
			expect(proven).toBe(SEEDS);
			expect(earlyPolls).toBeGreaterThan(SEEDS * 10);
		} else {
			// Never mistaken for activity order: no poll stopped listing early.
			expect({ earlyPolls, proven }).toEqual({ earlyPolls: 0, proven: 0 });
		}
	}, 120_000);
});
