/**
 * Measures, in n8n 2.41.1's queue mode, how long the webhook processes take to answer a burst
 * of N notifications (alternately to A and B), side by side in one cluster:
 * - n8n's own Webhook node (answers on receipt) at version 2 and at version 1: n8n 2.x takes
 *   an expression sandbox for each call to every webhook node but the Webhook node v2;
 * - the Yandex Market Trigger with Fetch Details off and every sender (no request to Market);
 * - the Yandex Market Trigger as set by default (it reads each message: one request).
 * Prints one JSON line per workflow and burst.
 *
 *   npx tsx scripts/e2e/measure-queue-answer-times.ts
 *   N8N_EXPRESSION_ENGINE=legacy npx tsx scripts/e2e/measure-queue-answer-times.ts
 *
 * A measurement for the README's Scaling section, not a test. N8N_EXPRESSION_ENGINE is n8n's
 * own setting, passed to every process of the cluster.
 */
import { SIM_KEYS, startSimulator } from '../../test/simulator/server';
import { PACKAGE_NAME, ensureN8n, packPackage, sleep } from '../../test/e2e/harness';
import { QueueCluster, postWebhook as post } from '../../test/e2e/queue-cluster';

const N = Number(process.env.N ?? 50);
const RUNS = Number(process.env.RUNS ?? 2);
const ENGINE = process.env.N8N_EXPRESSION_ENGINE;
const BUSINESS = 1001;

const CREDENTIALS = {
	yandexMarketApi: { id: 'ymSimulatorCred1', name: 'Yandex Market (simulator)' },
};

const single = (id: string, node: Record<string, unknown>) => ({
	id,
	name: id,
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [{ id: `${id}-node`, name: 'Start', position: [0, 0], ...node }],
	connections: {},
});

/** n8n's Webhook node: at version 2 n8n may skip its expression sandbox for the call, at 1 not. */
const webhookNode = (typeVersion: number) => {
	const path = `a7c0f6a2-1b1e-4c52-9d55-00000000b00${typeVersion}`;
	return {
		label: `n8n's Webhook node v${typeVersion}`,
		path,
		workflow: single(`ymMeasureAnswerWebhook${typeVersion}`, {
			type: 'n8n-nodes-base.webhook',
			typeVersion,
			webhookId: path,
			parameters: { httpMethod: 'POST', path, options: {} },
		}),
	};
};
const cases = [
	webhookNode(2),
	webhookNode(1),
	...[
		{
			label: 'Yandex Market Trigger, no request',
			n: 2,
			options: { fetchDetails: false, senders: [] },
		},
		{ label: 'Yandex Market Trigger, default (reads the message)', n: 3, options: {} },
	].map(({ label, n, options }) => {
		const webhookId = `a7c0f6a2-1b1e-4c52-9d55-00000000a00${n}`;
		return {
			label,
			path: `${webhookId}/notification`,
			workflow: single(`ymMeasureAnswerTrigger${n}`, {
				type: `${PACKAGE_NAME}.yandexMarketTrigger`,
				typeVersion: 1,
				webhookId,
				parameters: { events: ['CHAT_MESSAGE_SENT'], options },
				credentials: CREDENTIALS,
			}),
		};
	}),
];

async function main() {
	const runtime = ensureN8n();
	const sim = await startSimulator({ latencyMs: 100 });
	const cluster = await QueueCluster.start({
		runtime,
		pack: packPackage(),
		credential: { apiKey: SIM_KEYS.communication, baseUrl: sim.url },
		workflows: cases.map((c) => c.workflow),
		env: ENGINE ? { N8N_EXPRESSION_ENGINE: ENGINE } : {},
	});
	try {
		const [A, B] = cluster.webhooks;
		const notification = () => {
			const chat = sim.addChat({ businessId: BUSINESS });
			const message = sim.addMessage(chat.chatId, { message: 'Здравствуйте!' });
			return {
				notificationType: 'CHAT_MESSAGE_SENT',
				chatId: chat.chatId,
				messageId: String(message.messageId),
				businessId: BUSINESS,
				sentAt: new Date().toISOString(),
			};
		};
		for (const { path } of cases) {
			for (const proc of [A, B]) {
				while ((await post(proc, path, { notificationType: 'PING' })).status !== 200)
					await sleep(200);
			}
		}
		for (const { label, path } of cases) {
			for (let run = 1; run <= RUNS; run++) {
				const answers = await Promise.all(
					Array.from({ length: N }, (_, i) => post(i % 2 === 0 ? A : B, path, notification())),
				);
				const ms = answers.map((a) => a.ms).sort((x, y) => x - y);
				const line = {
					workflow: label,
					engine: ENGINE ?? 'default',
					run,
					answered200: answers.filter((a) => a.status === 200).length,
					of: N,
					medianAnswerMs: Math.round(ms[Math.floor(ms.length / 2)]),
					slowestAnswerMs: Math.round(ms[ms.length - 1]),
				};
				process.stdout.write(`${JSON.stringify(line)}\n`);
				// Let the worker drain the executions before the next burst.
				await sleep(10_000);
			}
		}
	} finally {
		await cluster.dispose();
		await sim.close();
	}
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
