/**
 * The package in n8n's queue mode (n8n 2.41.1): main, webhook processes A and B, one worker,
 * PostgreSQL and Redis (queue-cluster.ts). Market's notifications are posted to A and to B as
 * a load balancer would spread them; executions are counted in the shared database, replies
 * and requests in the simulator's records.
 *
 * The workflow is the auto-reply (trigger → "We received your message") with Retry On Fail
 * on the reply, as a careful seller sets it. The simulator is never reset: n8n's database
 * remembers events across the whole suite, so every case uses messages no other case used.
 */
import { SIM_KEYS, startSimulator, type Simulator } from '../simulator/server';
import {
	PACKAGE_NAME,
	ensureN8n,
	loadWorkflow,
	packPackage,
	sleep,
	waitUntil,
	type N8nRuntime,
} from './harness';
import {
	QueueCluster,
	notify as notifyProcess,
	type ClusterProcess,
	type NotifyAnswer,
} from './queue-cluster';

const BASE = loadWorkflow('trigger-auto-reply') as ReturnType<typeof loadWorkflow> & {
	nodes: Array<Record<string, any> & { name: string; type: string }>;
};
const WORKFLOW = {
	...BASE,
	id: 'ymE2eQueueReply1',
	name: 'Yandex Market: auto-reply (queue mode)',
	nodes: BASE.nodes.map((node) =>
		node.name === 'Reply'
			? { ...node, retryOnFail: true, maxTries: 3, waitBetweenTries: 200 }
			: node,
	),
};
const TRIGGER = WORKFLOW.nodes.find((n) => n.type === `${PACKAGE_NAME}.yandexMarketTrigger`)!;
const WEBHOOK_ID = TRIGGER.webhookId as string;
const BUSINESS = 1001;
const REPLY = 'We received your message';
/** How long to wait before concluding that nothing more was started. */
const QUIET_MS = 2000;
/** Market waits this long for an answer, then delivers the notification again. */
const MARKET_WAITS_MS = 10_000;
/** Deliveries again in the burst, as Market makes them for an answer that is not 200 in time. */
const MARKET_REDELIVERIES = 3;
/** Market's answer time per request in the simulator: makes concurrent requests overlap. */
const LATENCY_MS = Number(process.env.YM_QUEUE_SIM_LATENCY_MS ?? 100);

const log = (msg: string) => process.stderr.write(`[e2e queue] ${msg}\n`);

let runtime: N8nRuntime;
let sim: Simulator;
let cluster: QueueCluster;
let A: ClusterProcess;
let B: ClusterProcess;

const credential = (parallelRequests?: number) => ({
	apiKey: SIM_KEYS.communication,
	baseUrl: sim.url,
	...(parallelRequests === undefined ? {} : { parallelRequests }),
});

/** POST <production URL>/notification on one webhook process, from a Market address. */
const notify = async (proc: ClusterProcess, body: unknown) =>
	await notifyProcess(proc, WEBHOOK_ID, body);

/** A new chat (never used by another case) with a buyer message in it, and its notification. */
function buyerMessage(text: string) {
	const chat = sim.addChat({ businessId: BUSINESS });
	const message = sim.addMessage(chat.chatId, { message: text });
	return {
		chatId: chat.chatId,
		notification: {
			notificationType: 'CHAT_MESSAGE_SENT',
			chatId: chat.chatId,
			messageId: String(message.messageId),
			businessId: BUSINESS,
			sentAt: new Date().toISOString(),
		},
	};
}

const replies = (chatId: number) => sim.state.sentMessages.filter((m) => m.chatId === chatId);
const executions = () => cluster.executions(WORKFLOW.id);
const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

/** Polls until `probe` gives a value; on timeout the error carries every process's log tail. */
const waitFor = async <T>(
	what: string,
	probe: () => T | undefined | Promise<T | undefined>,
	timeoutMs = 30_000,
) => await waitUntil(cluster, what, probe, timeoutMs);

/** Waits until no execution runs and nothing new started for QUIET_MS; returns those after `before`. */
async function settled(before: number, atLeast = 0) {
	let last = -1;
	let since = Date.now();
	return await waitFor(
		'the executions to finish',
		() => {
			const all = executions();
			const fresh = all.slice(before);
			if (fresh.length !== last) {
				last = fresh.length;
				since = Date.now();
			}
			const done = fresh.length >= atLeast && fresh.every((e) => FINISHED.has(e.status));
			return done && Date.now() - since >= QUIET_MS ? fresh : undefined;
		},
		120_000,
	);
}

/** The nodes that ran in an execution. */
function nodesRun(executionId: string): string[] {
	const data = cluster.executionData(executionId, runtime);
	return Object.keys(data?.resultData?.runData ?? {});
}

