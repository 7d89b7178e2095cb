/**
 * `npm run dev`: try the package in a real n8n without a Yandex Market account.
 *
 * Starts the Market simulator (http://127.0.0.1:8787) and n8n 2.41.1
 * (http://127.0.0.1:5678) with the freshly built package installed, an owner
 * account, a "Yandex Market (simulator)" credential and example workflows.
 * Ctrl-C stops both.
 *
 * Environment:
 *   N8N_DEV_PORT        n8n's port (default 5678)
 *   SIM_PORT            the simulator's port (default 8787)
 *   N8N_DEV_KEEP=1      keep n8n's data between runs in
 *                       ~/.cache/n8n-nodes-yandex-market/dev-user-folder
 *                       (default: a fresh folder each run, removed on exit)
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { portInUse } from '../test/e2e/harness';
import { SIM_KEYS } from '../test/simulator/server';
import { SANDBOX_CREDENTIAL, SANDBOX_OWNER, startSandbox } from './sandbox';

async function main(): Promise<void> {
	const n8nPort = Number(process.env.N8N_DEV_PORT ?? 5678);
	const simPort = Number(process.env.SIM_PORT ?? 8787);
	for (const [what, port] of [
		['n8n', n8nPort],
		['the simulator', simPort],
	] as const) {
		if (port === 5679)
			throw new Error(`port 5679 is n8n's task broker: choose another port for ${what}`);
		if (await portInUse(port)) {
			throw new Error(
				`port ${port} (for ${what}) is already in use on 127.0.0.1. Stop what uses it, or set ${what === 'n8n' ? 'N8N_DEV_PORT' : 'SIM_PORT'}.`,
			);
		}
	}
	const cacheRoot =
		process.env.N8N_E2E_CACHE ?? path.join(homedir(), '.cache', 'n8n-nodes-yandex-market');
	const userFolder = process.env.N8N_DEV_KEEP ? path.join(cacheRoot, 'dev-user-folder') : undefined;

	const started = Date.now();
	const sandbox = await startSandbox({ n8nPort, simPort, userFolder });

	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write(`\n${signal}: stopping n8n and the simulator…\n`);
		await sandbox.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));

	const line = '─'.repeat(72);
	process.stdout.write(
		[
			'',
			line,
			` n8n ${sandbox.runtime.version} with n8n-nodes-yandex-market is ready (${((Date.now() - started) / 1000).toFixed(0)} s)`,
			line,
			` Editor:      ${sandbox.editorUrl}`,
			` Login:       ${SANDBOX_OWNER.email}`,
			` Password:    ${SANDBOX_OWNER.password}`,
			'',
			` Credential:  "${SANDBOX_CREDENTIAL.name}" → the simulator`,
			` Examples:`,
			...sandbox.workflows.map((w) => `   ${w.name}\n     ${w.url}`),
			'',
			` Market simulator: ${sandbox.sim.url}  (business 1001 "Demo Store")`,
			`   API key with the communication scope: ${SIM_KEYS.communication}`,
			` n8n's data:  ${sandbox.n8n.userFolder}${userFolder ? ' (kept)' : ' (removed on exit)'}`,
			` n8n's log:   ${sandbox.n8n.logFile}`,
			'',
			' Ctrl-C stops n8n and the simulator.',
			line,
			'',
		].join('\n'),
	);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`npm run dev failed: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	process.exit(1);
});
