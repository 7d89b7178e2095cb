/**
 * Figures for the action node in n8n-core's engine against the local simulator:
 * how long typical runs take, how many requests they make, and memory after them.
 * Run: npm run bench (builds first). Prints figures; asserts nothing.
 */
import '../test/support/env';
import { startSimulator, SIM_KEYS, FIXTURE_FACTS } from '../test/simulator/server';
import { byId, runNode, startEngine } from '../test/support/engine';

async function measure(label: string, runs: number, task: () => Promise<{ items: number; requests: number }>) {
	const times: number[] = [];
	let last = { items: 0, requests: 0 };
	for (let i = 0; i < runs; i++) {
		const start = process.hrtime.bigint();
		last = await task();
		times.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	times.sort((a, b) => a - b);
	const median = times[Math.floor(times.length / 2)];
	console.log(
		`${label.padEnd(44)} median ${median.toFixed(1).padStart(7)} ms  max ${times[times.length - 1].toFixed(1).padStart(7)} ms  ` +
			`${last.items} items, ${last.requests} requests`,
	);
}

(async () => {
	const t0 = Date.now();
	await startEngine();
	console.log(`engine start: ${Date.now() - t0} ms`);
	const sim = await startSimulator({ quotas: {} });
	const credentials = { apiKey: SIM_KEYS.communication, baseUrl: sim.url };
	const business = byId(FIXTURE_FACTS.businesses.demo);
	const counted = async (parameters: Record<string, unknown>, input?: { json: Record<string, unknown> }[]) => {
		sim.reset();
		const result = await runNode({ credentials, parameters: parameters as never, input });
		if (result.error) throw result.error;
		return { items: result.items.length, requests: sim.requests.length };
	};

	await measure('Chat Get Many, Return All (45 chats)', 20, () =>
		counted({ resource: 'chat', operation: 'getAll', businessId: business, returnAll: true }),
	);
	await measure('Chat Get History, Return All (120 messages)', 20, () =>
		counted({ resource: 'chat', operation: 'getHistory', businessId: business, chatId: byId(101), returnAll: true }),
	);
	await measure('Message Send, 1 item', 20, () =>
		counted({ resource: 'message', operation: 'send', businessId: business, chatId: byId(102), text: 'hello' }),
	);
	const many = Array.from({ length: 200 }, (_, i) => ({ json: { chatId: 101 + (i % 45), text: `reply ${i}` } }));
	await measure('Message Send, 200 items over 45 chats', 5, () =>
		counted(
			{ resource: 'message', operation: 'send', businessId: business, chatId: byId('={{ $json.chatId }}'), text: '={{ $json.text }}' },
			many,
		),
	);

	global.gc?.();
	const { heapUsed, rss } = process.memoryUsage();
	console.log(`memory after runs: heap ${(heapUsed / 2 ** 20).toFixed(1)} MiB, rss ${(rss / 2 ** 20).toFixed(1)} MiB`);
	await sim.close();
	process.exit(0);
})();
