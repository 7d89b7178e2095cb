/**
 * examples/ in a real n8n (2.41.1; N8N_E2E_VERSION=1.123.81 for 1.x), one n8n for the whole file:
 *
 * - every workflow in examples/ is imported as it is, and n8n knows every node type and version in it;
 * - the examples that need no outside account run against the Market simulator, with Telegram's Bot
 *   API and an OpenAI-compatible chat endpoint faked on 127.0.0.1 (both credentials have a Base URL).
 *   Only the setup steps of each sticky note are done to the copies that run (credential, business,
 *   Telegram chat ID, data table); the Google Sheets node, which needs a Google account, is disabled
 *   and the rows that reach it are checked instead.
 *
 * Schedule-triggered examples run the way the editor's "Execute workflow" runs them (REST, manual
 * mode); the webhook-triggered ones are published and get Market's notifications over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { MultipartPart } from '../simulator/multipart';
import {
	FIXTURE_FACTS,
	SIM_KEYS,
	formatMsk,
	multipartBoundary,
	parseMultipart,
	startSimulator,
	type RecordedRequest,
	type Simulator,
} from '../simulator/server';
import {
	CREDENTIAL_TYPE,
	E2E_OWNER as OWNER,
	N8nInstance,
	N8nRestSession,
	PACKAGE_NAME,
	REPO_ROOT,
	SIM_CREDENTIAL,
	ensureN8n,
	fetchExecution,
	listExecutions,
	packPackage,
	waitUntil,
	type N8nRuntime,
} from './harness';

interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, any>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	disabled?: boolean;
}
interface Workflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const EXAMPLE_FILES = readdirSync(EXAMPLES_DIR)
	.filter((file) => file.endsWith('.json'))
	.sort();
const EXAMPLES: Record<string, Workflow> = Object.fromEntries(
	EXAMPLE_FILES.map((file) => [
		file,
		JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as Workflow,
	]),
);

const TRIGGER_TYPE = `${PACKAGE_NAME}.yandexMarketTrigger`;
const TOOL_TYPE = `${PACKAGE_NAME}.yandexMarketTool`;
const BUSINESS = 1001;
/** Another business the same key may use: a tool that let the model choose would reach it. */
const OTHER_BUSINESS = 1002;
const MARKET_IP = '5.45.207.10';
const TELEGRAM_CREDENTIAL = { id: 'ymE2eTelegram001', name: 'Telegram (fake Bot API)' };
const OPENAI_CREDENTIAL = { id: 'ymE2eOpenAi00001', name: 'OpenAI (fake endpoint)' };
const TELEGRAM_TOKEN = '123456:e2e-fake-bot-token';
const TELEGRAM_CHAT = '987654321';
const OPENAI_KEY = 'sk-e2e-fake-openai-key';
/** How long to wait before concluding that nothing was started. */
const QUIET_MS = 1500;

const log = (msg: string) => process.stderr.write(`[e2e examples] ${msg}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fileStarted = Date.now();

let runtime: N8nRuntime;
let sim: Simulator;
let n8n: N8nInstance;
let rest: N8nRestSession;
let projectId: string;

// ---------------------------------------------------------------------------
// Fake outside services, on 127.0.0.1

interface FakeRequest {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	raw: Buffer;
	json?: any;
	parts?: MultipartPart[];
}

async function fakeServer(
	answer: (request: FakeRequest) => unknown,
): Promise<{ url: string; requests: FakeRequest[]; server: Server }> {
	const requests: FakeRequest[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const request: FakeRequest = {
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				raw,
			};
			const boundary = multipartBoundary(req.headers['content-type']);
			if (boundary) request.parts = parseMultipart(raw, boundary);
			else if (raw.length) request.json = JSON.parse(raw.toString('utf8'));
			requests.push(request);
			let body: unknown;
			try {
				body = answer(request);
			} catch (error) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: String(error) }));
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		server,
	};
}

/** One call of the Telegram Bot API, as the fake received it. */
interface TelegramCall {
	method: string;
	chatId: string;
	text?: string;
	parseMode?: string;
	caption?: string;
	file?: { field: string; fileName?: string; contentType?: string; data: Buffer };
}

function telegramCall(request: FakeRequest): TelegramCall {
	const method = request.url.split('/').pop() ?? '';
	if (request.parts) {
		const field = (name: string) =>
			request.parts!.find((part) => part.name === name)?.data.toString('utf8');
		const file = request.parts.find((part) => part.filename !== undefined);
		return {
			method,
			chatId: field('chat_id') ?? '',
			caption: field('caption'),
			file: file && {
				field: file.name,
				fileName: file.filename,
				contentType: file.contentType,
				data: file.data,
			},
		};
	}
	return {
		method,
		chatId: String(request.json?.chat_id),
		text: request.json?.text,
		parseMode: request.json?.parse_mode,
	};
}

let telegram: Awaited<ReturnType<typeof fakeServer>>;
const telegramCalls = () => telegram.requests.map(telegramCall);

/**
 * An OpenAI-compatible /v1/chat/completions that plays a model trying to leave the chat it was
 * given: it asks to read chat OTHER_CHAT of OTHER_BUSINESS, then sends its reply with those IDs in
 * the arguments too, then gives its final answer. Offered only an answer tool (question-answers),
 * it answers with OTHER_QUESTION in the arguments, then gives its final answer.
 */
/** A chat of OTHER_BUSINESS: answering it would succeed. */
const OTHER_CHAT = 201;
const AI_TEXT = 'Здравствуйте! Ваш заказ уже в пути, курьер привезёт его завтра.';
/** A question of BUSINESS that the store has not answered: answering it would succeed. */
const OTHER_QUESTION = FIXTURE_FACTS.demoQuestions.latestId + 1;
const AI_ANSWER = 'Здравствуйте! Да, чайник выключается сам, когда вода закипит.';
let openAi: Awaited<ReturnType<typeof fakeServer>>;

function chatCompletion(request: FakeRequest): unknown {
	if (!request.url.endsWith('/chat/completions')) throw new Error(`unexpected ${request.url}`);
	const body = request.json as {
		model: string;
		messages: Array<{ role: string }>;
		tools?: Array<{ function: { name: string } }>;
	};
	const tools = (body.tools ?? []).map((tool) => tool.function.name);
	const readTool = tools.find((name) => /read/i.test(name));
	const replyTool = tools.find((name) => /reply/i.test(name));
	const answerTool = tools.find((name) => /answer/i.test(name));
	const toolResults = body.messages.filter((message) => message.role === 'tool').length;
	const answer = (message: Record<string, unknown>) => ({
		id: `chatcmpl-e2e-${openAi.requests.length}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: body.model,
		choices: [{ index: 0, message, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	});
	const call = (name: string | undefined, args: Record<string, unknown>) =>
		answer({
			role: 'assistant',
			content: null,
			tool_calls: [
				{
					id: `call_${toolResults + 1}`,
					type: 'function',
					function: { name, arguments: JSON.stringify(args) },
				},
			],
		});
	if (!readTool && answerTool) {
		if (toolResults === 0)
			return call(answerTool, {
				text: AI_ANSWER,
				questionId: OTHER_QUESTION,
				businessId: OTHER_BUSINESS,
			});
		return answer({ role: 'assistant', content: 'I answered the question.' });
	}
	const elsewhere = { chatId: OTHER_CHAT, businessId: OTHER_BUSINESS };
	if (toolResults === 0) return call(readTool, elsewhere);
	if (toolResults === 1) return call(replyTool, { text: AI_TEXT, ...elsewhere });
	return answer({ role: 'assistant', content: 'I replied to the buyer.' });
}

