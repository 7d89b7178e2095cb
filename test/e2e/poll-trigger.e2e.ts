/**
 * The Yandex Market Polling Trigger in a real n8n: a published auto-reply workflow (poll
 * trigger, every minute → Yandex Market node "We received your message") against the
 * simulator, with buyer and store messages written into chats old and new (the oldest sit on
 * the last page when Market lists by creation) before the first activation, while n8n runs,
 * just before a restart and while n8n is down. Each buyer message must start the workflow
 * exactly once; the store's own messages (the replies among them) never. It runs with chats
 * listed by latest activity and by creation (YM_SIM_CHAT_ORDER picks one order instead).
 *
 * A second workflow watches new reviews and questions (Trigger On): buyers' reviews and
 * questions, many published days after they were written, before the activation, while n8n
 * runs, just before a restart and while it is down; each must start the workflow exactly once.
 * It runs under the simulator's default review semantics, or those YM_SIM_FEEDBACK_ORDER and
 * YM_SIM_FEEDBACK_DATE set.
 */
import {
	CHAT_ORDERS,
	SIM_KEYS,
	startSimulator,
	type ChatOrder,
	type Simulator,
} from '../simulator/server';
import {
	E2E_OWNER as OWNER,
	N8nRestSession,
	ensureN8n,
	executionItems,
	listExecutions,
	loadWorkflow,
	packPackage,
	publishedWorkflow,
	waitUntil,
	type N8nInstance,
	type N8nRuntime,
} from './harness';

const WORKFLOW = loadWorkflow('poll-auto-reply') as ReturnType<typeof loadWorkflow> & {
	nodes: Array<{ name: string }>;
};
const TRIGGER = WORKFLOW.nodes[0].name;
const BUSINESS = 1001;
const REPLY = 'We received your message';
/** n8n polls at most once a minute; a poll is awaited a little longer than that. */
const POLL_WAIT_MS = 75_000;

