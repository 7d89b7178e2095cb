/**
 * The packed package inside a real n8n (2.41.1; N8N_E2E_VERSION=1.123.81 for
 * 1.x), against the project's Market simulator. One n8n (and one simulator) for the whole file:
 *
 *   ensure n8n (cache) → npm pack → unpack into <user folder>/.n8n/nodes/node_modules
 *   → import credentials + workflows with the n8n CLI → n8n start
 *   → checks through the editor's REST API → workflows run with `n8n execute`.
 *
 * Run with `npm run test:e2e`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURE_FACTS, SIM_KEYS, startSimulator, type Simulator } from '../simulator/server';
import {
	CREDENTIAL_TYPE,
	N8nInstance,
	N8nRestSession,
	NODE_TYPE,
	PACKAGE_NAME,
	ensureN8n,
	loadWorkflow,
	nodeOutput,
	packPackage,
	parseFailedExecution,
	type ExecuteResult,
	type N8nRuntime,
	type PackedPackage,
} from './harness';

const SIM_CREDENTIAL = { id: 'ymSimulatorCred1', name: 'Yandex Market (simulator)' };
const WRONG_KEY_CREDENTIAL = { id: 'ymWrongKeyCred01', name: 'Yandex Market (wrong key)' };
/** Looks like a real key, is unknown to the simulator; must never show up in n8n's output. */
const WRONG_KEY = `ACMA:e2e-wrong-${Math.random().toString(36).slice(2, 10)}:9999`;
const OWNER = {
	email: 'owner@example.com',
	password: 'E2e-Owner-Pass-1',
	firstName: 'E2E',
	lastName: 'Owner',
};
const DEMO_BUSINESS = FIXTURE_FACTS.businesses.demo;
const WORKFLOWS = [
	'reply-waiting',
	'send-file',
	'forward-file',
	'other-operations',
	'bad-key',
] as const;

const timings: Array<[string, number]> = [];
const note = (label: string, ms: number) => {
	timings.push([label, ms]);
	process.stderr.write(`[e2e] ${label}: ${(ms / 1000).toFixed(1)} s\n`);
};
const since = (started: number) => Date.now() - started;

let runtime: N8nRuntime;
let pack: PackedPackage;
let sim: Simulator;
let n8n: N8nInstance;
let rest: N8nRestSession;
const fileStarted = Date.now();

async function execute(workflowId: string): Promise<ExecuteResult> {
	const result = await n8n.execute(workflowId);
	note(
		`n8n execute ${workflowId}${result.attempts > 1 ? ` (${result.attempts} attempts)` : ''}`,
		result.ms,
	);
	return result;
}

/** What went wrong, with n8n's own output, for a failed expectation. */
function explain(result: ExecuteResult): string {
	return `rc ${result.code}\n--- stdout (tail)\n${result.stdout.slice(-4000)}\n--- stderr (tail)\n${result.stderr.slice(-4000)}\n--- n8n server log (tail)\n${n8n.logTail(40)}`;
}

beforeAll(async () => {
	let started = Date.now();
	runtime = ensureN8n();
	note(runtime.cached ? 'n8n install (reused from cache)' : 'n8n install (cold)', since(started));

	started = Date.now();
	pack = packPackage();
	note(`npm pack (${pack.files.length} files)`, since(started));

	sim = await startSimulator();

	// N8N_E2E_KEEP=1 keeps the user folder (database, n8n-e2e.log) for a look afterwards.
	n8n = await N8nInstance.create({
		runtime,
		logLevel: 'debug',
		removeOnDispose: !process.env.N8N_E2E_KEEP,
	});
	n8n.installPackage(pack);

	started = Date.now();
	await n8n.importCredentials([
		{
			...SIM_CREDENTIAL,
			type: CREDENTIAL_TYPE,
			data: { apiKey: SIM_KEYS.communication, baseUrl: sim.url },
		},
		{
			...WRONG_KEY_CREDENTIAL,
			type: CREDENTIAL_TYPE,
			data: { apiKey: WRONG_KEY, baseUrl: sim.url },
		},
	]);
	await n8n.importWorkflows(WORKFLOWS.map((name) => loadWorkflow(name)));
	note('n8n import (credentials + workflows)', since(started));

	note('n8n start → /healthz/readiness', await n8n.start());

	await n8n.setupOwner(OWNER);
	rest = new N8nRestSession(n8n.baseUrl);
	await rest.login(OWNER.email, OWNER.password);
}, 30 * 60_000);