// ---------------------------------------------------------------------------
// The copies that run: the example, with its sticky note's setup steps done

/**
 * A copy of an example under another ID, with what the seller sets up: the credentials, the
 * business (From List in the example), the Telegram chat ID; triggers get a webhook ID, as the
 * editor gives them on import.
 */
function runCopy(file: string, suffix: string, edit?: (workflow: Workflow) => void): Workflow {
	const workflow = structuredClone(EXAMPLES[file]);
	workflow.id = `${workflow.id}${suffix}`;
	workflow.name = `${workflow.name} (e2e ${suffix})`;
	for (const node of workflow.nodes) {
		if (node.type.startsWith(`${PACKAGE_NAME}.`)) {
			node.credentials = { [CREDENTIAL_TYPE]: SIM_CREDENTIAL };
			const business = node.parameters.businessId;
			if (business?.mode === 'list' && business.value === '') {
				node.parameters.businessId = { __rl: true, mode: 'id', value: String(BUSINESS) };
			}
		}
		if (node.type === TRIGGER_TYPE) node.webhookId = randomUUID();
		if (node.type === 'n8n-nodes-base.telegram') {
			node.credentials = { telegramApi: TELEGRAM_CREDENTIAL };
			node.parameters.chatId = TELEGRAM_CHAT;
		}
		if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi') {
			node.credentials = { openAiApi: OPENAI_CREDENTIAL };
		}
	}
	edit?.(workflow);
	return workflow;
}

const nodeNamed = (workflow: Workflow, name: string) => {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`${workflow.id} has no node "${name}"`);
	return node;
};
const webhookUrl = (workflow: Workflow) =>
	`${n8n.baseUrl}/webhook/${workflow.nodes.find((n) => n.type === TRIGGER_TYPE)!.webhookId}/notification`;

const AUTO_REPLY = runCopy('auto-reply.json', 'E2e');
const FORWARD = runCopy('forward-to-telegram.json', 'E2e');
const DIGEST = runCopy('daily-digest.json', 'E2e');
const AI_REPLY = runCopy('ai-reply.json', 'E2e');
/** The same, with the tools bound the way the sticky note warns against: to $json. */
const AI_REPLY_BY_JSON = runCopy('ai-reply.json', 'Json', (workflow) => {
	for (const node of workflow.nodes.filter((n) => n.type === TOOL_TYPE)) {
		node.parameters.businessId = { __rl: true, mode: 'id', value: '={{ $json.businessId }}' };
		node.parameters.chatId = { __rl: true, mode: 'id', value: '={{ $json.chatId }}' };
	}
});
const REVIEWS = runCopy('review-replies.json', 'E2e');
/**
 * The same with the trigger's Ignore Duplicates off: a notification delivered twice runs twice,
 * as a re-run or a second worker would, and only Skip If Already Answered stands between the
 * review and a second reply.
 */
const REVIEWS_TWICE = runCopy('review-replies.json', 'Twice', (workflow) => {
	nodeNamed(workflow, 'Review published').parameters.options = { ignoreDuplicates: false };
});
const QUESTIONS = runCopy('question-answers.json', 'E2e');
/** The same, with the tool's Question ID bound the way the sticky note warns against: to $json. */
const QUESTIONS_BY_JSON = runCopy('question-answers.json', 'Json', (workflow) => {
	nodeNamed(workflow, 'Answer the question').parameters.questionId = '={{ $json.questionId }}';
});
const PUBLISHED = [
	AUTO_REPLY,
	FORWARD,
	AI_REPLY,
	AI_REPLY_BY_JSON,
	REVIEWS,
	REVIEWS_TWICE,
	QUESTIONS,
	QUESTIONS_BY_JSON,
];

// ---------------------------------------------------------------------------
// Driving n8n

/** POST <production URL>/notification, as Market does, through a proxy that says who called. */
async function notify(workflow: Workflow, body: unknown): Promise<number> {
	const response = await fetch(webhookUrl(workflow), {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-forwarded-for': MARKET_IP },
		body: JSON.stringify(body),
	});
	await response.text();
	return response.status;
}

/** Market's CHAT_MESSAGE_SENT for a message of the simulator. */
const notification = (chatId: number, messageId: number) => ({
	notificationType: 'CHAT_MESSAGE_SENT',
	businessId: BUSINESS,
	chatId,
	messageId: String(messageId),
	sentAt: new Date().toISOString(),
});

