/**
 * A real n8n with this package installed and the Market simulator as Market,
 * preloaded with an owner account, a credential and example workflows.
 * Used by `npm run dev` (scripts/dev.ts) and `npm run screenshot` (scripts/screenshot.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SIM_KEYS, startSimulator, type Simulator } from '../test/simulator/server';
import {
	CREDENTIAL_TYPE,
	N8nInstance,
	N8nRestSession,
	ensureN8n,
	loadWorkflow,
	packPackage,
	type N8nRuntime,
} from '../test/e2e/harness';

export const SANDBOX_OWNER = {
	email: 'seller@example.com',
	password: 'Market-Sandbox-1',
	firstName: 'Demo',
	lastName: 'Seller',
};

export const SANDBOX_CREDENTIAL = { id: 'ymSimulatorCred1', name: 'Yandex Market (simulator)' };

/**
 * Workflows of test/e2e/workflows/ that `npm run screenshot` pictures; their nodes name
 * SANDBOX_CREDENTIAL by id. The trigger's is left unpublished: the editor shows its Production
 * URL anyway, and nothing should answer on it until someone publishes it on purpose.
 */
export const EXAMPLE_WORKFLOWS = [
	'reply-waiting',
	'send-file',
	'other-operations',
	'trigger-auto-reply',
] as const;

const EXAMPLES_DIR = path.join(__dirname, '..', 'examples');

/**
 * The workflows of examples/ with the setup a seller does for the sandbox: the Yandex Market
 * nodes use the simulator's credential and business 1001. Other services' credentials
 * (Telegram, OpenAI) are left for whoever tries them; nothing is published.
 */
export function exampleWorkflows(): Array<Record<string, unknown> & { id: string; name: string }> {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const workflow = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
			for (const node of workflow.nodes as Array<Record<string, any>>) {
				if (!String(node.type).startsWith('n8n-nodes-yandex-market.')) continue;
				node.credentials = { [CREDENTIAL_TYPE]: SANDBOX_CREDENTIAL };
				const business = node.parameters?.businessId;
				if (business?.mode === 'list' && business.value === '')
					node.parameters.businessId = { __rl: true, mode: 'id', value: '1001' };
			}
			return { ...workflow, active: false };
		});
}

export interface SandboxOptions {
	/** n8n's port; a free one when omitted. */
	n8nPort?: number;
	/** The simulator's port; a free one when omitted. */
	simPort?: number;
	/** Keep n8n's data in this folder between runs (otherwise a temp folder, removed on stop). */
	userFolder?: string;
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** `examples` (default): the workflows of examples/; `e2e`: EXAMPLE_WORKFLOWS, for screenshots. */
	workflows?: 'examples' | 'e2e';
	onProgress?: (message: string) => void;
}

export interface Sandbox {
	runtime: N8nRuntime;
	n8n: N8nInstance;
	sim: Simulator;
	editorUrl: string;
	workflows: Array<{ id: string; name: string; url: string }>;
	stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const progress =
		options.onProgress ?? ((message: string) => process.stderr.write(`${message}\n`));

	const runtime = ensureN8n();
	progress('Packing the package (npm pack)…');
	const pack = packPackage();

	const sim = await startSimulator({ port: options.simPort ?? 0 });
	progress(`Market simulator listening on ${sim.url}`);

	let n8n: N8nInstance | undefined;
	try {
		n8n = await N8nInstance.create({
			runtime,
			port: options.n8nPort,
			userFolder: options.userFolder,
			removeOnDispose: options.userFolder === undefined,
			logLevel: options.logLevel ?? 'info',
		});
		n8n.installPackage(pack);

		progress('Importing the credential and example workflows (n8n CLI)…');
		await n8n.importCredentials([
			{
				...SANDBOX_CREDENTIAL,
				type: CREDENTIAL_TYPE,
				data: { apiKey: SIM_KEYS.communication, baseUrl: sim.url },
			},
		]);
		const workflows =
			options.workflows === 'e2e'
				? EXAMPLE_WORKFLOWS.map((name) => loadWorkflow(name))
				: exampleWorkflows();
		await n8n.importWorkflows(workflows);

		progress(`Starting n8n ${runtime.version} (takes ~10 s)…`);
		await n8n.start();

		try {
			await n8n.setupOwner(SANDBOX_OWNER);
		} catch (error) {
			// A kept user folder already has its owner: check the login still works.
			const session = new N8nRestSession(n8n.baseUrl);
			await session.login(SANDBOX_OWNER.email, SANDBOX_OWNER.password).catch(() => {
				throw error;
			});
		}

		const instance = n8n;
		return {
			runtime,
			n8n: instance,
			sim,
			editorUrl: `${instance.baseUrl}/`,
			workflows: workflows.map((w) => ({
				id: w.id,
				name: w.name,
				url: `${instance.baseUrl}/workflow/${w.id}`,
			})),
			async stop() {
				await instance.dispose();
				await sim.close();
			},
		};
	} catch (error) {
		if (n8n) {
			process.stderr.write(`n8n log (tail):\n${n8n.logTail(40)}\n`);
			await n8n.dispose();
		}
		await sim.close();
		throw error;
	}
}
