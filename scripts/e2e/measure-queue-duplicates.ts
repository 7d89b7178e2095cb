/**
 * Measures, in n8n 2.41.1's queue mode, how many of Market's duplicate deliveries reach the
 * workflow's actions twice: N events, each delivered once to webhook process A and once to B
 * (at the same moment, or GAP_MS apart), with WORKERS workers. Prints one JSON line.
 *
 *   WORKERS=2 N=60 npx tsx scripts/e2e/measure-queue-duplicates.ts
 *   WORKERS=2 N=30 GAP_MS=2000 npx tsx scripts/e2e/measure-queue-duplicates.ts
 *   WORKERS=2 N=30 SAME=1 npx tsx scripts/e2e/measure-queue-duplicates.ts   (both copies to A)
 *
 * A measurement for the README's Scaling section, not a test: with several workers a
 * simultaneous pair can pass n8n's deduplication table twice (it reads, then writes).
 */
import { SIM_KEYS, startSimulator } from '../../test/simulator/server';
import { PACKAGE_NAME, ensureN8n, loadWorkflow, packPackage, sleep } from '../../test/e2e/harness';
import {
	QueueCluster,
	notify as notifyProcess,
	type ClusterProcess,
} from '../../test/e2e/queue-cluster';

const N = Number(process.env.N ?? 20);
const WORKERS = Number(process.env.WORKERS ?? 2);
const GAP_MS = Number(process.env.GAP_MS ?? 0);
/** Both copies to webhook process A (a load balancer that sends the trigger's path to one process). */
const SAME = process.env.SAME === '1';

async function main() {
	const runtime = ensureN8n();
	const pack = packPackage();
	const sim = await startSimulator({ latencyMs: 100 });
	const base = loadWorkflow('trigger-auto-reply') as ReturnType<typeof loadWorkflow> & {
		nodes: Array<{ type: string; webhookId?: string }>;
	};
	const workflow = { ...base, id: 'ymMeasureQueueDup' };
	const webhookId = workflow.nodes.find(
		(n) => n.type === `${PACKAGE_NAME}.yandexMarketTrigger`,
	)!.webhookId!;
	const cluster = await QueueCluster.start({
		runtime,
		pack,
		credential: { apiKey: SIM_KEYS.communication, baseUrl: sim.url },
		workflows: [workflow],
		workers: WORKERS,
	});
	try {
		const [A, other] = cluster.webhooks;
		const B = SAME ? A : other;
		const notify = async (proc: ClusterProcess, body: unknown) =>
			(await notifyProcess(proc, webhookId, body)).status;
		for (const proc of cluster.webhooks) {
			while ((await notify(proc, { notificationType: 'PING' })) !== 200) await sleep(200);
		}
		const chats: number[] = [];
		const statuses: number[] = [];
		for (let i = 0; i < N; i++) {
			const chat = sim.addChat({ businessId: 1001 });
			const message = sim.addMessage(chat.chatId, { message: `Вопрос ${i}` });
			const notification = {
				notificationType: 'CHAT_MESSAGE_SENT',
				chatId: chat.chatId,
				messageId: String(message.messageId),
				businessId: 1001,
				sentAt: new Date().toISOString(),
			};
			if (GAP_MS > 0) {
				statuses.push(await notify(A, notification));
				await sleep(GAP_MS);
				statuses.push(await notify(B, notification));
			} else {
				statuses.push(...(await Promise.all([notify(A, notification), notify(B, notification)])));
			}
			chats.push(chat.chatId);
			await sleep(1500);
		}
		await sleep(5000);
		const replies = chats.map(
			(chatId) => sim.state.sentMessages.filter((m) => m.chatId === chatId).length,
		);
		console.log(
			JSON.stringify({
				workers: WORKERS,
				gapMs: GAP_MS,
				bothToA: SAME,
				events: N,
				answered200: statuses.filter((s) => s === 200).length,
				executions: cluster.executions(workflow.id).length,
				repliedOnce: replies.filter((n) => n === 1).length,
				doubled: replies.filter((n) => n > 1).length,
				lost: replies.filter((n) => n === 0).length,
			}),
		);
	} finally {
		await cluster.dispose();
		await sim.close();
	}
}

void main();