afterAll(async () => {
	await n8n?.stop();
	await sim?.close();
	note('whole file', since(fileStarted));
	process.stderr.write(
		`[e2e] timings:\n${timings.map(([label, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${label}`).join('\n')}\n`,
	);
	if (process.env.N8N_E2E_KEEP)
		process.stderr.write(`[e2e] kept ${n8n?.userFolder} (log: ${n8n?.logFile})\n`);
	await n8n?.dispose();
}, 60_000);

beforeEach(() => {
	sim.reset();
});

describe('the package in n8n', () => {
	test('n8n loads the node and the credential from <user folder>/.n8n/nodes', async () => {
		const nodes = await rest.request<
			Array<{
				name: string;
				version: number;
				properties: Array<{ name: string }>;
				iconUrl?: string | { light: string };
			}>
		>('GET', '/types/nodes.json');
		expect(nodes.status).toBe(200);
		const node = nodes.body.find((type) => type.name === NODE_TYPE);
		expect(node).toBeDefined();
		const names = node!.properties.map((p) => p.name);
		for (const name of [
			'resource',
			'operation',
			'businessId',
			'chatId',
			'returnAll',
			'limit',
			'filters',
			'text',
			'binaryPropertyName',
		]) {
			expect(names).toContain(name);
		}

		// The icon the editor shows is served from the installed package.
		const iconPath = typeof node!.iconUrl === 'string' ? node!.iconUrl : node!.iconUrl?.light;
		expect(iconPath).toMatch(new RegExp(`^icons/${PACKAGE_NAME}/`));
		const icon = await fetch(`${n8n.baseUrl}/${iconPath}`);
		expect(icon.status).toBe(200);
		expect(await icon.text()).toContain('<svg');
		// Light and dark variants, for n8n's two themes.
		if (typeof node!.iconUrl === 'object') {
			const dark = (node!.iconUrl as { dark?: string }).dark;
			expect(dark).toMatch(/yandexMarket\.dark\.svg$/);
			const darkIcon = await fetch(`${n8n.baseUrl}/${dark}`);
			expect(darkIcon.status).toBe(200);
			expect(await darkIcon.text()).toContain('<svg');
		}

		const credentials = await rest.request<Array<{ name: string }>>(
			'GET',
			'/types/credentials.json',
		);
		expect(credentials.body.map((c) => c.name)).toContain(CREDENTIAL_TYPE);

		expect(n8n.logText()).not.toMatch(/Failed to load package|Skipping package/);
	});

	test('the credential test in the editor passes with a good key and explains a wrong one', async () => {
		const good = await rest.request<{ data: { status: string; message: string } }>(
			'POST',
			'/rest/credentials/test',
			{
				credentials: {
					...SIM_CREDENTIAL,
					type: CREDENTIAL_TYPE,
					data: { apiKey: SIM_KEYS.communication, baseUrl: sim.url },
				},
			},
		);
		expect(good.status).toBe(200);
		expect(good.body.data).toMatchObject({ status: 'OK' });

		const wrong = await rest.request<{ data: { status: string; message: string } }>(
			'POST',
			'/rest/credentials/test',
			{
				credentials: {
					...WRONG_KEY_CREDENTIAL,
					type: CREDENTIAL_TYPE,
					data: { apiKey: WRONG_KEY, baseUrl: sim.url },
				},
			},
		);
		expect(wrong.status).toBe(200);
		expect(wrong.body.data.status).toBe('Error');
		expect(wrong.body.data.message).not.toContain(WRONG_KEY);
		// n8n shows this message under "Couldn't connect with these settings".
		expect(wrong.body.data.message).toBeTruthy();
		// n8n 2.41 tries a failing credential twice; both went to Market's token check.
		expect(sim.requests.every((r) => r.operationId === 'getAuthTokenInfo')).toBe(true);
		expect(sim.requests.map((r) => [r.headers['api-key'], r.status])).toEqual(
			expect.arrayContaining([
				[SIM_KEYS.communication, 200],
				[WRONG_KEY, 401],
			]),
		);
	});

	test('"From List" of the Business field lists the key\'s businesses', async () => {
		const response = await rest.request<{
			data: { results: Array<{ name: string; value: string | number }> };
		}>('POST', '/rest/dynamic-node-parameters/resource-locator-results', {
			nodeTypeAndVersion: { name: NODE_TYPE, version: 1 },
			path: 'parameters.businessId',
			methodName: 'searchBusinesses',
			currentNodeParameters: { resource: 'chat', operation: 'getAll' },
			credentials: { [CREDENTIAL_TYPE]: SIM_CREDENTIAL },
		});
		expect(response.status).toBe(200);
		const values = response.body.data.results.map((r) => String(r.value));
		expect(values).toContain(String(DEMO_BUSINESS));
		expect(
			response.body.data.results.find((r) => String(r.value) === String(DEMO_BUSINESS))?.name,
		).toContain('Demo Store');
	});

	test("the editor gets each operation's output schema from the package before a run", async () => {
		// The files of dist/nodes/YandexMarket/__schema__/v<version>/<resource>/<operation>.json.
		const schemas = pack.files
			.map((file) =>
				/^dist\/nodes\/YandexMarket\/__schema__\/v([\d.]+)\/(\w+)\/(\w+)\.json$/.exec(file),
			)
			.filter((m): m is RegExpExecArray => m !== null);
		// Every schema of the source is packed (test/node/outputSchemas.test.ts ties them to the
		// operations the node offers): 7 chat and message, 7 review and 7 question operations.
		const sourceDir = path.join(__dirname, '../../nodes/YandexMarket/__schema__/v1.0.0');
		const inSource = readdirSync(sourceDir).flatMap((resource) =>
			readdirSync(path.join(sourceDir, resource)).map(
				(file) => `${resource}/${file.replace(/\.json$/, '')}`,
			),
		);
		expect(inSource).toHaveLength(21);
		expect(schemas.map(([, , resource, operation]) => `${resource}/${operation}`).sort()).toEqual(
			inSource.sort(),
		);
		for (const [file, version, resource, operation] of schemas) {
			// The URL the editor's schema preview asks for (padded version, e.g. 1.0.0).
			const response = await fetch(
				`${n8n.baseUrl}/schemas/${NODE_TYPE}/${version}/${resource}/${operation}.json`,
			);
			expect([file, response.status]).toEqual([file, 200]);
			expect(await response.json()).toEqual(
				JSON.parse(readFileSync(path.join(__dirname, '../..', file), 'utf8')),
			);
		}
		const missing = await fetch(`${n8n.baseUrl}/schemas/${NODE_TYPE}/1.0.0/chat/nothing.json`);
		expect(missing.status).toBe(404);
	});
});

describe('workflows run with `n8n execute`', () => {
	test('reply-waiting: one reply in each chat waiting for the store, none twice', async () => {
		const waiting = sim.state.chats
			.filter((chat) => chat.businessId === DEMO_BUSINESS && chat.status === 'WAITING_FOR_PARTNER')
			.map((chat) => chat.chatId)
			.sort((a, b) => a - b);
		expect(waiting.length).toBe(FIXTURE_FACTS.demoChatsByStatus.WAITING_FOR_PARTNER);

		const result = await execute('ymE2eReplyWaiting');
		expect({ ok: result.ok, output: result.ok ? '' : explain(result) }).toEqual({
			ok: true,
			output: '',
		});

		// What Market received.
		const sends = sim.requests.filter((r) => r.operationId === 'sendMessageToChat');
		expect(sends.every((r) => r.status === 200)).toBe(true);
		const repliedChats = sends.map((r) => Number(r.query.chatId));
		expect([...repliedChats].sort((a, b) => a - b)).toEqual(waiting);
		expect(new Set(repliedChats).size).toBe(repliedChats.length);
		expect(sends.every((r) => r.path === `/v2/businesses/${DEMO_BUSINESS}/chats/message`)).toBe(
			true,
		);
		for (const request of sends) {
			expect((request.json as { message: string }).message).toBe(
				`Hello! Thank you for writing to us. We have read your message and will answer within the hour. (chat ${request.query.chatId})`,
			);
			expect(request.headers['api-key']).toBe(SIM_KEYS.communication);
		}
		expect(sim.state.sentMessages.map((m) => m.chatId).sort((a, b) => a - b)).toEqual(waiting);

		// Every waiting chat's history was read once, and nothing else was asked.
		const histories = sim.requests.filter((r) => r.operationId === 'getChatHistory');
		expect(histories.map((r) => Number(r.query.chatId)).sort((a, b) => a - b)).toEqual(waiting);
		expect(
			sim.requests.filter((r) => r.operationId === 'getChats').every((r) => r.status === 200),
		).toBe(true);

		// What the workflow's nodes put out.
		const run = result.run!;
		expect(nodeOutput(run, 'Chats waiting for us').map((item) => item.json.chatId)).toEqual(
			expect.arrayContaining(waiting),
		);
		const replies = nodeOutput(run, 'Reply');
		expect(replies).toHaveLength(waiting.length);
		for (const reply of replies) {
			expect(reply.json).toMatchObject({
				businessId: expect.anything(),
				chatId: expect.anything(),
				text: expect.stringContaining('Hello!'),
			});
		}
	});

	test("reply-waiting against Market's limits: a send quota spent for the next 6 s, parallel-limit refusals and a 500 on a read — one reply per chat, none twice", async () => {
		const waiting = sim.state.chats
			.filter((chat) => chat.businessId === DEMO_BUSINESS && chat.status === 'WAITING_FOR_PARTNER')
			.map((chat) => chat.chatId)
			.sort((a, b) => a - b);
		// Spent from the first send on, however long n8n execute takes to start.
		sim.spendQuotaFromFirstCall('sendMessageToChat', 6000);
		sim.injectFault(
			'getChatHistory',
			{
				status: 420,
				remaining: 9000,
				until: Date.now() + 50 * 60_000,
				body: {
					status: 'ERROR',
					errors: [
						{
							code: 'LIMIT_EXCEEDED',
							message: `Hit rate limit of 4 parallel requests for businessId ${DEMO_BUSINESS}`,
						},
					],
				},
			},
			2,
		);
		sim.injectFault('getChatHistory', { status: 500 });
		const started = Date.now();
		const result = await execute('ymE2eReplyWaiting');
		const seconds = since(started) / 1000;
		note('reply-waiting through a spent quota and refusals', since(started));
		expect({ ok: result.ok, output: result.ok ? '' : explain(result) }).toEqual({
			ok: true,
			output: '',
		});
		expect(sim.state.sentMessages.map((m) => m.chatId).sort((a, b) => a - b)).toEqual(waiting);
		const sends = sim.requests.filter((r) => r.operationId === 'sendMessageToChat');
		// The ≤ 4 sends in flight when the window was found spent were refused; none after it.
		const refused = sends.filter((r) => r.status === 420);
		expect(refused.length).toBeGreaterThanOrEqual(1);
		expect(refused.length).toBeLessThanOrEqual(4);
		expect(seconds).toBeLessThan(30);
	});

	test('send-file: the file made in the workflow reaches Market byte for byte', async () => {
		const workflow = loadWorkflow('send-file') as unknown as {
			nodes: Array<{
				name: string;
				parameters: { assignments?: { assignments: Array<{ value: string }> } };
			}>;
		};
		const expectedBytes = Buffer.from(
			workflow.nodes.find((n) => n.name === 'Picture as base64')!.parameters.assignments!
				.assignments[0].value,
			'base64',
		);

		const result = await execute('ymE2eSendFile0001');
		expect({ ok: result.ok, output: result.ok ? '' : explain(result) }).toEqual({
			ok: true,
			output: '',
		});

		const latestChat = nodeOutput(result.run!, 'Latest chat')[0].json.chatId;
		const uploads = sim.requests.filter((r) => r.operationId === 'sendFileToChat');
		expect(uploads).toHaveLength(1);
		const [upload] = uploads;
		expect(upload.status).toBe(200);
		expect(upload.query.chatId).toBe(String(latestChat));
		expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		const parts = upload.multipart ?? [];
		expect(parts).toHaveLength(1);
		expect(parts[0]).toMatchObject({
			name: 'file',
			filename: 'parcel-label.png',
			contentType: 'image/png',
		});
		expect(Buffer.compare(parts[0].data, expectedBytes)).toBe(0);

		expect(sim.state.sentFiles).toHaveLength(1);
		expect(sim.state.sentFiles[0]).toMatchObject({
			filename: 'parcel-label.png',
			size: expectedBytes.length,
		});
		expect(Buffer.compare(sim.state.sentFiles[0].data, expectedBytes)).toBe(0);

		const [sent] = nodeOutput(result.run!, 'Send the file');
		expect(sent.json).toMatchObject({
			fileName: 'parcel-label.png',
			mimeType: 'image/png',
			fileSize: expectedBytes.length,
		});
	});

	test("forward-file: a buyer's photo, downloaded by Get History, reaches another chat byte for byte; a file that is gone says so", async () => {
		const photo = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 13 + 5) & 0xff));
		for (const chatId of [7701, 7702]) sim.addChat({ businessId: DEMO_BUSINESS, chatId });
		const msg = sim.addMessage(7701, {
			message: 'Вот фото коробки',
			files: [
				{ name: 'коробка.jpg', data: photo, contentType: 'image/jpeg' },
				{ name: 'gone.png', data: 'x', contentType: 'image/png' },
			],
		});
		sim.deleteFile(msg.payload![1].url);

		const result = await execute('ymE2eForwardFile01');
		expect({ ok: result.ok, output: result.ok ? '' : explain(result) }).toEqual({
			ok: true,
			output: '',
		});
		const [read] = nodeOutput(result.run!, "Buyer's messages");
		expect(read.json.payload).toEqual([
			{ ...msg.payload![0], binaryProperty: 'attachment_0' },
			{ ...msg.payload![1], downloadError: 'Not downloaded: the link answered 404' },
		]);
		expect(sim.state.sentFiles).toHaveLength(1);
		expect(sim.state.sentFiles[0]).toMatchObject({
			chatId: 7702,
			filename: 'коробка.jpg',
			size: photo.length,
		});
		expect(Buffer.compare(sim.state.sentFiles[0].data, photo)).toBe(0);
	});

	test('other-operations: create a chat, get it, get one message (the rest of the operations)', async () => {
		const result = await execute('ymE2eOtherOps0001');
		expect({ ok: result.ok, output: result.ok ? '' : explain(result) }).toEqual({
			ok: true,
			output: '',
		});
		const run = result.run!;
		const byOperation = (id: string) => sim.requests.filter((r) => r.operationId === id);

		// Create: Market gets {context: {type, id}} and answers with the new chat.
		const [create] = byOperation('createChat');
		expect(create.status).toBe(200);
		expect(create.json).toEqual({ context: { type: 'ORDER', id: 7000901 } });
		const created = sim.state.createdChats;
		expect(created).toHaveLength(1);
		expect(nodeOutput(run, 'Start a chat').map((i) => i.json)).toEqual([
			{
				chatId: created[0].chatId,
				businessId: DEMO_BUSINESS,
				contextType: 'ORDER',
				contextId: 7000901,
			},
		]);

		// Get: the chat just created, its id taken from the previous node by expression.
		const [getChat] = byOperation('getChat');
		expect(getChat.query.chatId).toBe(String(created[0].chatId));
		const [chat] = nodeOutput(run, 'Get the chat');
		expect(chat.json).toMatchObject({ chatId: created[0].chatId, status: expect.any(String) });

		// Message get: the message Get History returned, by chat and message id.
		const [historyItem] = nodeOutput(run, 'A message of chat 101');
		const [getMessage] = byOperation('getChatMessage');
		expect(getMessage.query).toMatchObject({
			chatId: '101',
			messageId: String(historyItem.json.messageId),
		});
		const stored = sim
			.messagesOf(101)
			.find((m) => m.messageId === Number(historyItem.json.messageId));
		expect(stored).toBeDefined();
		const [message] = nodeOutput(run, 'Get the message');
		expect(message.json).toMatchObject({ messageId: stored!.messageId, sender: stored!.sender });
		if (stored!.message !== undefined) expect(message.json.message).toBe(stored!.message);
		expect(sim.requests.every((r) => r.status === 200)).toBe(true);
	});

	test('bad-key: the execution fails with the message a seller would see, and the key is nowhere', async () => {
		const result = await execute('ymE2eBadKey000001');
		expect(result.ok).toBe(false);
		expect(result.code).not.toBe(0);

		// Market was asked, with the wrong key in the Api-Key header (and only there).
		expect(sim.requests.length).toBeGreaterThan(0);
		for (const request of sim.requests) {
			expect(request.status).toBe(401);
			expect(request.headers['api-key']).toBe(WRONG_KEY);
			expect(request.path).not.toContain(WRONG_KEY);
			expect(JSON.stringify(request.query)).not.toContain(WRONG_KEY);
		}

		const output = `${result.stdout}\n${result.stderr}`;
		const error = parseFailedExecution(output);
		expect(error).toBeDefined();
		expect(error!.node).toBe('List chats');
		expect(error!.message).toMatch(/401/);
		expect(`${error!.message} ${error!.description ?? ''}`).toMatch(/API key/i);

		// The key appears nowhere: not in the CLI's output, not in n8n's log, not
		// in any file n8n wrote (database, event log…): it is stored encrypted.
		expect(output).not.toContain(WRONG_KEY);
		expect(n8n.logText()).not.toContain(WRONG_KEY);
		expect(n8n.filesContaining(WRONG_KEY)).toEqual([]);
		expect(n8n.filesContaining(SIM_KEYS.communication)).toEqual([]);
	});
});
