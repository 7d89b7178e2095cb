/**
 * The Yandex Market Trigger in a real n8n 2.41.1: the packed package, a published
 * auto-reply workflow (trigger → Yandex Market node "We received your message"), a second
 * published workflow taking every event with a key of one business, and Market's
 * notifications posted over HTTP to their production URLs. n8n runs with
 * N8N_PROXY_HOPS=1 (the harness's default) and every request carries X-Forwarded-For,
 * so n8n sees the address in it: a Market address, or a foreign one.
 *
 * Every answer is checked against the notification spec's response schemas.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SIM_KEYS, startSimulator, type Simulator } from '../simulator/server';
import { replyChecker } from '../trigger/spec';
import {
	CREDENTIAL_TYPE,
	E2E_OWNER as OWNER,
	executionItems,
	fetchExecution,
	listExecutions,
	publishedWorkflow,
	waitUntil,
	type ExecutionSummary,
	type N8nInstance,
	N8nRestSession,
	PACKAGE_NAME,
	REPO_ROOT,
	ensureN8n,
	loadWorkflow,
	packPackage,
	type N8nRuntime,
} from './harness';

const WORKFLOW = loadWorkflow('trigger-auto-reply') as ReturnType<typeof loadWorkflow> & {
	nodes: Array<{
		name: string;
		type: string;
		webhookId?: string;
		parameters: Record<string, unknown>;
		credentials?: Record<string, { id: string; name: string }>;
	}>;
	connections: Record<string, unknown>;
};
/** Events: All Events; its credential's key reaches one business (1001). */
const ALL_EVENTS_WORKFLOW = loadWorkflow('trigger-all-events') as typeof WORKFLOW;
/** Reviews and their comments (Authors by default: buyers) → Review → Reply, no skip check. */
const REVIEW_WORKFLOW = loadWorkflow('trigger-review-replies') as typeof WORKFLOW;
const TRIGGER_TYPE = `${PACKAGE_NAME}.yandexMarketTrigger`;
const WEBHOOK_ID = WORKFLOW.nodes.find((n) => n.type === TRIGGER_TYPE)!.webhookId!;
const BUSINESS = 1001;
const MARKET_IP = '5.45.207.10';
const FOREIGN_IP = '203.0.113.7';
const REPLY = 'We received your message';
/** How long to wait before concluding that nothing was started. */
const QUIET_MS = 1500;

