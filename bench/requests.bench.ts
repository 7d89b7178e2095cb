/**
 * `npm run bench`: the node against Market's limits, measured side by side in one run,
 * printed as ratios. Not part of `npm test`; asserts nothing.
 *
 * P1  requests per list, against the fewest Market's page sizes allow (chats, messages,
 *     reviews, questions), and per review reply with Skip If Already Answered.
 * P2  1,000 sends: the node vs a plain HTTP loop keeping 4 in flight vs n8n's HTTP Request
 *     node, at 0 and 20 ms simulator latency; CPU and expression evaluations per item.
 * P4  100 sends while the quota runs out every 25 sends for 2 s: failures, duplicates and
 *     wall time against the least the limits allow.
 * M   memory per item.
 *
 * The simulator runs in a process of its own (bench/simulator-process.ts): the CPU figures
 * are the client's. n8n's HTTP Request node comes from the n8n that the e2e suite installs
 * (scripts/e2e/ensure-n8n.sh).
 */
import '../test/support/env';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
	Expression,
	type ICredentialType,
	type INodeType,
	type IVersionedNodeType,
} from 'n8n-workflow';
import { SIM_KEYS, FIXTURE_FACTS } from '../test/simulator/fixtures';
import type { SimulatorOptions } from '../test/simulator/server';
import {
	byId,
	registerCredentialType,
	registerNodeType,
	runNode,
	startEngine,
} from '../test/support/engine';
import type { Command, Stats } from './simulator-process';

const KEY = SIM_KEYS.communication;
const BUSINESS = FIXTURE_FACTS.businesses.demo;
const SENDS = 1000;

class SimProcess {
	private constructor(
		private readonly child: ChildProcess,
		readonly url: string,
	) {}