beforeAll(async () => {
	runtime = ensureN8n();
	expect(Number(runtime.version.split('.')[0])).toBeGreaterThanOrEqual(2);
	const pack = packPackage();
	sim = await startSimulator({ latencyMs: LATENCY_MS });
	cluster = await QueueCluster.start({
		runtime,
		pack,
		credential: credential(),
		workflows: [WORKFLOW],
	});
	[A, B] = cluster.webhooks;
	// Right after readiness a production webhook may answer 404 for a moment.
	for (const proc of cluster.webhooks) {
		await waitFor(`the production webhook on ${proc.name}`, async () =>
			(await notify(proc, { notificationType: 'PING' })).status === 200 ? true : undefined,
		);
	}
}, 15 * 60_000);

afterAll(async () => {
	await cluster?.dispose();
	await sim?.close();
}, 120_000);

describe('queue mode: main, webhook A, webhook B, worker, PostgreSQL, Redis', () => {
	test('the package loads in every process, and PING is answered by A and B at once, starting nothing', async () => {
		for (const proc of cluster.processes) {
			expect(proc.n8n.logText()).not.toMatch(/Failed to load package|Skipping package/);
		}
		const before = executions().length;
		const requests = sim.requests.length;
		for (const proc of cluster.webhooks) {
			const answer = await notify(proc, {
				notificationType: 'PING',
				time: new Date().toISOString(),
			});
			expect(answer.status).toBe(200);
			expect(answer.body).toMatchObject({ name: PACKAGE_NAME });
			expect(answer.ms).toBeLessThan(1000);
		}
		await sleep(QUIET_MS);
		expect(executions()).toHaveLength(before);
		expect(sim.requests.length).toBe(requests);
	});

	test("a buyer message runs once, on the worker, with one reply; the store's echo starts nothing", async () => {
		const before = executions().length;
		const { chatId, notification } = buyerMessage('Здравствуйте! Когда привезут заказ?');
		expect((await notify(A, notification)).status).toBe(200);
		const [run] = await settled(before, 1);
		expect(run).toMatchObject({ status: 'success', mode: 'webhook' });
		expect(nodesRun(run.id)).toEqual(['Buyer wrote', 'Reply']);
		expect(cluster.worker.n8n.logText()).toContain(`execution ${run.id}`);
		expect(replies(chatId).map((m) => m.message)).toEqual([REPLY]);

		// Market reports the reply too (sender PARTNER), here to the other process.
		const reply = sim.messagesOf(chatId).at(-1)!;
		expect(reply.sender).toBe('PARTNER');
		const echo = { ...notification, messageId: String(reply.messageId) };
		expect((await notify(B, echo)).status).toBe(200);
		expect(await settled(before + 1)).toHaveLength(0);
		expect(replies(chatId)).toHaveLength(1);
	});

	test('one event delivered to A and to B at the same moment starts the workflow once', async () => {
		const outcomes: number[] = [];
		for (let i = 0; i < 5; i++) {
			const before = executions().length;
			const { chatId, notification } = buyerMessage(`Одновременно ${i}`);
			const answers = await Promise.all([notify(A, notification), notify(B, notification)]);
			expect(answers.map((a) => a.status)).toEqual([200, 200]);
			const runs = await settled(before, 1);
			expect(replies(chatId)).toHaveLength(1);
			// A second run, if the pair reached the worker, ends at the trigger.
			expect(runs.length).toBeLessThanOrEqual(2);
			expect(runs.filter((r) => nodesRun(r.id).includes('Reply'))).toHaveLength(1);
			outcomes.push(runs.length);
		}
		log(
			`same moment on A and B, 5 events: executions per event ${outcomes.join(', ')}, replies 1 each`,
		);
	});

	test('one event delivered to A and, 2 s later, to B starts the workflow once', async () => {
		for (const [first, second] of [
			[A, B],
			[B, A],
		]) {
			const before = executions().length;
			const { chatId, notification } = buyerMessage(`${first.name}, then ${second.name}`);
			expect((await notify(first, notification)).status).toBe(200);
			await sleep(2000);
			expect((await notify(second, notification)).status).toBe(200);
			const runs = await settled(before, 2);
			expect(replies(chatId)).toHaveLength(1);
			// The second process did not know the event: its execution ran only the trigger.
			expect(runs.map((r) => nodesRun(r.id))).toEqual([['Buyer wrote', 'Reply'], ['Buyer wrote']]);
		}
	});

	test('a redelivery to the webhook process that restarted starts nothing', async () => {
		const before = executions().length;
		const { chatId, notification } = buyerMessage('До перезапуска B');
		expect((await notify(B, notification)).status).toBe(200);
		await settled(before, 1);
		expect(replies(chatId)).toHaveLength(1);

		log(`webhook B restarted in ${((await cluster.restart(B)) / 1000).toFixed(1)} s`);
		await waitFor('the production webhook on B', async () =>
			(await notify(B, { notificationType: 'PING' })).status === 200 ? true : undefined,
		);
		expect((await notify(B, notification)).status).toBe(200);
		const runs = await settled(before + 1);
		expect(replies(chatId)).toHaveLength(1);
		// B may know it from the static data n8n saved; if not, its execution ends at the trigger.
		expect(runs.filter((r) => nodesRun(r.id).includes('Reply'))).toHaveLength(0);
		log(`redelivery to the restarted B: ${runs.length} execution(s), none past the trigger`);
	});

	test('after the worker restarts, a redelivery to the other webhook process runs only the trigger', async () => {
		const before = executions().length;
		const { chatId, notification } = buyerMessage('До перезапуска worker');
		expect((await notify(A, notification)).status).toBe(200);
		await settled(before, 1);
		expect(replies(chatId)).toHaveLength(1);

		log(`worker restarted in ${((await cluster.restart(cluster.worker)) / 1000).toFixed(1)} s`);
		// B never saw the event and the new worker has nothing in memory: only the database knows.
		expect((await notify(B, notification)).status).toBe(200);
		const runs = await settled(before + 1, 1);
		expect(runs).toHaveLength(1);
		expect(runs[0].status).toBe('success');
		expect(nodesRun(runs[0].id)).toEqual(['Buyer wrote']);
		expect(replies(chatId)).toHaveLength(1);
	});

	/**
	 * 50 buyer messages at once, alternately to A and B, delivered as Market does: a notification
	 * not answered 200 within Market's 10 s is delivered again, here to the other process. Whether
	 * a burst on a busy machine gets every answer in time is timing; that each buyer gets one
	 * reply, whatever was delivered again, is what a seller relies on.
	 */
	async function burst(parallelRequests: number) {
		await cluster.updateCredential(credential(parallelRequests));
		const before = executions().length;
		const mark = sim.requests.length;
		const messages = Array.from({ length: 50 }, (_, i) =>
			buyerMessage(`Сообщение ${i + 1} (по ${parallelRequests})`),
		);
		const deliveries = messages.map((): NotifyAnswer[] => []);
		const accepted = (a: NotifyAnswer) => a.status === 200 && a.ms <= MARKET_WAITS_MS;
		let pending = messages.map((_, i) => i);
		for (let round = 0; round <= MARKET_REDELIVERIES && pending.length > 0; round++) {
			await Promise.all(
				pending.map(async (i) => {
					const to = (i + round) % 2 === 0 ? A : B;
					deliveries[i].push(await notify(to, messages[i].notification));
				}),
			);
			pending = pending.filter((i) => !accepted(deliveries[i].at(-1)!));
		}
		// An event answered 200 started an execution (a copy on the other process one more, which
		// ends at the trigger); a 500 started none.
		const runs = await settled(
			before,
			deliveries.filter((d) => d.some((a) => a.status === 200)).length,
		);
		const requests = sim.requests.slice(mark);
		const perChat = messages.map((m) => replies(m.chatId).length);
		const first = deliveries.map((d) => d[0]);
		const ms = first.map((a) => a.ms).sort((x, y) => x - y);
		const figures = {
			parallelRequests,
			firstAnswered200: first.filter((a) => a.status === 200).length,
			firstAnsweredIn10s: first.filter(accepted).length,
			medianAnswerMs: Math.round(ms[Math.floor(ms.length / 2)]),
			slowestAnswerMs: Math.round(ms[ms.length - 1]),
			deliveredAgain: deliveries.filter((d) => d.length > 1).length,
			executions: runs.length,
			failedExecutions: runs.filter((r) => r.status !== 'success').length,
			acks: perChat.filter((n) => n === 1).length,
			doubled: perChat.filter((n) => n > 1).length,
			lost: perChat.filter((n) => n === 0).length,
			requests: requests.length,
			refused420: requests.filter((r) => r.status === 420).length,
		};
		log(`50 buyer messages over A and B: ${JSON.stringify(figures)}`);
		expect(pending).toEqual([]);
		expect(perChat).toEqual(messages.map(() => 1));
		expect(figures.failedExecutions).toBe(0);
		return figures;
	}

	test('50 buyer messages spread over A and B, 4 parallel requests per process: one reply each, also where Market delivered again', async () => {
		await burst(4);
	});

	test('the same with Market’s 4 shared out (1 per process: A, B, worker): no request refused with 420', async () => {
		const figures = await burst(1);
		expect(figures.refused420).toBe(0);
	});

	test('Retry On Fail does not send a delivered message again (the worker retries the node)', async () => {
		await cluster.updateCredential(credential(4));
		const before = executions().length;
		const mark = sim.requests.length;
		const { chatId, notification } = buyerMessage('Проверка повтора');
		// Market delivers the reply but answers 500: the outcome is unknown to n8n.
		sim.injectFault('sendMessageToChat', { process: true, status: 500 });
		expect((await notify(A, notification)).status).toBe(200);
		const [run] = await settled(before, 1);
		expect(run.status).toBe('error');
		const error = cluster.executionData(run.id, runtime).resultData.error;
		expect(String(error.message)).toMatch(/may have been delivered, so it was not sent again/);
		expect(replies(chatId)).toHaveLength(1);
		const sends = sim.requests.slice(mark).filter((r) => r.operationId === 'sendMessageToChat');
		expect(sends.map((r) => r.status)).toEqual([500]);
	});

	test('the API key shows up nowhere in what any process logged', () => {
		for (const proc of cluster.processes) {
			expect(proc.n8n.logText()).not.toContain(SIM_KEYS.communication);
		}
	});
});
