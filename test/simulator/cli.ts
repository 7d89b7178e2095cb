/**
 * `npm run simulator`: runs the Yandex Market API simulator until SIGINT/SIGTERM.
 * Port from SIMULATOR_PORT (default 8787), bound to 127.0.0.1.
 */
import { startSimulator } from './server';

async function main(): Promise<void> {
	const raw = process.env.SIMULATOR_PORT ?? '8787';
	const port = Number(raw);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		console.error(`SIMULATOR_PORT must be a port number, got '${raw}'`);
		process.exit(2);
	}
	const sim = await startSimulator({ port, host: '127.0.0.1' });

	const businessName = (id: number) => sim.state.businesses.find((b) => b.id === id)?.name ?? '?';
	console.log(`Yandex Market API simulator listening on ${sim.url}`);
	console.log('API keys (send as the Api-Key header):');
	for (const k of sim.state.apiKeys) {
		const businesses = k.businessIds.map((id) => `${id} "${businessName(id)}"`).join(', ');
		console.log(`  ${k.key}  scopes: ${k.scopes.join(', ')}  businesses: ${businesses}`);
	}
	const demo = sim.state.businesses[0];
	const key = sim.state.apiKeys[0]?.key ?? '';
	console.log(
		`Try: curl -s -X POST -H 'Api-Key: ${key}' -H 'Content-Type: application/json' -d '{}' '${sim.url}/v2/businesses/${demo?.id}/chats?limit=5'`,
	);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping simulator (${sim.requests.length} requests served)`);
		sim.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