	static async start(options: SimulatorOptions, quotaEvery?: { sends: number; pauseMs: number }) {
		const child = fork(path.join(__dirname, 'simulator-process.ts'), [], {
			execArgv: ['--import', 'tsx'],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		const sim = new SimProcess(child, '');
		const { url } = (await sim.call({ cmd: 'start', options, quotaEvery })) as { url: string };
		return new SimProcess(child, url);
	}

	async call(command: Command): Promise<unknown> {
		return await new Promise((resolve) => {
			this.child.once('message', resolve);
			this.child.send(command);
		});
	}

	async stats() {
		return (await this.call({ cmd: 'stats' })) as Stats;
	}

	async reset() {
		await this.call({ cmd: 'reset' });
	}

	async close() {
		await this.call({ cmd: 'close' });
	}
}

// Expression evaluations, counted where n8n-workflow resolves every `=…` parameter.
let evaluations = 0;
const proto = Expression.prototype as unknown as {
	resolveSimpleParameterValue: (...args: unknown[]) => unknown;
};
const resolve = proto.resolveSimpleParameterValue;
proto.resolveSimpleParameterValue = function (this: unknown, ...args: unknown[]) {
	evaluations++;
	return resolve.apply(this, args);
};

interface Measured {
	wallMs: number;
	cpuMs: number;
	evaluations: number;
	firstRequestMs: number;
	stats: Stats;
	failed: number;
}

async function measure(sim: SimProcess, task: () => Promise<number>): Promise<Measured> {
	await sim.reset();
	(global as { gc?: () => void }).gc?.();
	const evalsBefore = evaluations;
	const cpu = process.cpuUsage();
	const started = Date.now();
	const failed = await task();
	const wallMs = Date.now() - started;
	const used = process.cpuUsage(cpu);
	const stats = await sim.stats();
	return {
		wallMs,
		cpuMs: (used.user + used.system) / 1000,
		evaluations: evaluations - evalsBefore,
		firstRequestMs: stats.firstStartedAt ? stats.firstStartedAt - started : NaN,
		stats,
		failed,
	};
}

const sendItems = (n: number) =>
	Array.from({ length: n }, (_, i) => ({ json: { chatId: 101 + (i % 45), text: `reply ${i}` } }));

async function viaNode(sim: SimProcess, n: number) {
	const result = await runNode({
		credentials: { apiKey: KEY, baseUrl: sim.url },
		parameters: {
			resource: 'message',
			operation: 'send',
			businessId: byId(BUSINESS),
			chatId: byId('={{ $json.chatId }}'),
			text: '={{ $json.text }}',
		},
		input: sendItems(n),
		onError: 'continueRegularOutput',
	});
	if (result.error) throw result.error;
	return result.items.filter((i) => i.json.error !== undefined).length;
}

async function viaPlainLoop(sim: SimProcess, n: number) {
	const items = sendItems(n);
	let next = 0;
	let failed = 0;
	await Promise.all(
		Array.from({ length: 4 }, async () => {
			while (next < items.length) {
				const { chatId, text } = items[next++].json;
				const answer = await fetch(
					`${sim.url}/v2/businesses/${BUSINESS}/chats/message?chatId=${chatId}`,
					{
						method: 'POST',
						headers: { 'Api-Key': KEY, 'Content-Type': 'application/json' },
						body: JSON.stringify({ message: text }),
					},
				);
				await answer.arrayBuffer();
				if (!answer.ok) failed++;
			}
		}),
	);
	return failed;
}

let httpRequestNode: { version: number } | undefined;
let httpRequestMissing = '';

function loadHttpRequestNode() {
	try {
		const out = execFileSync('bash', [path.join(__dirname, '../scripts/e2e/ensure-n8n.sh')], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		const { dir } = JSON.parse(out.trim().split('\n').pop()!) as { dir: string };
		const file = path.join(
			dir,
			'node_modules/n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node.js',
		);
		const { HttpRequest } = require(file) as {
			HttpRequest: new () => IVersionedNodeType | INodeType;
		};
		const type = new HttpRequest();
		registerNodeType('n8n-nodes-base.httpRequest', type);
		const credentials = path.join(
			dir,
			'node_modules/n8n-nodes-base/dist/credentials/HttpHeaderAuth.credentials.js',
		);
		const { HttpHeaderAuth } = require(credentials) as {
			HttpHeaderAuth: new () => ICredentialType;
		};
		registerCredentialType(new HttpHeaderAuth());
		const version = 'nodeVersions' in type ? type.currentVersion : 1;
		httpRequestNode = { version };
	} catch (error) {
		httpRequestMissing = (error as Error).message.split('\n')[0];
	}
}

/**
 * n8n's HTTP Request node sending the same messages. `keyIn: 'header'` puts the API key in
 * the workflow as a plain header (the fewest expressions); `'credential'` keeps it in a
 * Header Auth credential, as a seller should.
 */
async function viaHttpRequestNode(
	sim: SimProcess,
	n: number,
	keyIn: 'header' | 'credential' = 'header',
) {
	const auth =
		keyIn === 'header'
			? { sendHeaders: true, headerParameters: { parameters: [{ name: 'Api-Key', value: KEY }] } }
			: { authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth' };
	const result = await runNode({
		node: {
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: httpRequestNode!.version,
			...(keyIn === 'credential'
				? { credentials: { httpHeaderAuth: { id: '2', name: 'Market key' } } }
				: {}),
		},
		extraCredentialData: { name: 'Api-Key', value: KEY },
		parameters: {
			method: 'POST',
			url: `=${sim.url}/v2/businesses/${BUSINESS}/chats/message?chatId={{ $json.chatId }}`,
			...auth,
			sendBody: true,
			contentType: 'json',
			specifyBody: 'keypair',
			bodyParameters: { parameters: [{ name: 'message', value: '={{ $json.text }}' }] },
			options: {},
		},
		input: sendItems(n),
		onError: 'continueRegularOutput',
	});
	if (result.error) throw result.error;
	return result.items.filter((i) => i.json.error !== undefined).length;
}

const rows: string[][] = [];
function row(...cells: Array<string | number>) {
	rows.push(cells.map(String));
}
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
const ms = (n: number) => `${Math.round(n)} ms`;

async function p1() {
	const sim = await SimProcess.start({ quotas: {} });
	/** Runs one list operation and checks it returned what the simulator holds. */
	const list = async (parameters: Record<string, unknown>, expected: number) => {
		const r = await runNode({
			credentials: { apiKey: KEY, baseUrl: sim.url },
			parameters: { businessId: byId(BUSINESS), ...parameters } as never,
		});
		if (r.error) throw r.error;
		if (r.items.length !== expected) {
			throw new Error(
				`${String(parameters.operation)} returned ${r.items.length} items, not ${expected}`,
			);
		}
		return r.items;
	};
	const report = (what: string, m: Measured, method: string, minimum: number) => {
		const made = m.stats.byOperation[method] ?? 0;
		row('P1', `${what}: requests / minimum`, `${made} / ${minimum}`, ratio(made, minimum));
	};
	// A new chat with 1,000 messages.
	const seedChat = async () => {
		const { lastChatId } = (await sim.call({ cmd: 'seed', chats: 1 })) as { lastChatId: number };
		await sim.call({ cmd: 'seed', messages: { chatId: lastChatId, count: 1000 } });
		return lastChatId;
	};

	const chats = await measure(sim, async () => {
		await sim.call({ cmd: 'seed', chats: 1000 - FIXTURE_FACTS.demoChatCount });
		await list({ resource: 'chat', operation: 'getAll', returnAll: true }, 1000);
		return 0;
	});
	report('Get Many, Return All, 1,000 chats', chats, 'getChats', 50);

	const history = await measure(sim, async () => {
		const chatId = byId(await seedChat());
		await list({ resource: 'chat', operation: 'getHistory', chatId, returnAll: true }, 1000);
		return 0;
	});
	report('Get History, Return All, 1,000 messages', history, 'getChatHistory', 10);

	// The 900th message's ID, from a run that is not counted.
	await sim.reset();
	const first = await list(
		{ resource: 'chat', operation: 'getHistory', chatId: byId(await seedChat()), limit: 900 },
		900,
	);
	const known = String(first[first.length - 1].json.messageId);
	const fromKnown = await measure(sim, async () => {
		const chatId = byId(await seedChat());
		const options = { messageIdFrom: known };
		await list(
			{ resource: 'chat', operation: 'getHistory', chatId, returnAll: true, options },
			101,
		);
		return 0;
	});
	report('Get History from a known message (101 new)', fromKnown, 'getChatHistory', 2);

	// Reviews and questions: as many as Market lists by default (fixtures and 1,000 new).
	for (const [resource, method, filters] of [
		['review', 'getGoodsFeedbacks', { reactionStatus: 'ALL' }],
		['question', 'getGoodsQuestions', { needAnswer: false }],
	] as const) {
		let listed = 0;
		const m = await measure(sim, async () => {
			await sim.call({ cmd: 'seed', reviews: 1000, questions: 1000 });
			const r = await runNode({
				credentials: { apiKey: KEY, baseUrl: sim.url },
				parameters: {
					businessId: byId(BUSINESS),
					resource,
					operation: 'getAll',
					returnAll: true,
					filters,
				} as never,
			});
			if (r.error) throw r.error;
			listed = r.items.length;
			return 0;
		});
		report(
			`Get Many, Return All, ${listed.toLocaleString('en')} ${resource}s`,
			m,
			method,
			Math.ceil(listed / 50),
		);
	}

	// Review → Reply: a read and the create; a review already answered costs the read alone.
	const reply = async (feedbackId: number, seed = false) =>
		await measure(sim, async () => {
			if (seed) await sim.call({ cmd: 'seed', reviews: 1 });
			const r = await runNode({
				credentials: { apiKey: KEY, baseUrl: sim.url },
				parameters: {
					businessId: byId(BUSINESS),
					resource: 'review',
					operation: 'reply',
					feedbackId: String(feedbackId),
					text: 'Спасибо за отзыв!',
				} as never,
			});
			if (r.error) throw r.error;
			return 0;
		});
	for (const [what, m, minimum] of [
		[
			'Review → Reply (Skip If Already Answered), a new review: requests',
			await reply(FIXTURE_FACTS.firstCreatedFeedbackId, true),
			2,
		],
		[
			'… a review the store has answered (skipped): requests',
			await reply(FIXTURE_FACTS.demoFeedbacks.buyerReply.feedbackId),
			1,
		],
	] as const) {
		const made = m.stats.requests;
		row('P1', `${what} / target`, `${made} / ${minimum}`, ratio(made, minimum));
	}
	await sim.close();
}

async function p2(latencyMs: number) {
	const quotas = { sendMessageToChat: 1e9 };
	const sim = await SimProcess.start({ latencyMs, quotas });
	// Warm-up: the engine, the expression engine and the connections.
	await viaNode(sim, 50);
	await viaPlainLoop(sim, 50);
	const plain = await measure(sim, () => viaPlainLoop(sim, SENDS));
	const node = await measure(sim, () => viaNode(sim, SENDS));
	const label = `${SENDS} sends at ${latencyMs} ms latency`;
	const check = (m: Measured) =>
		`${m.stats.sent} sent, ${m.failed} failed, ${m.stats.duplicateTexts} duplicates`;
	row('P2', `${label}: plain HTTP loop, 4 in flight`, ms(plain.wallMs), '1.00×', check(plain));
	row('P2', `${label}: the node`, ms(node.wallMs), ratio(node.wallMs, plain.wallMs), check(node));
	row('P2', `${label}: the node, first request after`, ms(node.firstRequestMs), '', '');
	if (latencyMs === 0) {
		row(
			'P2',
			'CPU per item: plain loop / the node',
			`${(plain.cpuMs / SENDS).toFixed(2)} / ${(node.cpuMs / SENDS).toFixed(2)} ms`,
			'',
			'',
		);
		row(
			'P2',
			'expression evaluations per item: the node',
			(node.evaluations / SENDS).toFixed(1),
			'',
			'',
		);
	}
	if (httpRequestNode) {
		await viaHttpRequestNode(sim, 50);
		const http = await measure(sim, () => viaHttpRequestNode(sim, SENDS));
		row(
			'P2',
			`${label}: HTTP Request node, 4 parallel allowed`,
			ms(http.wallMs),
			ratio(http.wallMs, plain.wallMs),
			`${http.stats.byStatus['420'] ?? 0} of ${SENDS} refused with 420`,
		);
	}
	await sim.close();

	if (httpRequestNode && latencyMs === 0) {
		// CPU of the HTTP Request node where nothing refuses it, for a like-for-like figure.
		const open = await SimProcess.start({ latencyMs, quotas, maxParallel: 1e6 });
		await viaHttpRequestNode(open, 50);
		// Interleaved, five of each, the median taken: one run of either is noisy (GC, JIT).
		const https: Measured[] = [];
		const withCredential: Measured[] = [];
		const nodes: Measured[] = [];
		for (let round = 0; round < 5; round++) {
			https.push(await measure(open, () => viaHttpRequestNode(open, SENDS)));
			withCredential.push(await measure(open, () => viaHttpRequestNode(open, SENDS, 'credential')));
			nodes.push(await measure(open, () => viaNode(open, SENDS)));
		}
		const median = (runs: Measured[]) => [...runs].sort((a, b) => a.cpuMs - b.cpuMs)[2];
		const node = median(nodes);
		const perItem = (m: Measured) => (m.cpuMs / SENDS).toFixed(2);
		for (const [how, runs] of [
			['key in a plain header', https],
			['key in a Header Auth credential', withCredential],
		] as const) {
			const http = median(runs);
			row(
				'P2',
				`CPU per item, median of 5: the node / HTTP Request node, ${how}`,
				`${perItem(node)} / ${perItem(http)} ms`,
				ratio(node.cpuMs, http.cpuMs),
				`${http.stats.sent} sent; ${(http.evaluations / SENDS).toFixed(1)} expression evaluations per item`,
			);
		}
		await open.close();
	}
}

async function p4() {
	const pauseMs = 2000;
	const sim = await SimProcess.start(
		{ quotas: { sendMessageToChat: 1e9 } },
		{ sends: 25, pauseMs },
	);
	const n = 100;
	const node = await measure(sim, () => viaNode(sim, n));
	const plain = await measure(sim, () => viaPlainLoop(sim, n));
	// The windows after sends 25, 50 and 75 must pass: nothing can be sent in them.
	const minimum = node.stats.windowsToWaitMs;
	row(
		'P4',
		`${n} sends, quota spent for ${pauseMs / 1000} s every 25: failures / duplicates`,
		`${node.failed} / ${node.stats.duplicateTexts}`,
		'',
		`${node.stats.sent} delivered`,
	);
	row(
		'P4',
		'wall time / the least the limits allow',
		`${ms(node.wallMs)} / ${ms(minimum)}`,
		ratio(node.wallMs, minimum),
		`${node.stats.byStatus['420'] ?? 0} refusals met, ${node.stats.sentIntoKnownSpentWindow} sent into a window already known to be spent`,
	);
	row('P4', 'the plain loop, for contrast: failures', `${plain.failed} of ${n}`, '', '');
	await sim.close();
}

async function memory() {
	const gc = (global as { gc?: () => void }).gc;
	const sim = await SimProcess.start({ quotas: { sendMessageToChat: 1e9 } });
	const peak = async (n: number) => {
		gc?.();
		const base = process.memoryUsage().heapUsed;
		let max = base;
		const timer = setInterval(() => (max = Math.max(max, process.memoryUsage().heapUsed)), 5);
		await measure(sim, () => viaNode(sim, n));
		clearInterval(timer);
		max = Math.max(max, process.memoryUsage().heapUsed);
		return max - base;
	};
	await peak(100);
	const small = await peak(200);
	const large = await peak(1200);
	row(
		'M',
		'peak heap per extra item (1,200 vs 200 sends)',
		`${((large - small) / 1000 / 1024).toFixed(1)} KiB`,
		'',
		gc ? '' : 'run with --expose-gc for steadier figures',
	);
	await sim.close();
}

// `npm run bench -- P2 M` runs only those parts.
const only = process.argv.slice(2).map((part) => part.toUpperCase());
const wanted = (part: string) => only.length === 0 || only.includes(part);

(async () => {
	await startEngine();
	if (wanted('P2')) loadHttpRequestNode();
	if (wanted('P1')) await p1();
	if (wanted('P2')) await p2(0);
	if (wanted('P2')) await p2(20);
	if (wanted('P4')) await p4();
	if (wanted('M')) await memory();
	if (wanted('P2') && !httpRequestNode)
		row('P2', "n8n's HTTP Request node", 'not measured', '', httpRequestMissing);
	const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
	console.log(
		['', 'what', 'measured', 'ratio', 'notes'].map((h, i) => h.padEnd(widths[i])).join(' | '),
	);
	for (const r of rows) console.log(r.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | '));
	process.exit(0);
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