interface Run {
	status: string;
	mode: string;
	error?: { message?: string; node?: { name?: string } };
	runData: Record<string, Array<{ data?: Record<string, Array<Array<{ json: any }> | null>> }>>;
}

const finished = (status: string) => !['new', 'running', 'waiting'].includes(status);

async function fetchRun(executionId: string): Promise<Run> {
	const { status, mode, data } = await fetchExecution(rest, runtime, executionId);
	// A run still going may have no data stored yet; n8n 1.x may list a run as finished a
	// moment before its data is written.
	if (!finished(status) || !data?.resultData)
		return { status: finished(status) ? 'running' : status, mode, runData: {} };
	return { status, mode, error: data.resultData.error, runData: data.resultData.runData };
}

/** What a node emitted on its first output (json), [] when it did not run. */
function itemsOf(run: Run, nodeName: string, output = 0): Array<Record<string, any>> {
	const runs = run.runData[nodeName] ?? [];
	return runs.flatMap((r) => (r.data?.main?.[output] ?? []).map((item) => item.json));
}

const businessOf = (request: RecordedRequest) =>
	Number(/\/businesses\/(\d+)\//.exec(request.path)?.[1]);

/** Waits for `count` new executions of a workflow, all finished; returns them oldest first. */
async function newExecutions(workflow: Workflow, before: number, count: number): Promise<Run[]> {
	const fresh = await waitUntil(n8n, `${count} new execution(s) of ${workflow.id}`, async () => {
		const all = await listExecutions(rest, workflow.id);
		if (all.length - before > count)
			throw new Error(`expected ${count} new execution(s), got ${all.length - before}`);
		return all.length - before === count && all.every((e) => finished(e.status))
			? all.slice(0, count)
			: undefined;
	});
	return await Promise.all(fresh.reverse().map((e) => fetchRun(e.id)));
}

/**
 * Runs a workflow as the editor's "Execute workflow" does, from `trigger`; with `triggerOutput`
 * the trigger's output is given instead of produced. n8n 1.x runs the workflow the request
 * carries, 2.x the saved one: both get it.
 */
async function runManually(workflowId: string, trigger: string, triggerOutput?: unknown[]) {
	const saved = await rest.request<{ data: Record<string, unknown> }>(
		'GET',
		`/rest/workflows/${workflowId}`,
	);
	const data = triggerOutput && {
		startTime: Date.now(),
		executionTime: 0,
		executionIndex: 0,
		source: [],
		data: { main: [triggerOutput] },
	};
	const started = await rest.request<{ data?: { executionId?: string } }>(
		'POST',
		`/rest/workflows/${workflowId}/run`,
		{ workflowData: saved.body.data, triggerToStartFrom: { name: trigger, ...(data && { data }) } },
	);
	const executionId = started.body.data?.executionId;
	if (!executionId)
		throw new Error(
			`manual run of ${workflowId}: ${started.status} ${JSON.stringify(started.body)}`,
		);
	return await waitUntil(n8n, `execution ${executionId}`, async () => {
		const run = await fetchRun(executionId);
		return finished(run.status) ? run : undefined;
	});
}

// ---------------------------------------------------------------------------

beforeAll(async () => {
	runtime = ensureN8n();
	const pack = packPackage();
	sim = await startSimulator();
	telegram = await fakeServer((request) => ({
		ok: true,
		result: {
			message_id: telegram.requests.length,
			date: Math.floor(Date.now() / 1000),
			chat: { id: Number(TELEGRAM_CHAT), type: 'private' },
			text: request.json?.text,
		},
	}));
	openAi = await fakeServer(chatCompletion);

	n8n = await N8nInstance.create({
		runtime,
		logLevel: 'debug',
		removeOnDispose: !process.env.N8N_E2E_KEEP,
	});
	n8n.installPackage(pack);
	await n8n.importCredentials([
		{
			...SIM_CREDENTIAL,
			type: CREDENTIAL_TYPE,
			data: { apiKey: SIM_KEYS.communication, baseUrl: sim.url },
		},
		{
			...TELEGRAM_CREDENTIAL,
			type: 'telegramApi',
			data: { accessToken: TELEGRAM_TOKEN, baseUrl: telegram.url },
		},
		{
			...OPENAI_CREDENTIAL,
			type: 'openAiApi',
			data: { apiKey: OPENAI_KEY, url: `${openAi.url}/v1` },
		},
	]);
	// The examples exactly as they are in the repository, and the copies that run.
	await n8n.importWorkflows([...Object.values(EXAMPLES), ...PUBLISHED, DIGEST]);
	for (const workflow of PUBLISHED) await n8n.publishWorkflow(workflow.id);
	log(`n8n ready in ${((await n8n.start()) / 1000).toFixed(1)} s`);
	await n8n.setupOwner(OWNER);
	rest = new N8nRestSession(n8n.baseUrl);
	await rest.login(OWNER.email, OWNER.password);
	const project = await rest.request<{ data: { id: string } }>('GET', '/rest/projects/personal');
	projectId = project.body.data.id;
	// Right after readiness a production webhook may answer 404 for a moment.
	for (const workflow of PUBLISHED) {
		await waitUntil(n8n, `the production webhook of ${workflow.id}`, async () =>
			(await notify(workflow, { notificationType: 'PING' })) === 200 ? true : undefined,
		);
	}
}, 30 * 60_000);

afterAll(async () => {
	await n8n?.stop();
	await sim?.close();
	telegram?.server.close();
	openAi?.server.close();
	log(`whole file: ${((Date.now() - fileStarted) / 1000).toFixed(1)} s`);
	if (process.env.N8N_E2E_KEEP) log(`kept ${n8n?.userFolder} (log: ${n8n?.logFile})`);
	await n8n?.dispose();
}, 60_000);

beforeEach(() => {
	sim.reset();
	telegram.requests.length = 0;
	openAi.requests.length = 0;
});

describe('every example', () => {
	test('there are at least five, each with a setup note on the canvas and a section in examples/README.md', () => {
		expect(EXAMPLE_FILES.length).toBeGreaterThanOrEqual(5);
		const readme = readFileSync(path.join(EXAMPLES_DIR, 'README.md'), 'utf8');
		for (const file of EXAMPLE_FILES) {
			const notes = EXAMPLES[file].nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote');
			expect({ file, notes: notes.length }).toEqual({ file, notes: 1 });
			expect(notes[0].parameters.content).toMatch(/^## .+\n/);
			expect(readme).toContain(`## ${file}`);
		}
	});

	test.each(EXAMPLE_FILES)(
		'%s is imported as it is, and n8n knows every node type and version in it',
		async (file) => {
			const example = EXAMPLES[file];
			const saved = await rest.request<{ data: Workflow }>('GET', `/rest/workflows/${example.id}`);
			expect(saved.status).toBe(200);
			const shape = (w: Workflow) =>
				w.nodes.map((n) => [n.name, n.type, n.typeVersion, n.parameters]);
			expect(shape(saved.body.data)).toEqual(shape(example));
			expect(saved.body.data.connections).toEqual(example.connections);

			const types = await rest.request<Array<{ name: string; version: number | number[] }>>(
				'GET',
				'/types/nodes.json',
			);
			const known = (type: string, version: number) =>
				types.body.some((t) => t.name === type && [t.version].flat().includes(version));
			const unknown = example.nodes
				.filter((n) => !known(n.type, n.typeVersion))
				.map((n) => `${n.name}: ${n.type} v${n.typeVersion}`);
			expect(unknown).toEqual([]);
		},
	);

	test('no Yandex Market tool lets the model choose the business, the chat or the question', () => {
		const tools = Object.entries(EXAMPLES).flatMap(([file, workflow]) =>
			workflow.nodes.filter((n) => n.type === TOOL_TYPE).map((node) => ({ file, node })),
		);
		expect(tools.length).toBeGreaterThanOrEqual(3);
		for (const { file, node } of tools) {
			// Every tool has a business; a chat or a question where its operation takes one.
			const fields = ['businessId', 'chatId', 'questionId'].filter(
				(field) => field === 'businessId' || field in node.parameters,
			);
			expect(fields.length).toBeGreaterThanOrEqual(2);
			for (const field of fields) {
				const raw = node.parameters[field];
				const value = String(typeof raw === 'object' ? raw?.value : raw);
				const where = `${file}: ${node.name}.${field} = ${value}`;
				// From the trigger by name. Not $json: inside a tool (agent v3) it is the model's
				// arguments, measured below.
				expect({ where, ok: /^=\{\{ \$\('[^']+'\)\.item\.json\.\w+ \}\}$/.test(value) }).toEqual({
					where,
					ok: true,
				});
			}
		}
	});
});

describe('auto-reply.json', () => {
	test('one reply per buyer message, none to the store’s own messages', async () => {
		const before = (await listExecutions(rest, AUTO_REPLY.id)).length;
		const buyer = [sim.addMessage(120, { message: 'Добрый день!' })];
		buyer.push(sim.addMessage(121, { message: 'Когда отправите?' }));
		buyer.push(sim.addMessage(120, { message: 'И ещё вопрос' }));
		for (const message of buyer) {
			expect(await notify(AUTO_REPLY, notification(message.chatId, message.messageId))).toBe(200);
		}
		await newExecutions(AUTO_REPLY, before, buyer.length);
		// Market reports the replies too (sender PARTNER), and a message the store wrote itself.
		const own = sim.state.messages.filter((m) => m.sender === 'PARTNER' && m.messageId > 900000);
		own.push(sim.addMessage(121, { sender: 'PARTNER', message: 'Отправим сегодня' }));
		for (const message of own) {
			expect(await notify(AUTO_REPLY, notification(message.chatId, message.messageId))).toBe(200);
		}
		await sleep(QUIET_MS);
		expect((await listExecutions(rest, AUTO_REPLY.id)).length).toBe(before + buyer.length);
		// The runs are concurrent: replies in any order.
		expect(sim.state.sentMessages.map((m) => `${m.chatId} ${m.message}`).sort()).toEqual([
			'120 We received your message',
			'120 We received your message',
			'121 We received your message',
		]);
	});
});

describe('forward-to-telegram.json', () => {
	test('a buyer message reaches the seller’s Telegram once, as HTML that a stray * or < cannot break', async () => {
		const before = (await listExecutions(rest, FORWARD.id)).length;
		const text = 'Пришёл <не тот> размер & цвет *срочно_';
		const message = sim.addMessage(130, { message: text });
		expect(await notify(FORWARD, notification(130, message.messageId))).toBe(200);
		const [run] = await newExecutions(FORWARD, before, 1);
		expect(run.status).toBe('success');
		const store = sim.addMessage(130, { sender: 'PARTNER', message: 'Заменим' });
		expect(await notify(FORWARD, notification(130, store.messageId))).toBe(200);
		await sleep(QUIET_MS);
		expect((await listExecutions(rest, FORWARD.id)).length).toBe(before + 1);
		expect(telegramCalls()).toEqual([
			{
				method: 'sendMessage',
				chatId: TELEGRAM_CHAT,
				parseMode: 'HTML',
				text: '<b>Buyer, chat 130</b>\nПришёл &lt;не тот&gt; размер &amp; цвет *срочно_',
			},
		]);
		expect(telegram.requests[0].url).toBe(`/bot${TELEGRAM_TOKEN}/sendMessage`);
	});

	test('with the files the trigger downloaded: photos as photos, other files as documents, the rest as links', async () => {
		// A real notification: the trigger (Download Attachments on) reads the message and its files
		// from the simulator; one file is gone from Market's storage and must stay a link.
		const photo = Buffer.from('\xff\xd8\xff\xe0 a photo of the parcel', 'latin1');
		const receipt = Buffer.from('%PDF-1.4 the receipt', 'latin1');
		const message = sim.addMessage(131, {
			message: 'Коробка пришла мятая, фото и чек',
			files: [
				{ name: 'parcel.jpg', data: photo, contentType: 'image/jpeg' },
				{ name: 'receipt.pdf', data: receipt, contentType: 'application/pdf' },
				{ name: 'video.mp4', data: Buffer.from('gone'), contentType: 'video/mp4' },
			],
		});
		const gone = message.payload![2].url;
		sim.deleteFile(gone);
		const before = (await listExecutions(rest, FORWARD.id)).length;
		expect(await notify(FORWARD, notification(131, message.messageId))).toBe(200);
		const [run] = await newExecutions(FORWARD, before, 1);
		expect(run.status).toBe('success');
		const calls = telegramCalls();
		expect(calls.map((c) => [c.method, c.chatId])).toEqual([
			['sendMessage', TELEGRAM_CHAT],
			['sendPhoto', TELEGRAM_CHAT],
			['sendDocument', TELEGRAM_CHAT],
		]);
		expect(calls[0].text).toBe(
			[
				'<b>Buyer, chat 131</b>',
				'Коробка пришла мятая, фото и чек',
				'📎 parcel.jpg',
				'📎 receipt.pdf',
				`📎 <a href="${gone}">video.mp4</a> (Not downloaded: the link answered 404)`,
			].join('\n'),
		);
		expect(calls[1].file).toEqual({
			field: 'photo',
			fileName: 'parcel.jpg',
			contentType: 'image/jpeg',
			data: photo,
		});
		expect(calls[1].caption).toBe('parcel.jpg');
		expect(calls[2].file).toEqual({
			field: 'document',
			fileName: 'receipt.pdf',
			contentType: 'application/pdf',
			data: receipt,
		});
	});
});

describe('daily-digest.json', () => {
	const chatLines = (texts: string[]) =>
		texts.flatMap((text) => [...text.matchAll(/^• Chat (\d+) /gm)].map((m) => Number(m[1])));

	test('the digest lists exactly the chats waiting for the store, the longest waiting first', async () => {
		// 9 waiting chats in the fixtures, 70 more (a digest longer than one Telegram message), one of
		// them with a name Telegram's HTML would choke on; chats in other statuses and businesses.
		const now = Date.now();
		for (let i = 0; i < 70; i++) {
			sim.addChat({
				businessId: BUSINESS,
				status: 'WAITING_FOR_PARTNER',
				contextType: 'ORDER',
				orderId: 7_200_000 + i,
				customer: { name: i === 7 ? 'Ольга <VIP> & Co' : `Покупатель ${i}`, publicId: `e2e-${i}` },
				createdAt: formatMsk(now - (i + 1) * 7 * 60_000),
			});
		}
		sim.addChat({ businessId: BUSINESS, status: 'WAITING_FOR_CUSTOMER' });
		sim.addChat({ businessId: OTHER_BUSINESS, status: 'WAITING_FOR_PARTNER' });
		const waiting = sim.state.chats
			.filter((c) => c.businessId === BUSINESS && c.status === 'WAITING_FOR_PARTNER')
			.sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
		expect(waiting).toHaveLength(79);

		const run = await runManually(DIGEST.id, 'Every morning');
		expect(run.error).toBeUndefined();
		const calls = telegramCalls();
		log(`digest of ${waiting.length} chats: ${calls.length} Telegram message(s)`);
		expect(calls.length).toBeGreaterThan(1);
		for (const call of calls) {
			expect(call).toMatchObject({
				method: 'sendMessage',
				chatId: TELEGRAM_CHAT,
				parseMode: 'HTML',
			});
			expect(call.text!.length).toBeLessThanOrEqual(4096);
		}
		const texts = calls.map((c) => c.text!);
		expect(texts[0]).toMatch(/^<b>79 chat\(s\) waiting for your answer<\/b>\n/);
		const listed = chatLines(texts);
		expect([...listed].sort()).toEqual(waiting.map((c) => c.chatId).sort());
		// Longest waiting first (chats of the same second in either order).
		const updatedAt = new Map(waiting.map((c) => [c.chatId, Date.parse(c.updatedAt)]));
		const times = listed.map((id) => updatedAt.get(id)!);
		expect(times).toEqual([...times].sort((a, b) => a - b));
		expect(texts.join('\n')).toContain('• Chat 102 (order 7000102, ');
		expect(texts.join('\n')).toContain('Ольга &lt;VIP&gt; &amp; Co');
		expect(sim.requests.map((r) => r.operationId)).toEqual(
			Array(Math.ceil(79 / 20)).fill('getChats'),
		);
	});

	test('on a day with no chat waiting, it says so', async () => {
		for (const chat of sim.state.chats) {
			if (chat.status === 'WAITING_FOR_PARTNER') sim.setChatStatus(chat.chatId, 'FINISHED');
		}
		const run = await runManually(DIGEST.id, 'Every morning');
		expect(run.error).toBeUndefined();
		expect(telegramCalls()).toEqual([
			{
				method: 'sendMessage',
				chatId: TELEGRAM_CHAT,
				parseMode: 'HTML',
				text: 'No chats are waiting for your answer.',
			},
		]);
	});
});

describe('copy-to-sheet.json', () => {
	test('each run copies only the messages that are new; positions survive in a data table, and are saved only after the sheet took the rows', async () => {
		// Setup step 1 of the sticky note: the data table.
		const created = await rest.request<{ data: { id: string } }>(
			'POST',
			`/rest/projects/${projectId}/data-tables`,
			{
				name: 'Yandex Market positions',
				columns: [
					{ name: 'chatId', type: 'number' },
					{ name: 'lastMessageId', type: 'number' },
					{ name: 'chatUpdatedAt', type: 'string' },
				],
			},
		);
		expect(created.status).toBe(200);
		const tableId = created.body.data.id;
		const withTable = (sheet: 'disabled' | 'failing') => (workflow: Workflow) => {
			for (const node of workflow.nodes) {
				if (node.type === 'n8n-nodes-base.dataTable') {
					node.parameters.dataTableId = { __rl: true, mode: 'id', value: tableId };
				}
			}
			// No Google account here: the rows that reach the sheet are checked instead. In the
			// failing copy a Stop and Error node stands in its place, for Google failing.
			const append = nodeNamed(workflow, 'Append to sheet');
			if (sheet === 'disabled') append.disabled = true;
			else {
				Object.assign(append, {
					type: 'n8n-nodes-base.stopAndError',
					typeVersion: 1,
					parameters: { errorType: 'errorMessage', errorMessage: 'Google Sheets is down' },
				});
			}
		};
		const copy = runCopy('copy-to-sheet.json', 'E2e', withTable('disabled'));
		const failing = runCopy('copy-to-sheet.json', 'Fail', withTable('failing'));
		await n8n.importWorkflows([copy, failing]);

		const positions = async () => {
			const rows = await rest.request<{ data: { data: Array<Record<string, any>> } }>(
				'GET',
				`/rest/projects/${projectId}/data-tables/${tableId}/rows?take=1000`,
			);
			return Object.fromEntries(
				rows.body.data.data.map((r) => [r.chatId, r.lastMessageId]),
			) as Record<number, number>;
		};
		const copied = async (workflow: Workflow) => {
			const from = sim.requests.length;
			const run = await runManually(workflow.id, 'Every 15 minutes');
			const reads = sim.requests
				.slice(from)
				.filter((r) => r.operationId === 'getChatHistory')
				.map((r) => ({ chatId: Number(r.query.chatId), from: (r.json as any)?.messageIdFrom }))
				// Up to 4 requests are in flight at once: their order is not the items'.
				.sort((a, b) => a.chatId - b.chatId);
			const rows = itemsOf(run, 'Only the new ones');
			return { run, reads, rows, ids: rows.map((r) => r.messageId) };
		};
		const chats = sim.state.chats.filter((c) => c.businessId === BUSINESS);

		// 1. The first run copies every chat from its start.
		const first = await copied(copy);
		expect(first.run.error).toBeUndefined();
		const all = chats.flatMap((c) => sim.messagesOf(c.chatId));
		log(`first run: ${first.rows.length} rows from ${chats.length} chats`);
		expect([...first.ids].sort()).toEqual(all.map((m) => m.messageId).sort());
		expect(new Set(first.ids).size).toBe(first.ids.length);
		const row = first.rows.find((r) => r.messageId === sim.messagesOf(110)[1].messageId);
		expect(row).toEqual({
			chatId: 110,
			messageId: sim.messagesOf(110)[1].messageId,
			createdAt: sim.messagesOf(110)[1].createdAt,
			sender: sim.messagesOf(110)[1].sender,
			text: sim.messagesOf(110)[1].message,
			files: '',
			orderId: 7000110,
			returnId: '',
			buyer: expect.any(String),
		});
		const saved = await positions();
		expect(saved).toEqual(
			Object.fromEntries(chats.map((c) => [c.chatId, sim.messagesOf(c.chatId).at(-1)!.messageId])),
		);

		// 2. New messages, buyer's and store's, in two chats; the sheet fails first.
		const fresh = [
			sim.addMessage(102, { message: 'Ещё вопрос по заказу' }),
			sim.addMessage(102, { sender: 'PARTNER', message: 'Отвечаем' }),
			sim.addMessage(103, {
				message: 'Вот фото',
				files: [{ name: 'photo.jpg', contentType: 'image/jpeg', data: 'jpeg' }],
			}),
		];
		const failed = await copied(failing);
		expect(failed.run.status).toBe('error');
		expect(failed.run.error).toMatchObject({
			message: 'Google Sheets is down',
			node: { name: 'Append to sheet' },
		});
		expect(failed.rows).toHaveLength(fresh.length);
		expect(failed.run.runData['Save positions']).toBeUndefined();
		expect(await positions()).toEqual(saved);

		const second = await copied(copy);
		expect(second.run.error).toBeUndefined();
		// The most recently active chat first, as Get Many lists them; each chat's messages in order.
		expect(second.ids).toEqual([fresh[2], fresh[0], fresh[1]].map((m) => m.messageId));
		expect(second.rows.find((r) => r.chatId === 103)?.files).toBe(
			`photo.jpg ${fresh[2].payload![0].url}`,
		);
		// Only the two chats that moved are read, from the last message copied.
		expect(second.reads).toEqual([
			{ chatId: 102, from: saved[102] },
			{ chatId: 103, from: saved[103] },
		]);
		expect(await positions()).toMatchObject({ 102: fresh[1].messageId, 103: fresh[2].messageId });

		// 3. Nothing new: nothing copied. The chats active in the last minute are read once more.
		const third = await copied(copy);
		expect(third.run.error).toBeUndefined();
		expect(third.rows).toEqual([]);
		expect(third.reads).toEqual([
			{ chatId: 102, from: fresh[1].messageId },
			{ chatId: 103, from: fresh[2].messageId },
		]);
	});
});

/** The notification the simulator has for a new review or question, as Market would post it. */
function outboxed(type: string, field: 'feedbackId' | 'questionId', id: number) {
	const found = sim.state.notifications.filter(
		(n) => n.notificationType === type && (n as Record<string, unknown>)[field] === id,
	);
	expect(found).toHaveLength(1);
	return found[0];
}

describe('review-replies.json', () => {
	const storeReplies = (feedbackId: number) =>
		sim.state.feedbackComments
			.filter((c) => c.feedbackId === feedbackId && c.author.type === 'BUSINESS')
			.map((c) => c.text);
	/**
	 * Review IDs no other test uses: the simulator is reset between tests and would give the same
	 * ID again, which the trigger (Ignore Duplicates, kept for the whole n8n) would take for a
	 * repeat. Market never reuses one.
	 */
	let nextFeedbackId = 490_001;

	test('a 5★ review gets exactly one thank-you, and the same notification again adds none', async () => {
		const before = (await listExecutions(rest, REVIEWS.id)).length;
		const review = sim.addFeedback({
			feedbackId: nextFeedbackId++,
			businessId: BUSINESS,
			offerId: 'KETTLE-01',
			rating: 5,
			author: 'Мария С.',
			comment: 'Отличный чайник, быстро закипает',
		});
		const published = outboxed('GOODS_FEEDBACK_CREATED', 'feedbackId', review.feedbackId);
		expect(await notify(REVIEWS, published)).toBe(200);
		const [run] = await newExecutions(REVIEWS, before, 1);
		expect(run.error).toBeUndefined();
		expect(storeReplies(review.feedbackId)).toEqual([
			'Мария С., thank you for your review! We are glad you liked it, and we hope to see you again.',
		]);
		// The rating was read from Market by the trigger, not guessed: the notification has none.
		expect(published).not.toHaveProperty('rating');
		expect(itemsOf(run, 'Review published')[0]).toMatchObject({
			feedbackId: review.feedbackId,
			rating: 5,
			text: 'Отличный чайник, быстро закипает',
			review: { author: 'Мария С.', identifiers: { offerId: 'KETTLE-01' } },
		});
		expect(telegramCalls()).toEqual([]);

		// Market delivers the same notification again, and notifies the store's reply.
		const reply = sim.state.notifications.filter(
			(n) => n.notificationType === 'GOODS_FEEDBACK_COMMENT_CREATED',
		);
		expect(reply).toHaveLength(1);
		for (const body of [published, ...reply]) expect(await notify(REVIEWS, body)).toBe(200);
		await sleep(QUIET_MS);
		expect(await listExecutions(rest, REVIEWS.id)).toHaveLength(before + 1);
		expect(storeReplies(review.feedbackId)).toHaveLength(1);
		expect(sim.state.feedbacks.find((f) => f.feedbackId === review.feedbackId)?.needReaction).toBe(
			false,
		);
	});

	test('a review run twice (Ignore Duplicates off) still gets one reply: Skip If Already Answered', async () => {
		const before = (await listExecutions(rest, REVIEWS_TWICE.id)).length;
		const review = sim.addFeedback({
			feedbackId: nextFeedbackId++,
			businessId: BUSINESS,
			offerId: 'IRON-01',
			rating: 4,
		});
		const published = outboxed('GOODS_FEEDBACK_CREATED', 'feedbackId', review.feedbackId);
		expect(await notify(REVIEWS_TWICE, published)).toBe(200);
		await newExecutions(REVIEWS_TWICE, before, 1);
		expect(await notify(REVIEWS_TWICE, published)).toBe(200);
		const [, second] = await newExecutions(REVIEWS_TWICE, before, 2);
		expect(second.error).toBeUndefined();
		expect(itemsOf(second, 'Thank the buyer')).toMatchObject([{ skipped: true }]);
		// An anonymous review: thanked without a name.
		expect(storeReplies(review.feedbackId)).toEqual([
			'Thank you for your review! We are glad you liked it, and we hope to see you again.',
		]);
	});

	test('a 2★ review gets no reply and reaches a person in Telegram once', async () => {
		const before = (await listExecutions(rest, REVIEWS.id)).length;
		const review = sim.addFeedback({
			feedbackId: nextFeedbackId++,
			businessId: BUSINESS,
			offerId: 'BLENDER-02',
			rating: 2,
			author: 'Иван <П.>',
			orderId: 7_400_001,
			disadvantages: 'Нож сломался через неделю & шумит',
			comment: '*не советую*',
		});
		const published = outboxed('GOODS_FEEDBACK_CREATED', 'feedbackId', review.feedbackId);
		expect(await notify(REVIEWS, published)).toBe(200);
		const [run] = await newExecutions(REVIEWS, before, 1);
		expect(run.error).toBeUndefined();
		expect(storeReplies(review.feedbackId)).toEqual([]);
		expect(sim.requests.map((r) => r.operationId)).toEqual(['getGoodsFeedbacks']);
		expect(telegramCalls()).toEqual([
			{
				method: 'sendMessage',
				chatId: TELEGRAM_CHAT,
				parseMode: 'HTML',
				text: [
					`<b>★★☆☆☆ review ${review.feedbackId}</b> from Иван &lt;П.&gt; (offer BLENDER-02, order 7400001)`,
					'<b>Disadvantages:</b> Нож сломался через неделю &amp; шумит',
					'<b>Comment:</b> *не советую*',
					'Not answered yet: reply in the seller cabinet (Reviews).',
				].join('\n'),
			},
		]);
		// The review still waits for the store.
		expect(sim.state.feedbacks.find((f) => f.feedbackId === review.feedbackId)?.needReaction).toBe(
			true,
		);
	});
});

describe('question-answers.json', () => {
	test('a question gets exactly one answer from the store, on that question only, whatever the model asks for; the same notification again adds none', async () => {
		const before = (await listExecutions(rest, QUESTIONS.id)).length;
		const answersBefore = sim.state.answers.length;
		const question = sim.addQuestion({
			businessId: BUSINESS,
			offerId: 'KETTLE-02',
			text: 'Чайник выключается сам, когда вода закипит?',
		});
		const asked = outboxed('QUESTION_CREATED', 'questionId', question.id);
		expect(await notify(QUESTIONS, asked)).toBe(200);
		const [run] = await newExecutions(QUESTIONS, before, 1);
		expect(run.error).toBeUndefined();

		// The trigger read the question (the notification has only its ID); no Question → Get
		// after it: one read of the question, then the tool's check for an answer and its answer.
		expect(asked).not.toHaveProperty('text');
		expect(itemsOf(run, 'Question asked')[0]).toMatchObject({
			businessId: BUSINESS,
			questionId: question.id,
			text: 'Чайник выключается сам, когда вода закипит?',
			authorType: 'USER',
			question: { questionIdentifiers: { id: question.id, offerId: 'KETTLE-02' } },
		});
		expect(sim.requests.map((r) => r.operationId)).toEqual([
			'getGoodsQuestions',
			'getGoodsQuestionAnswers',
			'updateGoodsQuestionTextEntity',
		]);
		expect(sim.requests[0].json).toMatchObject({ questionIds: [question.id] });

		// The model got the question, and a tool that takes the text only.
		const offered = (openAi.requests[0].json.tools as Array<{ function: any }>).map((t) => ({
			name: t.function.name,
			parameters: Object.keys(t.function.parameters?.properties ?? {}),
		}));
		expect(offered).toEqual([{ name: 'Answer_the_question', parameters: ['text'] }]);
		expect(openAi.requests[0].json.messages.at(-1)).toMatchObject({
			role: 'user',
			content:
				'Product (your SKU): KETTLE-02\nQuestion: Чайник выключается сам, когда вода закипит?',
		});
		// It named question OTHER_QUESTION of OTHER_BUSINESS; the answer went to the one asked.
		expect(
			sim.state.answers.slice(answersBefore).map((a) => [a.questionId, a.author.type, a.text]),
		).toEqual([[question.id, 'BUSINESS', AI_ANSWER]]);
		expect(sim.requests.every((r) => businessOf(r) === BUSINESS)).toBe(true);
		expect(openAi.requests).toHaveLength(2);

		// Market delivers the same notification again, and notifies the store's answer.
		const answered = sim.state.notifications.filter(
			(n) => n.notificationType === 'QUESTION_ANSWER_CREATED',
		);
		expect(answered).toHaveLength(1);
		for (const body of [asked, ...answered]) expect(await notify(QUESTIONS, body)).toBe(200);
		await sleep(QUIET_MS);
		expect(await listExecutions(rest, QUESTIONS.id)).toHaveLength(before + 1);
		expect(sim.state.answers.slice(answersBefore)).toHaveLength(1);
		expect(openAi.requests).toHaveLength(2);
	});

	test('control: with {{ $json.questionId }} in the tool, the same model would answer another question', async () => {
		const before = (await listExecutions(rest, QUESTIONS_BY_JSON.id)).length;
		const answersBefore = sim.state.answers.length;
		const question = sim.addQuestion({
			businessId: BUSINESS,
			offerId: 'KETTLE-02',
			text: 'Какой объём у чайника?',
		});
		const asked = outboxed('QUESTION_CREATED', 'questionId', question.id);
		expect(await notify(QUESTIONS_BY_JSON, asked)).toBe(200);
		await newExecutions(QUESTIONS_BY_JSON, before, 1);
		// Inside a tool, $json is the model's arguments: it chose the question.
		expect(sim.state.answers.slice(answersBefore).map((a) => [a.questionId, a.text])).toEqual([
			[OTHER_QUESTION, AI_ANSWER],
		]);
	});
});

describe('ai-reply.json', () => {
	test('the agent reads and answers only the chat the buyer wrote in, whatever the model asks for', async () => {
		const before = (await listExecutions(rest, AI_REPLY.id)).length;
		const question = sim.addMessage(110, { message: 'Где мой заказ? Когда привезут?' });
		const chat = sim.messagesOf(110).map((m) => [110, m.messageId]);
		expect(await notify(AI_REPLY, notification(110, question.messageId))).toBe(200);
		const [run] = await newExecutions(AI_REPLY, before, 1);
		expect(run.error).toBeUndefined();

		// The model was offered the two tools, and neither takes a chat or a business.
		const offered = (openAi.requests[0].json.tools as Array<{ function: any }>).map((t) => ({
			name: t.function.name,
			parameters: Object.keys(t.function.parameters?.properties ?? {}),
		}));
		expect(offered.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
			{ name: 'Read_the_chat', parameters: [] },
			{ name: 'Reply_to_the_buyer', parameters: ['text'] },
		]);
		expect(openAi.requests[0].json.messages.at(-1)).toMatchObject({
			role: 'user',
			content: 'Где мой заказ? Когда привезут?',
		});
		// It asked for chat 201 of business 1002 both times; it got chat 110 of business 1001.
		const history = JSON.parse(
			openAi.requests[1].json.messages.find((m: { role: string }) => m.role === 'tool').content,
		) as Array<{ chatId: number; messageId: number }>;
		expect(history.map((m) => [m.chatId, m.messageId])).toEqual(chat);
		expect(sim.state.sentMessages.map((m) => [m.businessId, m.chatId, m.message])).toEqual([
			[BUSINESS, 110, AI_TEXT],
		]);
		expect(sim.requests.map((r) => [r.operationId, businessOf(r), Number(r.query.chatId)])).toEqual(
			[
				['getChatHistory', BUSINESS, 110],
				['getChatHistory', BUSINESS, 110],
				['sendMessageToChat', BUSINESS, 110],
			],
		);
		expect(openAi.requests).toHaveLength(3);

		// Market reports the reply too (sender PARTNER): it starts nothing, asks the model nothing.
		const reply = sim.messagesOf(110).at(-1)!;
		expect(reply.sender).toBe('PARTNER');
		expect(await notify(AI_REPLY, notification(110, reply.messageId))).toBe(200);
		await sleep(QUIET_MS);
		expect((await listExecutions(rest, AI_REPLY.id)).length).toBe(before + 1);
		expect(openAi.requests).toHaveLength(3);
	});

	test('control: with {{ $json.chatId }} in the tools, the same model would read and answer another business’s chat', async () => {
		const before = (await listExecutions(rest, AI_REPLY_BY_JSON.id)).length;
		const question = sim.addMessage(111, { message: 'Где мой заказ?' });
		expect(await notify(AI_REPLY_BY_JSON, notification(111, question.messageId))).toBe(200);
		await newExecutions(AI_REPLY_BY_JSON, before, 1);
		const reads = sim.requests
			.filter((r) => r.operationId !== 'sendMessageToChat')
			.map((r) => [businessOf(r), Number(r.query.chatId)]);
		const sent = sim.state.sentMessages.map((m) => [m.businessId, m.chatId]);
		log(`tools bound to $json: read ${JSON.stringify(reads)}, sent ${JSON.stringify(sent)}`);
		// Inside a tool, $json is the model's arguments: it chose the chat.
		expect(reads).toEqual([
			[BUSINESS, 111],
			[OTHER_BUSINESS, OTHER_CHAT],
		]);
		expect(sent).toEqual([[OTHER_BUSINESS, OTHER_CHAT]]);
	});

	test('the API keys show up nowhere in what n8n logged', () => {
		expect(n8n.logText()).not.toContain(SIM_KEYS.communication);
		expect(n8n.logText()).not.toContain(TELEGRAM_TOKEN);
		expect(n8n.logText()).not.toContain(OPENAI_KEY);
	});
});