const log = (msg: string) => process.stderr.write(`[e2e poll] ${msg}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let runtime: N8nRuntime;
let sim: Simulator;
let n8n: N8nInstance;
let rest: N8nRestSession;

const executions = async () => await listExecutions(rest, WORKFLOW.id);
const waitFor = async <T>(
	what: string,
	probe: () => Promise<T | undefined> | T | undefined,
	ms: number,
) => await waitUntil(n8n, what, probe, ms);
const emitted = async (executionId: string) =>
	await executionItems(rest, runtime, executionId, TRIGGER);

/** Every message the trigger has emitted so far, in execution order, once all have finished. */
async function allEmitted(): Promise<Array<Record<string, any>>> {
	const all = await waitFor(
		'executions to finish',
		async () => {
			const list = await executions();
			return list.every((e) => !['running', 'new', 'waiting'].includes(e.status))
				? list
				: undefined;
		},
		30_000,
	);
	const items: Array<Record<string, any>> = [];
	for (const execution of [...all].reverse()) items.push(...(await emitted(execution.id)));
	return items;
}

/** Waits until n8n has polled Market once more (a getChats request after now), and a moment. */
async function nextPoll(): Promise<void> {
	const seen = sim.requests.filter((r) => r.operationId === 'getChats').length;
	await waitFor(
		'a poll',
		() =>
			sim.requests.filter((r) => r.operationId === 'getChats').length > seen ? true : undefined,
		POLL_WAIT_MS,
	);
	await sleep(4000);
}

const buyer = (chatId: number, text: string) => sim.addMessage(chatId, { message: text });
const store = (chatId: number, text: string) =>
	sim.addMessage(chatId, { sender: 'PARTNER', message: text });

/** Opt-in in n8n 2.x: the poll's static data is committed with the execution it starts. */
const DURABLE_CURSORS = {
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
};
const N8N_1 = (process.env.N8N_E2E_VERSION ?? '2').startsWith('1.');

function suite(order: ChatOrder, env: Record<string, string>) {
	beforeAll(async () => {
		runtime = ensureN8n();
		const pack = packPackage();
		expect(pack.files).toContain('dist/nodes/YandexMarket/YandexMarketPollTrigger.node.js');
		sim = await startSimulator({ chatOrder: order });
		n8n = await publishedWorkflow(
			runtime,
			pack,
			WORKFLOW,
			{ apiKey: SIM_KEYS.communication, baseUrl: sim.url },
			env,
		);
	}, 30 * 60_000);

	afterAll(async () => {
		await n8n?.stop();
		await sim?.close();
		if (process.env.N8N_E2E_KEEP) log(`kept ${n8n?.userFolder} (log: ${n8n?.logFile})`);
		await n8n?.dispose();
	}, 60_000);

	test(
		'buyer messages around a restart start the workflow exactly once each; old ones and the store’s own never',
		async () => {
			// Newest and oldest created chats, alternately: three pages of chats lie between.
			const created = sim.state.chats
				.filter((c) => c.businessId === BUSINESS)
				.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
				.map((c) => c.chatId);
			const chats = [0, -1, 1, -2, 2, -3].map((i) => created.at(i)!);

			// Before the first activation: old, never emitted.
			buyer(chats[0], 'before activation');
			store(chats[1], 'store, before activation');
			await sleep(2500);
			log(`n8n ready in ${((await n8n.start()) / 1000).toFixed(1)} s`);
			await n8n.setupOwner(OWNER);
			rest = new N8nRestSession(n8n.baseUrl);
			await rest.login(OWNER.email, OWNER.password);
			await waitFor(
				'the first poll',
				() => (sim.requests.some((r) => r.operationId === 'getChats') ? true : undefined),
				30_000,
			);
			await sleep(3000);
			expect(await executions()).toHaveLength(0);

			// While n8n runs, in an old chat and in a chat the buyer just opened.
			buyer(chats[1], 'while running');
			store(chats[3], 'store, while running');
			const fresh = sim.addChat({ businessId: BUSINESS }).chatId;
			buyer(fresh, 'in a new chat');
			await nextPoll();
			expect((await allEmitted()).map((i) => i.message).sort()).toEqual(
				['in a new chat', 'while running'].sort(),
			);

			// Just before a restart, and while n8n is down.
			buyer(chats[3], 'just before the restart');
			await n8n.stop();
			buyer(chats[4], 'while n8n is down');
			store(chats[5], 'store, while n8n is down');
			buyer(chats[1], 'while down, in a chat already answered');
			await sleep(1500);
			log(`n8n restarted in ${((await n8n.start()) / 1000).toFixed(1)} s`);
			await rest.login(OWNER.email, OWNER.password);
			await waitFor(
				'the restart to be picked up',
				async () => ((await allEmitted()).length >= 5 ? true : undefined),
				POLL_WAIT_MS,
			);

			// One more scheduled poll: nothing is emitted again.
			await nextPoll();
			const items = await allEmitted();
			const texts = items.map((i) => i.message).sort();
			log(`emitted ${items.length} item(s) in ${(await executions()).length} execution(s)`);
			expect(texts).toEqual(
				[
					'while running',
					'in a new chat',
					'just before the restart',
					'while n8n is down',
					'while down, in a chat already answered',
				].sort(),
			);
			expect(items.every((i) => i.sender === 'CUSTOMER' && i.businessId === BUSINESS)).toBe(true);
			expect(items[0]).toMatchObject({
				notificationType: 'CHAT_MESSAGE_SENT',
				notification: { notificationType: 'CHAT_MESSAGE_SENT', businessId: BUSINESS },
			});
			// Each buyer message was answered once; the replies themselves started nothing.
			const replies = sim.state.sentMessages.map((m) => `${m.chatId} ${m.message}`).sort();
			expect(replies).toEqual(
				[chats[1], fresh, chats[3], chats[4], chats[1]].map((c) => `${c} ${REPLY}`).sort(),
			);
			const statuses = (await executions()).map((e) => e.status);
			expect(statuses.every((s) => s === 'success')).toBe(true);
			expect(sim.requests.every((r) => r.headers['api-key'] === SIM_KEYS.communication)).toBe(true);
			expect(n8n.logText()).not.toContain(SIM_KEYS.communication);
		},
		10 * 60_000,
	);
}

const GOODS_WORKFLOW = loadWorkflow('poll-reviews-questions') as ReturnType<typeof loadWorkflow> & {
	nodes: Array<{ name: string }>;
};
const GOODS_TRIGGER = GOODS_WORKFLOW.nodes[0].name;
const OFFER = 'KETTLE-01';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function goodsSuite(env: Record<string, string>) {
	const goodsExecutions = async () => await listExecutions(rest, GOODS_WORKFLOW.id);
	/** Every review and question emitted so far, once all executions have finished. */
	async function goodsEmitted(): Promise<Array<Record<string, any>>> {
		const all = await waitFor(
			'executions to finish',
			async () => {
				const list = await goodsExecutions();
				return list.every((e) => !['running', 'new', 'waiting'].includes(e.status))
					? list
					: undefined;
			},
			30_000,
		);
		const items: Array<Record<string, any>> = [];
		for (const execution of [...all].reverse())
			items.push(...(await executionItems(rest, runtime, execution.id, GOODS_TRIGGER)));
		return items;
	}
	const asked = () => sim.requests.filter((r) => r.operationId === 'getGoodsQuestions').length;
	async function nextGoodsPoll(): Promise<void> {
		const seen = asked();
		await waitFor('a poll', () => (asked() > seen ? true : undefined), POLL_WAIT_MS);
		await sleep(4000);
	}
	const review = (text: string, moderationMs: number) =>
		sim.addFeedback({
			businessId: BUSINESS,
			offerId: OFFER,
			rating: 4,
			comment: text,
			moderationMs,
		});
	const question = (text: string, askedAgoMs = 0) =>
		sim.addQuestion({
			businessId: BUSINESS,
			offerId: OFFER,
			text,
			createdAt: new Date(Date.now() - askedAgoMs).toISOString(),
		});
	const key = (i: Record<string, any>) =>
		i.notificationType === 'GOODS_FEEDBACK_CREATED' ? `review ${i.text}` : `question ${i.text}`;

	beforeAll(async () => {
		runtime = ensureN8n();
		const pack = packPackage();
		sim = await startSimulator();
		n8n = await publishedWorkflow(
			runtime,
			pack,
			GOODS_WORKFLOW,
			{ apiKey: SIM_KEYS.communication, baseUrl: sim.url },
			env,
		);
	}, 30 * 60_000);

	afterAll(async () => {
		await n8n?.stop();
		await sim?.close();
		if (process.env.N8N_E2E_KEEP) log(`kept ${n8n?.userFolder} (log: ${n8n?.logFile})`);
		await n8n?.dispose();
	}, 60_000);

	test(
		'new reviews and questions around a restart start the workflow exactly once each, moderation delays included; old ones never',
		async () => {
			review('before activation', HOUR);
			question('before activation');
			await sleep(2500);
			log(`n8n ready in ${((await n8n.start()) / 1000).toFixed(1)} s`);
			await n8n.setupOwner(OWNER);
			rest = new N8nRestSession(n8n.baseUrl);
			await rest.login(OWNER.email, OWNER.password);
			await waitFor('the first poll', () => (asked() > 0 ? true : undefined), 30_000);
			await sleep(3000);
			expect(await goodsExecutions()).toHaveLength(0);

			review('while running, three hours in moderation', 3 * HOUR);
			question('while running, asked two days ago', 2 * DAY);
			await nextGoodsPoll();
			expect((await goodsEmitted()).map(key).sort()).toEqual(
				[
					'review while running, three hours in moderation',
					'question while running, asked two days ago',
				].sort(),
			);

			review('just before the restart', 10 * 60_000);
			await n8n.stop();
			question('while n8n is down');
			review('while n8n is down, five days in moderation', 5 * DAY);
			await sleep(1500);
			log(`n8n restarted in ${((await n8n.start()) / 1000).toFixed(1)} s`);
			await rest.login(OWNER.email, OWNER.password);
			await waitFor(
				'the restart to be picked up',
				async () => ((await goodsEmitted()).length >= 5 ? true : undefined),
				POLL_WAIT_MS,
			);
			await nextGoodsPoll();
			const items = await goodsEmitted();
			log(`emitted ${items.length} item(s) in ${(await goodsExecutions()).length} execution(s)`);
			expect(items.map(key).sort()).toEqual(
				[
					'review while running, three hours in moderation',
					'question while running, asked two days ago',
					'review just before the restart',
					'question while n8n is down',
					'review while n8n is down, five days in moderation',
				].sort(),
			);
			const first = items.find((i) => i.notificationType === 'GOODS_FEEDBACK_CREATED')!;
			expect(first).toMatchObject({
				businessId: BUSINESS,
				rating: 4,
				authorType: 'USER',
				review: { statistics: { rating: 4 } },
			});
			expect(typeof first.feedbackId).toBe('number');
			const q = items.find((i) => i.notificationType === 'QUESTION_CREATED')!;
			expect(q).toMatchObject({
				businessId: BUSINESS,
				authorType: 'USER',
				question: { author: { type: 'USER' } },
			});
			expect(typeof q.questionId).toBe('number');
			const statuses = (await goodsExecutions()).map((e) => e.status);
			expect(statuses.every((s) => s === 'success')).toBe(true);
			expect(n8n.logText()).not.toContain(SIM_KEYS.communication);
		},
		10 * 60_000,
	);
}

describe('new reviews and questions, default settings', () => goodsSuite({}));
if (!N8N_1)
	describe('new reviews and questions, durable poll cursors', () => goodsSuite(DURABLE_CURSORS));

const wanted = process.env.YM_SIM_CHAT_ORDER as ChatOrder | undefined;
const ORDERS: ChatOrder[] =
	wanted && CHAT_ORDERS.includes(wanted) ? [wanted] : ['activity', 'creation'];
for (const order of ORDERS) {
	describe(`chats listed by ${order}, default settings`, () => suite(order, {}));
	if (!N8N_1)
		describe(`chats listed by ${order}, durable poll cursors`, () => suite(order, DURABLE_CURSORS));
}