const checkReply = replyChecker("the trigger's answers in n8n against the notification spec");
const log = (msg: string) => process.stderr.write(`[e2e trigger] ${msg}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let runtime: N8nRuntime;
let sim: Simulator;
let n8n: N8nInstance;
let rest: N8nRestSession;
let notificationUrl: string;
let pasteUrl: string;
let allEventsUrl: string;
let reviewUrl: string;

interface Answer {
	status: number;
	body: any;
	text: string;
	ms: number;
}

/** POST <production URL>/notification, as Market does, through a proxy that says who called. */
async function notify(
	body: unknown,
	options: { ip?: string | null; raw?: string; contentType?: string; url?: string } = {},
): Promise<Answer> {
	const headers: Record<string, string> = {
		'content-type': options.contentType ?? 'application/json',
	};
	if (options.ip !== null) headers['x-forwarded-for'] = options.ip ?? MARKET_IP;
	const started = performance.now();
	const response = await fetch(options.url ?? notificationUrl, {
		method: 'POST',
		headers,
		body: options.raw ?? JSON.stringify(body),
	});
	const text = await response.text();
	const ms = performance.now() - started;
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: response.status, body: parsed, text, ms };
}

/** The answer is one the notification spec allows (403 is not in the spec; its body is still the error shape). */
function expectSpecAnswer(answer: Answer, request: unknown = { notificationType: 'PING' }) {
	if (answer.status === 403) {
		expect(answer.body).toEqual({ error: { type: 'UNKNOWN', message: expect.any(String) } });
		return;
	}
	checkReply(request, answer.status, answer.body);
}

const executions = async (workflowId = WORKFLOW.id) => await listExecutions(rest, workflowId);
const waitFor = async <T>(
	what: string,
	probe: () => Promise<T | undefined> | T | undefined,
	timeoutMs = 15_000,
) => await waitUntil(n8n, what, probe, timeoutMs);

/** Waits until `count` executions exist and none is running; returns the new ones. */
async function executionsAfter(
	before: number,
	count: number,
	workflowId = WORKFLOW.id,
): Promise<ExecutionSummary[]> {
	return await waitFor(`${count} new execution(s)`, async () => {
		const all = await executions(workflowId);
		const fresh = all.length - before;
		if (fresh > count) throw new Error(`expected ${count} new execution(s), got ${fresh}`);
		if (fresh === count && all.every((e) => !['running', 'new', 'waiting'].includes(e.status))) {
			return all.slice(0, fresh);
		}
		return undefined;
	});
}

/** The trigger node's output item in one execution. */
async function triggerOutput(
	executionId: string,
	workflow: typeof WORKFLOW = WORKFLOW,
): Promise<Record<string, any>> {
	return (await executionItems(rest, runtime, executionId, workflow.nodes[0].name))[0];
}

function buyerMessage(chatId: number, text: string) {
	const message = sim.addMessage(chatId, { message: text });
	return {
		message,
		notification: {
			notificationType: 'CHAT_MESSAGE_SENT',
			chatId,
			messageId: String(message.messageId),
			businessId: BUSINESS,
			sentAt: new Date().toISOString(),
		},
	};
}

const replies = (chatId: number) => sim.state.sentMessages.filter((m) => m.chatId === chatId);

beforeAll(async () => {
	runtime = ensureN8n();
	const pack = packPackage();
	expect(pack.files).toContain('dist/nodes/YandexMarket/YandexMarketTrigger.node.js');
	sim = await startSimulator();
	n8n = await publishedWorkflow(runtime, pack, WORKFLOW, {
		apiKey: SIM_KEYS.communication,
		baseUrl: sim.url,
	});
	await n8n.importCredentials([
		{
			...ALL_EVENTS_WORKFLOW.nodes[0].credentials!.yandexMarketApi,
			type: CREDENTIAL_TYPE,
			data: { apiKey: SIM_KEYS.readOnly, baseUrl: sim.url },
		},
	]);
	await n8n.importWorkflow(ALL_EVENTS_WORKFLOW);
	await n8n.publishWorkflow(ALL_EVENTS_WORKFLOW.id);
	await n8n.importWorkflow(REVIEW_WORKFLOW);
	await n8n.publishWorkflow(REVIEW_WORKFLOW.id);
	log(`n8n ready in ${((await n8n.start()) / 1000).toFixed(1)} s`);
	expect((await n8n.env()).N8N_PROXY_HOPS).toBe('1');
	await n8n.setupOwner(OWNER);
	rest = new N8nRestSession(n8n.baseUrl);
	await rest.login(OWNER.email, OWNER.password);

	pasteUrl = `${n8n.baseUrl}/webhook/${WEBHOOK_ID}`;
	notificationUrl = `${pasteUrl}/notification`;
	allEventsUrl = `${n8n.baseUrl}/webhook/${ALL_EVENTS_WORKFLOW.nodes[0].webhookId!}/notification`;
	reviewUrl = `${n8n.baseUrl}/webhook/${REVIEW_WORKFLOW.nodes[0].webhookId!}/notification`;
	// Right after readiness a production webhook may answer 404 for a moment.
	await waitFor('the production webhook', async () =>
		(await notify({ notificationType: 'PING' })).status === 200 ? true : undefined,
	);
}, 30 * 60_000);

afterAll(async () => {
	await n8n?.stop();
	await sim?.close();
	if (process.env.N8N_E2E_KEEP) log(`kept ${n8n?.userFolder} (log: ${n8n?.logFile})`);
	await n8n?.dispose();
}, 60_000);

beforeEach(() => {
	sim.reset();
	sim.ownNotifications = 'notified';
});

describe('the trigger in n8n', () => {
	test('n8n lists the node, and the URL to paste into Market is <production URL> without /notification', async () => {
		const types = await rest.request<
			Array<{ name: string; group: string[]; webhooks?: Array<{ name: string }> }>
		>('GET', '/types/nodes.json');
		const trigger = types.body.find((t) => t.name === TRIGGER_TYPE);
		expect(trigger).toBeDefined();
		expect(trigger!.group).toEqual(['trigger']);

		// The registered webhooks (what the editor shows as Production URL is the GET one).
		const setup = await fetch(pasteUrl);
		expect(setup.status).toBe(200);
		expect(await setup.text()).toContain('/notification');
		expect(n8n.logText()).not.toMatch(/Failed to load package|Skipping package/);
	});

	test('PING is answered by the node at once, with {version, name, time}, starting nothing', async () => {
		const before = (await executions()).length;
		const version = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'))
			.version as string;
		const times: number[] = [];
		for (let i = 0; i < 20; i++) {
			const sentAt = Date.now();
			const answer = await notify({ notificationType: 'PING', time: new Date().toISOString() });
			times.push(answer.ms);
			expect(answer.status).toBe(200);
			expect(answer.body).toEqual({
				version,
				name: 'n8n-nodes-yandex-market',
				time: expect.any(String),
			});
			expect(answer.body.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
			expect(Math.abs(Date.parse(answer.body.time) - sentAt)).toBeLessThan(2000);
			expectSpecAnswer(answer);
		}
		const sorted = [...times].sort((a, b) => a - b);
		const median = sorted[Math.floor(sorted.length / 2)];
		log(
			`PING round trip over HTTP: first ${times[0].toFixed(1)} ms, median ${median.toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (Market allows 1000 ms)`,
		);
		expect(sorted[sorted.length - 1]).toBeLessThan(1000);
		await sleep(QUIET_MS);
		expect((await executions()).length).toBe(before);
		expect(sim.requests).toHaveLength(0);
	});

	test('a buyer message starts the workflow with the message text, and the reply reaches Market once', async () => {
		const before = (await executions()).length;
		const { message, notification } = buyerMessage(110, 'Здравствуйте! Когда привезут заказ?');
		const answer = await notify(notification);
		log(`buyer message answered in ${answer.ms.toFixed(1)} ms`);
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ name: 'n8n-nodes-yandex-market' });
		expectSpecAnswer(answer, notification);

		const [execution] = await executionsAfter(before, 1);
		expect(execution.status).toBe('success');
		expect(execution.mode).toBe('webhook');
		const output = await triggerOutput(execution.id);
		expect(output).toMatchObject({
			notificationType: 'CHAT_MESSAGE_SENT',
			businessId: BUSINESS,
			chatId: 110,
			messageId: message.messageId,
			sender: 'CUSTOMER',
			message: 'Здравствуйте! Когда привезут заказ?',
			notification,
		});

		await waitFor('the reply', () => (replies(110).length > 0 ? true : undefined));
		await sleep(300);
		expect(replies(110).map((m) => m.message)).toEqual([REPLY]);
		const calls = sim.requests.map((r) => `${r.operationId} ${r.status}`);
		// The message is read from getChatHistory, the 10× larger quota.
		expect(calls).toEqual(['getChatHistory 200', 'sendMessageToChat 200']);
		expect(sim.requests.every((r) => r.headers['api-key'] === SIM_KEYS.communication)).toBe(true);
	});

	test("the store's own message (the reply itself) starts nothing: no loop", async () => {
		const { notification } = buyerMessage(111, 'Есть размер M?');
		const before = (await executions()).length;
		expect((await notify(notification)).status).toBe(200);
		await executionsAfter(before, 1);
		await waitFor('the reply', () => (replies(111).length > 0 ? true : undefined));

		// Market raises CHAT_MESSAGE_SENT for the reply as well (sender PARTNER).
		const reply = sim.messagesOf(111).at(-1)!;
		expect(reply).toMatchObject({ sender: 'PARTNER', message: REPLY });
		const echo = {
			...notification,
			messageId: String(reply.messageId),
			sentAt: new Date().toISOString(),
		};
		const answer = await notify(echo);
		expect(answer.status).toBe(200);
		expectSpecAnswer(answer, echo);
		await sleep(QUIET_MS);
		expect((await executions()).length).toBe(before + 1);
		expect(replies(111)).toHaveLength(1);
	});

	test('an event that is not selected gets 200 and starts nothing', async () => {
		const before = (await executions()).length;
		const created = {
			notificationType: 'CHAT_CREATED',
			chatId: 112,
			businessId: BUSINESS,
			createdAt: new Date().toISOString(),
		};
		const order = {
			notificationType: 'ORDER_CREATED',
			orderId: 7000112,
			campaignId: 2001,
			items: [{ offerId: 'SKU-1', count: 1 }],
			createdAt: new Date().toISOString(),
		};
		for (const body of [created, order]) {
			const answer = await notify(body);
			expect(answer.status).toBe(200);
			expectSpecAnswer(answer, body);
		}
		await sleep(QUIET_MS);
		expect((await executions()).length).toBe(before);
		expect(sim.requests).toHaveLength(0);
	});

	test('the same event delivered several times starts one run', async () => {
		const before = (await executions()).length;
		const { notification } = buyerMessage(113, 'Спасибо!');
		// Two at once, then two more one after another.
		const first = await Promise.all([notify(notification), notify({ ...notification })]);
		const later = [await notify(notification), await notify(notification)];
		for (const answer of [...first, ...later]) {
			expect(answer.status).toBe(200);
			expectSpecAnswer(answer, notification);
		}
		await executionsAfter(before, 1);
		await sleep(QUIET_MS);
		expect((await executions()).length).toBe(before + 1);
		expect(replies(113)).toHaveLength(1);
		expect(sim.requests.filter((r) => r.operationId === 'getChatHistory')).toHaveLength(1);
	});

	test('a malformed body gets 400 WRONG_EVENT_FORMAT and starts nothing', async () => {
		const before = (await executions()).length;
		const bodies: unknown[] = [
			{},
			[],
			'just text',
			{ notificationType: 42, chatId: 101, businessId: BUSINESS },
			{
				notificationType: 'CHAT_MESSAGE_SENT',
				chatId: 101,
				businessId: BUSINESS,
				sentAt: new Date().toISOString(),
			},
			{
				notificationType: 'CHAT_MESSAGE_SENT',
				chatId: 'x',
				messageId: '1',
				businessId: BUSINESS,
				sentAt: new Date().toISOString(),
			},
			{ notificationType: 'ORDER_CREATED', campaignId: 2001, createdAt: new Date().toISOString() },
		];
		for (const body of bodies) {
			const answer = await notify(body);
			expect({ body, status: answer.status }).toEqual({ body, status: 400 });
			expect(answer.body).toEqual({
				error: { type: 'WRONG_EVENT_FORMAT', message: expect.any(String) },
			});
			expectSpecAnswer(answer, body);
		}
		// Plain text is refused the same way.
		const text = await notify(undefined, { raw: 'hello', contentType: 'text/plain' });
		expect(text.status).toBe(400);
		expect(text.body.error.type).toBe('WRONG_EVENT_FORMAT');

		// JSON that does not parse never reaches the node: n8n answers it itself.
		const broken = await notify(undefined, { raw: '{"notificationType": "PING",' });
		log(`unparsable JSON: n8n answered ${broken.status} ${broken.text.slice(0, 200)}`);
		expect(broken.status).toBeGreaterThanOrEqual(400);
		expect(broken.status).toBeLessThan(500);

		await sleep(QUIET_MS);
		expect((await executions()).length).toBe(before);
		expect(sim.requests).toHaveLength(0);
	});

	test('a buyer message with a date without offset, without sentAt, or without businessId each starts the workflow once with the message', async () => {
		const before = (await executions()).length;
		const beforeAll = (await executions(ALL_EVENTS_WORKFLOW.id)).length;
		// Moscow time, as Market's own zone; kept as sent.
		const noOffset = buyerMessage(133, 'Дата без смещения');
		noOffset.notification.sentAt = '2026-03-01T13:00:00';
		const { sentAt: _sentAt, ...noSentAt } = buyerMessage(134, 'Без sentAt').notification;
		// To the workflow whose key reaches one business: the business comes from the key.
		const noBusiness = buyerMessage(135, 'Без businessId');
		const { businessId: _businessId, ...unnamed } = noBusiness.notification;

		const deliveries: Array<[unknown, string]> = [
			[noOffset.notification, notificationUrl],
			[noSentAt, notificationUrl],
			[unnamed, allEventsUrl],
		];
		// Each delivered twice: one run each.
		for (const [body, url] of [...deliveries, ...deliveries]) {
			const answer = await notify(body, { url });
			expect({ body, status: answer.status }).toEqual({ body, status: 200 });
			expectSpecAnswer(answer, body);
		}
		const runs = await executionsAfter(before, 2);
		const [other] = await executionsAfter(beforeAll, 1, ALL_EVENTS_WORKFLOW.id);
		const outputs = await Promise.all(runs.map(async (run) => await triggerOutput(run.id)));
		outputs.sort((a, b) => a.chatId - b.chatId);
		expect(outputs[0]).toMatchObject({
			chatId: 133,
			sentAt: '2026-03-01T13:00:00',
			message: 'Дата без смещения',
			sender: 'CUSTOMER',
			businessIdSource: 'notification',
			notification: noOffset.notification,
		});
		expect(outputs[0].absentFields).toBeUndefined();
		expect(outputs[1]).toMatchObject({
			chatId: 134,
			message: 'Без sentAt',
			absentFields: ['sentAt'],
			notification: noSentAt,
		});
		expect(await triggerOutput(other.id, ALL_EVENTS_WORKFLOW)).toMatchObject({
			notificationType: 'CHAT_MESSAGE_SENT',
			businessId: BUSINESS,
			businessIdSource: 'credential',
			chatId: 135,
			messageId: noBusiness.message.messageId,
			message: 'Без businessId',
			sender: 'CUSTOMER',
			notification: unnamed,
		});
		await waitFor('the replies', () =>
			replies(133).length > 0 && replies(134).length > 0 ? true : undefined,
		);
		await sleep(QUIET_MS);
		expect((await executions()).length).toBe(before + 2);
		expect((await executions(ALL_EVENTS_WORKFLOW.id)).length).toBe(beforeAll + 1);
		expect([replies(133).length, replies(134).length]).toEqual([1, 1]);
		// The business was learnt from the key once.
		expect(sim.requests.filter((r) => r.operationId === 'getCampaigns')).toHaveLength(1);
	});

	test('without businessId, a key of several businesses and no Business option: 400 naming businessId', async () => {
		const before = (await executions()).length;
		const { businessId: _businessId, ...unnamed } = buyerMessage(136, 'hi').notification;
		const answer = await notify(unnamed);
		expect(answer.status).toBe(400);
		expect(answer.body.error.type).toBe('WRONG_EVENT_FORMAT');
		expect(answer.body.error.message).toMatch(/^CHAT_MESSAGE_SENT: businessId is required/);
		expectSpecAnswer(answer, unnamed);
		await sleep(QUIET_MS);
		expect((await executions()).length).toBe(before);
	});

	test('a type this release does not know is answered 200 and starts nothing; with All Events it starts the workflow as it came', async () => {
		const before = (await executions()).length;
		const beforeAll = (await executions(ALL_EVENTS_WORKFLOW.id)).length;
		const deleted = {
			notificationType: 'CHAT_DELETED',
			businessId: BUSINESS,
			chatId: 137,
			deletedAt: '2026-03-01T13:00:00',
		};
		for (const url of [notificationUrl, allEventsUrl]) {
			const answer = await notify(deleted, { url });
			expect(answer.status).toBe(200);
			expect(answer.body).toMatchObject({ name: 'n8n-nodes-yandex-market' });
			expectSpecAnswer(answer, deleted);
		}
		const [run] = await executionsAfter(beforeAll, 1, ALL_EVENTS_WORKFLOW.id);
		expect(await triggerOutput(run.id, ALL_EVENTS_WORKFLOW)).toEqual({
			...deleted,
			notification: deleted,
		});
		await sleep(QUIET_MS);
		expect((await executions()).length).toBe(before);
		expect(sim.requests).toHaveLength(0);
	});

	test('a foreign address gets 403 and starts nothing', async () => {
		const before = (await executions()).length;
		const { notification } = buyerMessage(114, 'hi');
		for (const ip of [FOREIGN_IP, '5.45.207.128', '141.8.143.1']) {
			const answer = await notify(notification, { ip });
			expect(answer.status).toBe(403);
			expectSpecAnswer(answer);
			expect(answer.body.error.message).toContain(ip);
			expect(answer.body.error.message).toContain('N8N_PROXY_HOPS');
		}
		// A caller that puts a Market address first: with one trusted proxy, n8n takes the
		// address the proxy appended (the last one).
		const spoofed = await notify(notification, { ip: `${MARKET_IP}, ${FOREIGN_IP}` });
		expect(spoofed.status).toBe(403);
		// No proxy header at all: the caller is 127.0.0.1.
		const direct = await notify(notification, { ip: null });
		expect(direct.status).toBe(403);
		const ping = await notify({ notificationType: 'PING' }, { ip: FOREIGN_IP });
		expect(ping.status).toBe(403);

		await sleep(QUIET_MS);
		expect((await executions()).length).toBe(before);
		expect(sim.requests).toHaveLength(0);

		// The same notification from Market's address (behind a chain of proxies) is accepted.
		const accepted = await notify(notification, { ip: `${FOREIGN_IP}, 141.8.142.5` });
		expect(accepted.status).toBe(200);
		await executionsAfter(before, 1);
	});

	test('when Market cannot give the message, the answer is 500 and the redelivery is processed', async () => {
		const before = (await executions()).length;
		const { notification } = buyerMessage(115, 'Алло');
		// More 503s than the transport's retries of a read within the answer's budget.
		sim.failNext('getChatHistory', 503, 4);
		const failed = await notify(notification);
		expect(failed.status).toBe(500);
		expect(failed.body).toEqual({
			error: { type: 'UNKNOWN', message: expect.stringContaining('503') },
		});
		expectSpecAnswer(failed, notification);
		await sleep(QUIET_MS);
		expect((await executions()).length).toBe(before);

		const redelivered = await notify(notification);
		expect(redelivered.status).toBe(200);
		await executionsAfter(before, 1);
		await waitFor('the reply', () => (replies(115).length > 0 ? true : undefined));
		expect(replies(115)).toHaveLength(1);
	});

	test("with getChatMessage's quota spent by other tools, 12 buyer messages are each answered once, none with 500", async () => {
		const before = (await executions()).length;
		sim.spendQuotaUntil('getChatMessage', Date.now() + 50 * 60_000);
		const chats = Array.from({ length: 12 }, (_, i) => 120 + i);
		const answers = [];
		for (const chatId of chats)
			answers.push(await notify(buyerMessage(chatId, `Вопрос ${chatId}`).notification));
		expect(answers.map((a) => a.status)).toEqual(chats.map(() => 200));
		await executionsAfter(before, chats.length);
		await waitFor('the replies', () =>
			chats.every((c) => replies(c).length > 0) ? true : undefined,
		);
		await sleep(300);
		expect(chats.map((c) => replies(c).length)).toEqual(chats.map(() => 1));
		expect(sim.requests.filter((r) => r.operationId === 'getChatMessage')).toHaveLength(0);
	});

	test('a redelivery after n8n restarts still starts nothing (static data)', async () => {
		const { notification } = buyerMessage(116, 'Добрый день');
		const before = (await executions()).length;
		expect((await notify(notification)).status).toBe(200);
		await executionsAfter(before, 1);
		await waitFor('the reply', () => (replies(116).length > 0 ? true : undefined));
		// n8n 2.41 drops static data changes of a webhook call that starts an execution; the
		// next call that starts nothing saves them. In an auto-reply workflow that is Market's
		// report of the reply itself.
		const reply = sim.messagesOf(116).at(-1)!;
		const echo = {
			...notification,
			messageId: String(reply.messageId),
			sentAt: new Date().toISOString(),
		};
		expect((await notify(echo)).status).toBe(200);

		await n8n.stop();
		log(`n8n restarted in ${((await n8n.start()) / 1000).toFixed(1)} s`);
		await rest.login(OWNER.email, OWNER.password);
		await waitFor('the production webhook', async () =>
			(await notify({ notificationType: 'PING' })).status === 200 ? true : undefined,
		);

		const again = await notify(notification);
		expect(again.status).toBe(200);
		await sleep(QUIET_MS);
		if (n8n.major < 2) {
			// Measured with n8n 1.123.81: static data changed in webhook() is never saved, so the
			// webhook starts an execution again; its first step (the trigger's execute(), n8n's
			// deduplication database) stops it at the trigger.
			const [rerun] = await executionsAfter(before + 1, 1);
			const { data } = await fetchExecution(rest, runtime, rerun.id);
			expect(Object.keys(data.resultData.runData)).toEqual([WORKFLOW.nodes[0].name]);
			log(
				'n8n 1.x: the redelivery after the restart started an execution that ended at the trigger',
			);
		} else {
			expect((await executions()).length).toBe(before + 1);
		}
		expect(replies(116)).toHaveLength(1);
	});

	// Last of the runs: n8n remembers the spent windows until they end.
	test('with both message quotas spent, the answer is 500 and nothing starts (Market delivers again later)', async () => {
		const before = (await executions()).length;
		sim.spendQuotaUntil('getChatMessage', Date.now() + 50 * 60_000);
		sim.spendQuotaUntil('getChatHistory', Date.now() + 50 * 60_000);
		const failed = await notify(buyerMessage(132, 'Есть кто?').notification);
		expect(failed.status).toBe(500);
		expect(failed.body).toEqual({
			error: { type: 'UNKNOWN', message: expect.stringContaining('hourly limit') },
		});
		await sleep(QUIET_MS);
		expect((await executions()).length).toBe(before);
		expect(replies(132)).toHaveLength(0);
	});

	test('the API key shows up nowhere in what n8n logged', () => {
		expect(n8n.logText()).not.toContain(SIM_KEYS.communication);
		expect(n8n.logText()).not.toContain(SIM_KEYS.readOnly);
	});
});

describe('reviews and questions in n8n', () => {
	/** Posts what the simulator's outbox holds, as Market would, each once; empties the outbox. */
	async function deliverOutbox(url: string): Promise<Array<Record<string, unknown>>> {
		const outbox = sim.state.notifications.splice(0) as unknown as Array<Record<string, unknown>>;
		for (const body of outbox) {
			const answer = await notify(body, { url });
			expect(answer.status).toBe(200);
			expectSpecAnswer(answer, body);
		}
		return outbox;
	}
	const storeComments = (feedbackId: number) =>
		sim.state.feedbackComments.filter(
			(c) => c.feedbackId === feedbackId && c.author.type === 'BUSINESS',
		);

	test("a review and a buyer's comment each start one run with their content; the store's replies, notified back, start none", async () => {
		// Review IDs of their own: n8n's duplicate memory outlives the simulator's reset.
		let feedbackId = 620_001;
		for (const setting of ['notified', 'silent'] as const) {
			sim.ownNotifications = setting;
			const before = (await executions(REVIEW_WORKFLOW.id)).length;
			const review = sim.addFeedback({
				feedbackId: feedbackId++,
				businessId: BUSINESS,
				offerId: 'KETTLE-01',
				rating: 5,
				author: 'Мария С.',
				comment: 'Отличный чайник',
				photos: ['https://avatars.example/kettle.jpg'],
			});
			await deliverOutbox(reviewUrl);
			const [first] = await executionsAfter(before, 1, REVIEW_WORKFLOW.id);
			expect(first.status).toBe('success');
			expect(await triggerOutput(first.id, REVIEW_WORKFLOW)).toMatchObject({
				notificationType: 'GOODS_FEEDBACK_CREATED',
				businessId: BUSINESS,
				feedbackId: review.feedbackId,
				rating: 5,
				text: 'Отличный чайник',
				authorType: 'USER',
				review: {
					author: 'Мария С.',
					identifiers: { offerId: 'KETTLE-01' },
					media: { photos: ['https://avatars.example/kettle.jpg'] },
				},
			});
			await waitFor('the reply', () =>
				storeComments(review.feedbackId).length ? true : undefined,
			);
			// Market notifies the store's reply (or not: the spec is silent); it starts nothing.
			const echoed = await deliverOutbox(reviewUrl);
			expect(echoed.map((n) => n.notificationType)).toEqual(
				setting === 'notified' ? ['GOODS_FEEDBACK_COMMENT_CREATED'] : [],
			);

			const comment = sim.addFeedbackComment(review.feedbackId, { text: 'А доставка быстрая?' });
			const [buyerComment] = await deliverOutbox(reviewUrl);
			const [second] = await executionsAfter(before, 2, REVIEW_WORKFLOW.id);
			expect(second.status).toBe('success');
			expect(await triggerOutput(second.id, REVIEW_WORKFLOW)).toMatchObject({
				notificationType: 'GOODS_FEEDBACK_COMMENT_CREATED',
				feedbackId: review.feedbackId,
				commentId: comment.id,
				text: 'А доставка быстрая?',
				authorType: 'USER',
				comment: { id: comment.id, feedbackId: review.feedbackId },
				review: { statistics: { rating: 5 } },
			});
			await waitFor('the reply to the comment', () =>
				storeComments(review.feedbackId).length === 2 ? true : undefined,
			);
			await deliverOutbox(reviewUrl);
			// The buyer's comment delivered again, twice at once: no new run.
			await Promise.all([
				notify(buyerComment, { url: reviewUrl }),
				notify(buyerComment, { url: reviewUrl }),
			]);
			await sleep(QUIET_MS);
			expect((await executions(REVIEW_WORKFLOW.id)).length).toBe(before + 2);
			expect(storeComments(review.feedbackId).map((c) => [c.parentId, c.text])).toEqual([
				[undefined, 'Thank you! Re: Отличный чайник'],
				[comment.id, 'Thank you! Re: А доставка быстрая?'],
			]);
		}
	});

	test("questions, answers and comments start the workflow with their content; the store's and the manufacturer's do not", async () => {
		const before = (await executions(ALL_EVENTS_WORKFLOW.id)).length;
		const question = sim.addQuestion({
			// An ID of its own: n8n's duplicate memory outlives the simulator's reset, and the fixtures'.
			questionId: 7_630_001,
			businessId: BUSINESS,
			offerId: 'KETTLE-01',
			text: 'Какой объём?',
		});
		const buyerAnswer = sim.addAnswer(question.id, { text: '1,7 л' });
		sim.addAnswer(question.id, { authorType: 'BUSINESS', text: 'Объём 1,7 л' });
		const vendorAnswer = sim.addAnswer(question.id, { authorType: 'VENDOR', text: '1.7' });
		sim.addAnswerComment(vendorAnswer.id, { authorType: 'VENDOR', text: 'уточнение' });
		const buyerComment = sim.addAnswerComment(vendorAnswer.id, { text: 'Спасибо!' });
		const sent = await deliverOutbox(allEventsUrl);
		expect(sent).toHaveLength(6);
		const runs = await executionsAfter(before, 3, ALL_EVENTS_WORKFLOW.id);
		const outputs = await Promise.all(
			runs.map(async (run) => await triggerOutput(run.id, ALL_EVENTS_WORKFLOW)),
		);
		const byType = Object.fromEntries(outputs.map((o) => [o.notificationType, o]));
		expect(Object.keys(byType).sort()).toEqual([
			'QUESTION_ANSWER_CREATED',
			'QUESTION_COMMENT_CREATED',
			'QUESTION_CREATED',
		]);
		expect(byType.QUESTION_CREATED).toMatchObject({
			businessId: BUSINESS,
			questionId: question.id,
			text: 'Какой объём?',
			authorType: 'USER',
			question: { questionIdentifiers: { offerId: 'KETTLE-01' } },
		});
		expect(byType.QUESTION_ANSWER_CREATED).toMatchObject({
			answerId: buyerAnswer.id,
			questionId: question.id,
			text: '1,7 л',
			authorType: 'USER',
			question: { text: 'Какой объём?' },
		});
		expect(byType.QUESTION_COMMENT_CREATED).toMatchObject({
			answerId: vendorAnswer.id,
			commentId: buyerComment.id,
			questionId: question.id,
			text: 'Спасибо!',
			authorType: 'USER',
			answer: { text: '1.7', author: { type: 'VENDOR' } },
			question: { text: 'Какой объём?' },
		});
		// Every notification once more: duplicates, nothing new.
		for (const body of sent) expect((await notify(body, { url: allEventsUrl })).status).toBe(200);
		await sleep(QUIET_MS);
		expect((await executions(ALL_EVENTS_WORKFLOW.id)).length).toBe(before + 3);
	});

	test('a comment Market does not list yet gets 500, and its redelivery starts the run', async () => {
		// The workflow of every event: its trigger has seen no review comment (the simulator's IDs repeat after a reset).
		const before = (await executions(ALL_EVENTS_WORKFLOW.id)).length;
		const review = sim.addFeedback({
			feedbackId: 640_001,
			businessId: BUSINESS,
			offerId: 'IRON-01',
			rating: 3,
		});
		sim.state.notifications.length = 0;
		const comment = sim.addFeedbackComment(review.feedbackId, { text: 'Гладит плохо' });
		const [body] = sim.state.notifications.splice(0);
		const index = sim.state.feedbackComments.findIndex((c) => c.id === comment.id);
		const [held] = sim.state.feedbackComments.splice(index, 1);
		const failed = await notify(body, { url: allEventsUrl });
		expect(failed.status).toBe(500);
		expectSpecAnswer(failed, body);
		expect(failed.body.error.message).toMatch(/does not list review comment/);
		await sleep(QUIET_MS);
		expect((await executions(ALL_EVENTS_WORKFLOW.id)).length).toBe(before);
		sim.state.feedbackComments.push(held);
		expect((await notify(body, { url: allEventsUrl })).status).toBe(200);
		const [run] = await executionsAfter(before, 1, ALL_EVENTS_WORKFLOW.id);
		expect(await triggerOutput(run.id, ALL_EVENTS_WORKFLOW)).toMatchObject({
			commentId: comment.id,
			feedbackId: review.feedbackId,
			text: 'Гладит плохо',
		});
	});
});

describe('examples/auto-reply.json', () => {
	test('is this workflow, importable as it is', async () => {
		const example = JSON.parse(
			readFileSync(path.join(REPO_ROOT, 'examples', 'auto-reply.json'), 'utf8'),
		) as {
			nodes: Array<{ name: string; type: string; parameters: unknown; webhookId?: string }>;
			connections: unknown;
		};
		const working = example.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
		expect(working.map((n) => [n.name, n.type, n.parameters])).toEqual(
			WORKFLOW.nodes.map((n) => [n.name, n.type, n.parameters]),
		);
		expect(example.connections).toEqual(WORKFLOW.connections);
		await n8n.importWorkflow(path.join(REPO_ROOT, 'examples', 'auto-reply.json'));
	});
});
