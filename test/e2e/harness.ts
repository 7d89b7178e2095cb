/**
 * A throwaway real n8n for end-to-end tests and for `npm run dev`.
 *
 * - `ensureN8n()` installs (or reuses) the pinned n8n from scripts/e2e/ensure-n8n.sh.
 * - `packPackage()` packs this repository with `npm pack`, as it is published.
 * - `N8nInstance` owns one user folder: it unpacks the package where n8n's
 *   Community Nodes installer puts packages (`<user folder>/.n8n/nodes/node_modules/<name>`),
 *   drives the n8n CLI (import, publish, execute) and runs `n8n start`.
 *
 * Everything listens on 127.0.0.1 only; n8n is told not to call out.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
	createWriteStream,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	readdirSync,
	rmSync,
	statSync,
	writeFileSync,
	type WriteStream,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-yandex-market';
export const NODE_TYPE = `${PACKAGE_NAME}.yandexMarket`;
export const CREDENTIAL_TYPE = 'yandexMarketApi';
export const WORKFLOWS_DIR = path.join(__dirname, 'workflows');
/** n8n's task broker default port: never hand it out to anything else. */
const RESERVED_PORTS = new Set([5678, 5679]);

const log = (msg: string) => process.stderr.write(`[e2e] ${msg}\n`);
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------
// n8n runtime

export interface N8nRuntime {
	version: string;
	/** Install folder (its own package.json, outside this package's dependencies). */
	dir: string;
	/** n8n's bin script, run as `node <n8nBin>`. */
	n8nBin: string;
	/** The node binary n8n runs on (Node 24 for n8n 2.x). */
	node: string;
	cached: boolean;
	/** Seconds ensure-n8n.sh took. */
	seconds: number;
}

/**
 * Runs one of scripts/e2e/ensure-*.sh (they install what is missing; progress goes to
 * stderr) and returns the JSON object of its last stdout line.
 */
export function runEnsureScript<T>(name: string, timeoutMs: number): T {
	const result = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'e2e', name)], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
		timeout: timeoutMs,
	});
	if (result.status !== 0) {
		throw new Error(
			`scripts/e2e/${name} failed (rc ${result.status}, signal ${result.signal}):\n${result.stdout}`,
		);
	}
	const lines = result.stdout.trim().split('\n');
	return JSON.parse(lines[lines.length - 1]) as T;
}

/** Installs the pinned n8n into the cache, or reuses it. Progress goes to stderr. */
export function ensureN8n(): N8nRuntime {
	const started = Date.now();
	const runtime = runEnsureScript<N8nRuntime>('ensure-n8n.sh', 20 * 60_000);
	log(
		`n8n ${runtime.version} ${runtime.cached ? 'reused from cache' : 'installed'} in ${seconds(Date.now() - started)} (${runtime.dir})`,
	);
	return runtime;
}

// ---------------------------------------------------------------------------
// The package, as published

export interface PackedPackage {
	tgz: string;
	version: string;
	files: string[];
}

/**
 * `npm pack` of the repository. `dist/` must be built (`npm run build`);
 * the pack contains exactly what `files` in package.json publishes.
 */
export function packPackage(destination?: string): PackedPackage {
	if (destination === undefined) {
		const dir = mkdtempSync(path.join(tmpdir(), 'ym-pack-'));
		process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
		destination = dir;
	}
	const nodeFile = path.join(REPO_ROOT, 'dist', 'nodes', 'YandexMarket', 'YandexMarket.node.js');
	if (!existsSync(nodeFile)) {
		throw new Error(
			`${path.relative(REPO_ROOT, nodeFile)} is missing: run \`npm run build\` first`,
		);
	}
	const result = spawnSync('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		env: { ...process.env, npm_config_loglevel: 'error' },
	});
	if (result.status !== 0) throw new Error(`npm pack failed:\n${result.stdout}\n${result.stderr}`);
	const [info] = JSON.parse(result.stdout.slice(result.stdout.indexOf('['))) as Array<{
		filename: string;
		version: string;
		files: Array<{ path: string }>;
	}>;
	return {
		tgz: path.join(destination, info.filename),
		version: info.version,
		files: info.files.map((f) => f.path),
	};
}

// ---------------------------------------------------------------------------
// Helpers

/** A free TCP port on 127.0.0.1 (never 5678/5679, never one handed out before in this process). */
const handedOut = new Set<number>();
export async function freePort(): Promise<number> {
	for (;;) {
		const port = await new Promise<number>((resolve, reject) => {
			const server = createServer();
			server.unref();
			server.on('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const address = server.address();
				server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
			});
		});
		if (port && !RESERVED_PORTS.has(port) && !handedOut.has(port)) {
			handedOut.add(port);
			return port;
		}
	}
}

/** True if something accepts connections on 127.0.0.1:port. */
export async function portInUse(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(true));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
	});
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CliResult {
	args: string[];
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

export interface ExecuteResult extends CliResult {
	/** The workflow ran to the end without an error. */
	ok: boolean;
	/** n8n's run data (IRun) when the CLI printed it (success), else undefined. */
	run?: N8nRun;
	/** How many times the CLI was started (a second time after a crash at exit, rc 139). */
	attempts: number;
}

export interface N8nItem {
	json: Record<string, unknown>;
	binary?: Record<
		string,
		{ data: string; mimeType: string; fileName?: string; fileSize?: string; id?: string }
	>;
}

export interface N8nRun {
	status?: string;
	finished?: boolean;
	data: {
		resultData: {
			runData: Record<string, Array<{ data?: { main: Array<N8nItem[] | null> }; error?: unknown }>>;
			error?: { message?: string; description?: string; node?: { name: string } };
			lastNodeExecuted?: string;
		};
	};
}

/** Items a node emitted on its first output in the first run. */
export function nodeOutput(run: N8nRun, nodeName: string, output = 0): N8nItem[] {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs)
		throw new Error(
			`node "${nodeName}" did not run; ran: ${Object.keys(run.data.resultData.runData).join(', ')}`,
		);
	return runs[0]?.data?.main[output] ?? [];
}

/**
 * n8n's text log format wraps each message in `<time> | <level> | ` and ends it
 * with ` {"file":…,"function":…}` (at debug level); the CLI prints the run's
 * JSON through that logger. Removes both decorations.
 */
export function stripLogDecorations(output: string): string {
	return output
		.split('\n')
		.map((line) =>
			line
				.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z \| \w+\s*\| /, '')
				.replace(/ \{"(?:scopes|file)":.*"\}$/, ''),
		)
		.join('\n');
}

/**
 * The CLI's stdout holds log lines, then (with --rawOutput) the JSON of the run.
 * Find the first line from which the rest parses as JSON.
 */
export function parseTrailingJson<T = unknown>(stdout: string): T | undefined {
	const lines = stripLogDecorations(stdout).trimEnd().split('\n');
	// Log lines may also follow the JSON (shutdown messages at debug level).
	while (lines.length && !/^[}\]]\s*$/.test(lines[lines.length - 1])) lines.pop();
	for (let i = 0; i < lines.length; i++) {
		const first = lines[i].trimStart();
		if (!first.startsWith('{') && !first.startsWith('[')) continue;
		try {
			return JSON.parse(lines.slice(i).join('\n')) as T;
		} catch {
			// not the start of the JSON document; keep looking
		}
	}
	return undefined;
}

export interface FailedExecution {
	message?: string;
	description?: string;
	/** Name of the node that failed. */
	node?: string;
	httpCode?: string;
}

/**
 * When an execution fails, `n8n execute` logs the run's JSON (a block from a
 * `{` line to a `}` line) among other log lines, and exits 1. Returns its error.
 */
export function parseFailedExecution(output: string): FailedExecution | undefined {
	const lines = stripLogDecorations(output).split('\n');
	for (let start = lines.indexOf('{'); start !== -1; start = lines.indexOf('{', start + 1)) {
		for (let end = lines.indexOf('}', start); end !== -1; end = lines.indexOf('}', end + 1)) {
			let data: N8nRun;
			try {
				data = JSON.parse(lines.slice(start, end + 1).join('\n')) as N8nRun;
			} catch {
				continue; // not the end of this block yet
			}
			const error = data.data?.resultData?.error as
				(FailedExecution & { node?: { name?: string } }) | undefined;
			if (!error) break;
			return {
				message: error.message,
				description: error.description,
				node: error.node?.name,
				httpCode: error.httpCode,
			};
		}
	}
	return undefined;
}

function tail(text: string, lines: number): string {
	return text.split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------
// One n8n user folder: CLI + server

export interface N8nInstanceOptions {
	runtime: N8nRuntime;
	/** Fresh temp dir when omitted. */
	userFolder?: string;
	/** HTTP port of `n8n start`; a free one when omitted. */
	port?: number;
	encryptionKey?: string;
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
	/** n8n's log level for the server (CLI commands use the same). */
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** Remove the user folder on dispose (default true when it was created here). */
	removeOnDispose?: boolean;
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export class N8nInstance {
	readonly runtime: N8nRuntime;
	readonly userFolder: string;
	readonly port: number;
	readonly baseUrl: string;
	readonly encryptionKey: string;
	/** Everything the server printed, and every CLI command's output, appended. */
	readonly logFile: string;
	readonly nodesDir: string;
	private readonly extraEnv: Record<string, string>;
	private readonly logLevel: string;
	private readonly removeOnDispose: boolean;
	private server?: ChildProcess;
	private serverExit?: Promise<void>;
	private logStream: WriteStream;

	private constructor(options: N8nInstanceOptions & { port: number }) {
		this.runtime = options.runtime;
		this.userFolder = options.userFolder ?? mkdtempSync(path.join(tmpdir(), 'n8n-e2e-'));
		this.removeOnDispose = options.removeOnDispose ?? options.userFolder === undefined;
		mkdirSync(this.userFolder, { recursive: true });
		this.port = options.port;
		this.baseUrl = `http://127.0.0.1:${this.port}`;
		this.encryptionKey = options.encryptionKey ?? 'n8n-nodes-yandex-market-e2e-encryption-key';
		this.extraEnv = options.env ?? {};
		this.logLevel = options.logLevel ?? 'info';
		this.nodesDir = path.join(this.userFolder, '.n8n', 'nodes');
		this.logFile = path.join(this.userFolder, 'n8n-e2e.log');
		this.logStream = createWriteStream(this.logFile, { flags: 'a' });
	}

	static async create(options: N8nInstanceOptions): Promise<N8nInstance> {
		const port = options.port ?? (await freePort());
		return new N8nInstance({ ...options, port });
	}

	/** Environment of every n8n process of this instance. */
	async env(): Promise<NodeJS.ProcessEnv> {
		const inherited: NodeJS.ProcessEnv = {};
		for (const [key, value] of Object.entries(process.env)) {
			// Nothing of the caller's n8n/DB/npm configuration leaks in.
			if (/^(N8N_|DB_|EXECUTIONS_|GENERIC_|WEBHOOK_URL|NODE_OPTIONS|npm_|JEST_|NODE_ENV)/.test(key))
				continue;
			inherited[key] = value;
		}
		return {
			...inherited,
			PATH: `${path.dirname(this.runtime.node)}${path.delimiter}${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			DB_TYPE: 'sqlite',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PORT: String(this.port),
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: `${this.baseUrl}/`,
			WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_WEBHOOK_URL: `${this.baseUrl}/`,
			// Every process gets its own task broker port: the server and an
			// `n8n execute` run side by side, and 5679 may be taken.
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_SECURE_COOKIE: 'false',
			N8N_PROXY_HOPS: '1',
			// Don't call out.
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_AI_ENABLED: 'false',
			// (n8n 1.x has no such module and refuses to start with it named.)
			...(this.major >= 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_LOG_LEVEL: this.logLevel,
			N8N_LOG_OUTPUT: 'console',
			NODE_ENV: 'production',
			// n8n 1.x: the expression engine it was checked with here.
			...(this.major === 1 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
			...this.extraEnv,
		};
	}

	/** Unpacks the packed package where n8n keeps community packages. Runs nothing. */
	installPackage(pack: PackedPackage): string {
		const target = path.join(this.nodesDir, 'node_modules', PACKAGE_NAME);
		rmSync(target, { recursive: true, force: true });
		mkdirSync(target, { recursive: true });
		const result = spawnSync('tar', ['-xzf', pack.tgz, '-C', target, '--strip-components=1'], {
			encoding: 'utf8',
		});
		if (result.status !== 0) throw new Error(`unpacking ${pack.tgz} failed: ${result.stderr}`);
		// The ledger n8n's installer keeps next to node_modules. n8n 2.41 loads every
		// n8n-nodes-* folder found there without it (it rebuilds an empty one from
		// its database when missing); written anyway so the folder looks like an
		// install from Settings → Community Nodes.
		writeFileSync(
			path.join(this.nodesDir, 'package.json'),
			JSON.stringify(
				{ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: pack.version } },
				null,
				2,
			),
		);
		return target;
	}

	/** Runs `n8n <args>` against this user folder. */
	async cli(args: string[], options: { timeoutMs?: number } = {}): Promise<CliResult> {
		const env = await this.env();
		const started = Date.now();
		this.appendLog(`\n===== $ n8n ${args.join(' ')}\n`);
		return await new Promise<CliResult>((resolve, reject) => {
			const child = spawn(this.runtime.node, [this.runtime.n8nBin, ...args], {
				cwd: this.userFolder,
				env,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout!.on('data', (chunk: Buffer) => {
				stdout += chunk.toString();
				this.appendLog(chunk);
			});
			child.stderr!.on('data', (chunk: Buffer) => {
				stderr += chunk.toString();
				this.appendLog(chunk);
			});
			const timer = setTimeout(() => {
				child.kill('SIGKILL');
			}, options.timeoutMs ?? 120_000);
			child.on('error', (error) => {
				clearTimeout(timer);
				reject(error);
			});
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				resolve({ args, code, signal, stdout, stderr, ms: Date.now() - started });
			});
		});
	}

	private async cliExpect(args: string[], success: RegExp): Promise<CliResult> {
		const result = await this.cli(args);
		const output = `${result.stdout}\n${result.stderr}`;
		// n8n's import commands exit 0 even when they fail: check what they say.
		if (result.code !== 0 || !success.test(output)) {
			throw new Error(`n8n ${args.join(' ')} failed (rc ${result.code}):\n${tail(output, 40)}`);
		}
		return result;
	}

	/** `n8n import:credentials`: n8n encrypts `data` with the instance's key. */
	async importCredentials(credentials: CredentialImport[]): Promise<CliResult> {
		const file = path.join(this.userFolder, `credentials-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
		try {
			return await this.cliExpect(
				['import:credentials', `--input=${file}`],
				/Successfully imported \d+ credential/,
			);
		} finally {
			rmSync(file, { force: true });
		}
	}

	/** `n8n import:workflow` of one workflow (file path or object; must have a fixed `id`). */
	async importWorkflow(workflow: string | Record<string, unknown>): Promise<CliResult> {
		let file: string;
		if (typeof workflow === 'string') {
			file = workflow;
		} else {
			if (!workflow.id)
				throw new Error('workflow needs a fixed "id" (n8n 2.41 refuses to import one without)');
			file = path.join(this.userFolder, `workflow-${String(workflow.id)}.json`);
			writeFileSync(file, JSON.stringify(workflow, null, 2));
		}
		return await this.cliExpect(
			['import:workflow', `--input=${file}`],
			/Successfully imported 1 workflow/,
		);
	}

	/** Several workflows with one CLI start (`import:workflow --separate`); each needs a fixed `id`. */
	async importWorkflows(workflows: Array<Record<string, unknown>>): Promise<CliResult> {
		const dir = mkdtempSync(path.join(this.userFolder, 'import-'));
		try {
			for (const workflow of workflows) {
				if (!workflow.id) throw new Error(`workflow "${String(workflow.name)}" needs a fixed "id"`);
				writeFileSync(
					path.join(dir, `${String(workflow.id)}.json`),
					JSON.stringify(workflow, null, 2),
				);
			}
			const count = workflows.length;
			return await this.cliExpect(
				['import:workflow', '--separate', `--input=${dir}`],
				new RegExp(`Successfully imported ${count} ${count === 1 ? 'workflow' : 'workflows'}`),
			);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}

	/** n8n's major version (1 or 2). */
	get major(): number {
		return Number(this.runtime.version.split('.')[0]);
	}

	/**
	 * Activates a workflow: 2.x `publish:workflow`, 1.x `update:workflow --active=true`.
	 * Run it before `start`, or restart the server afterwards.
	 */
	async publishWorkflow(id: string): Promise<CliResult> {
		const args =
			this.major >= 2
				? ['publish:workflow', `--id=${id}`]
				: ['update:workflow', `--id=${id}`, '--active=true'];
		const result = await this.cli(args);
		if (result.code !== 0 || /error/i.test(result.stderr)) {
			throw new Error(
				`n8n ${args.join(' ')} failed (rc ${result.code}):\n${tail(result.stdout + result.stderr, 40)}`,
			);
		}
		return result;
	}

	/**
	 * `n8n execute --id=… --rawOutput`. On success the run is parsed from stdout.
	 * n8n occasionally segfaults at exit (rc 139): such a run is retried once.
	 */
	async execute(id: string, options: { timeoutMs?: number } = {}): Promise<ExecuteResult> {
		let attempts = 0;
		for (;;) {
			attempts++;
			const result = await this.cli(['execute', `--id=${id}`, '--rawOutput'], options);
			const crashed = result.code === 139 || result.signal === 'SIGSEGV';
			if (crashed && attempts < 2) {
				log(
					`n8n execute --id=${id} crashed (rc ${result.code}, ${result.signal ?? 'no signal'}); retrying once`,
				);
				continue;
			}
			const run = result.code === 0 ? parseTrailingJson<N8nRun>(result.stdout) : undefined;
			const ok = result.code === 0 && run !== undefined && !run.data?.resultData?.error;
			log(
				`n8n execute --id=${id}: rc ${result.code}, ${ok ? 'ok' : 'failed'}, ${seconds(result.ms)}${attempts > 1 ? ` (attempt ${attempts})` : ''}`,
			);
			return { ...result, ok, run, attempts };
		}
	}

	/**
	 * Starts `n8n start` (or, in queue mode, `n8n webhook` / `n8n worker`) and waits until it is
	 * ready: /healthz/readiness (and, for `start`, the editor's settings) on `readinessBase`,
	 * the instance's own URL unless given (a worker answers on its health-check port).
	 * Resolves with the milliseconds it took.
	 */
	async start(
		options: {
			timeoutMs?: number;
			command?: 'start' | 'webhook' | 'worker';
			readinessBase?: string;
		} = {},
	): Promise<number> {
		if (this.server) throw new Error('n8n is already running');
		const command = options.command ?? 'start';
		const readinessBase = options.readinessBase ?? this.baseUrl;
		const env = await this.env();
		const started = Date.now();
		this.appendLog(`\n===== $ n8n ${command} (port ${this.port})\n`);
		const child = spawn(this.runtime.node, [this.runtime.n8nBin, command], {
			cwd: this.userFolder,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true, // own process group: task runners are stopped with it
		});
		this.server = child;
		child.stdout!.on('data', (chunk: Buffer) => this.appendLog(chunk));
		child.stderr!.on('data', (chunk: Buffer) => this.appendLog(chunk));
		let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
		this.serverExit = new Promise((resolve) => {
			child.on('exit', (code, signal) => {
				exited = { code, signal };
				this.appendLog(`\n===== n8n ${command} exited (rc ${code}, signal ${signal})\n`);
				resolve();
			});
		});
		const deadline = started + (options.timeoutMs ?? 120_000);
		for (;;) {
			if (exited) {
				this.server = undefined;
				throw new Error(
					`n8n ${command} exited (rc ${exited.code}, ${exited.signal}) before it was ready:\n${this.logTail()}`,
				);
			}
			if (Date.now() > deadline) {
				await this.stop();
				throw new Error(
					`n8n was not ready on ${this.baseUrl} after ${seconds(Date.now() - started)}:\n${this.logTail()}`,
				);
			}
			try {
				// Readiness is about the database; n8n 1.x answers it before its REST
				// routes exist, so wait for the editor's settings too.
				const ready = await fetch(`${readinessBase}/healthz/readiness`, {
					signal: AbortSignal.timeout(2000),
				});
				if (ready.ok && command !== 'start') break;
				if (ready.ok) {
					const settings = await fetch(`${this.baseUrl}/rest/settings`, {
						signal: AbortSignal.timeout(2000),
					});
					if (settings.ok) break;
				}
			} catch {
				// not listening yet
			}
			await sleep(250);
		}
		const ms = Date.now() - started;
		log(`n8n ${this.runtime.version} ${command} ready on ${readinessBase} in ${seconds(ms)}`);
		return ms;
	}

	get running(): boolean {
		return this.server !== undefined;
	}

	/** Stops the server (SIGTERM, then SIGKILL to its process group after 20 s). */
	async stop(): Promise<void> {
		const child = this.server;
		if (!child) return;
		this.server = undefined;
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			let timer: NodeJS.Timeout | undefined;
			const timedOut = await Promise.race([
				this.serverExit!.then(() => false),
				new Promise<boolean>((resolve) => {
					timer = setTimeout(() => resolve(true), 20_000);
				}),
			]);
			clearTimeout(timer);
			if (timedOut && child.pid) {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					child.kill('SIGKILL');
				}
				await this.serverExit;
			}
		}
		// Task runners left behind in the server's process group.
		if (child.pid) {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// group already gone
			}
		}
	}

	/** Stops the server and removes the user folder (unless it was given by the caller). */
	async dispose(): Promise<void> {
		await this.stop();
		await new Promise<void>((resolve) => this.logStream.end(resolve));
		if (this.removeOnDispose) rmSync(this.userFolder, { recursive: true, force: true });
	}

	/** The node types the running server publishes to its editor (from its static cache). */
	publishedNodeTypes(): Array<{
		name: string;
		version: number | number[];
		displayName: string;
		properties: Array<{ name: string }>;
	}> {
		const file = path.join(this.userFolder, '.cache', 'n8n', 'public', 'types', 'nodes.json');
		return JSON.parse(readFileSync(file, 'utf8')) as ReturnType<N8nInstance['publishedNodeTypes']>;
	}

	publishedCredentialTypes(): Array<{
		name: string;
		displayName: string;
		properties: Array<{ name: string }>;
	}> {
		const file = path.join(this.userFolder, '.cache', 'n8n', 'public', 'types', 'credentials.json');
		return JSON.parse(readFileSync(file, 'utf8')) as ReturnType<
			N8nInstance['publishedCredentialTypes']
		>;
	}

	/** `POST /rest/owner/setup` on the running server: turns the shell owner (who owns the imports) into a real account. */
	async setupOwner(owner: {
		email: string;
		password: string;
		firstName: string;
		lastName: string;
	}): Promise<void> {
		const response = await fetch(`${this.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
		});
		if (!response.ok) {
			throw new Error(`owner setup failed: HTTP ${response.status} ${await response.text()}`);
		}
	}

	/** The whole log so far (server and CLI output). */
	logText(): string {
		try {
			return readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}

	logTail(lines = 60): string {
		return tail(this.logText(), lines);
	}

	/**
	 * Files of the user folder (database, logs, config…) containing `needle`.
	 * Used to prove a secret is stored only encrypted.
	 */
	filesContaining(needle: string): string[] {
		const hits: string[] = [];
		const bytes = Buffer.from(needle);
		const walk = (dir: string) => {
			for (const entry of readdirSync(dir, { withFileTypes: true })) {
				const full = path.join(dir, entry.name);
				if (entry.isDirectory()) {
					// The installed package itself is not n8n's output.
					if (full === path.join(this.nodesDir, 'node_modules')) continue;
					walk(full);
				} else if (entry.isFile() && statSync(full).size < 512 * 1024 * 1024) {
					if (readFileSync(full).includes(bytes)) hits.push(path.relative(this.userFolder, full));
				}
			}
		};
		walk(this.userFolder);
		return hits;
	}

	private appendLog(chunk: string | Buffer): void {
		if (!this.logStream.closed && !this.logStream.writableEnded) this.logStream.write(chunk);
	}
}

/**
 * A signed-in REST session, as the editor has it: n8n ties its auth cookie to
 * the `browser-id` header sent at login, so every call repeats it.
 */
export class N8nRestSession {
	private cookie = '';
	private readonly browserId = `e2e-${Math.random().toString(36).slice(2)}`;

	constructor(readonly baseUrl: string) {}

	async login(email: string, password: string): Promise<void> {
		const response = await fetch(`${this.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': this.browserId },
			body: JSON.stringify({ emailOrLdapLoginId: email, password }),
		});
		if (!response.ok)
			throw new Error(`login failed: HTTP ${response.status} ${await response.text()}`);
		const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (!setCookie) throw new Error('login answered without an n8n-auth cookie');
		this.cookie = setCookie.split(';')[0];
	}

	async request<T = unknown>(
		method: string,
		urlPath: string,
		body?: unknown,
	): Promise<{ status: number; body: T }> {
		const response = await fetch(`${this.baseUrl}${urlPath}`, {
			method,
			headers: {
				'browser-id': this.browserId,
				cookie: this.cookie,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON
		}
		return { status: response.status, body: parsed as T };
	}
}

/** A workflow JSON of test/e2e/workflows/, with `CREDENTIAL_ID` placeholders left as they are. */
export function loadWorkflow(name: string): Record<string, unknown> & { id: string; name: string } {
	const file = path.join(WORKFLOWS_DIR, name.endsWith('.json') ? name : `${name}.json`);
	return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & {
		id: string;
		name: string;
	};
}

export function timed<T>(label: string, fn: () => T): T {
	const started = Date.now();
	const result = fn();
	log(`${label}: ${seconds(Date.now() - started)}`);
	return result;
}

/** The simulator credential and the owner every trigger suite sets up. */
export const SIM_CREDENTIAL = { id: 'ymSimulatorCred1', name: 'Yandex Market (simulator)' };
export const E2E_OWNER = {
	email: 'owner@example.com',
	password: 'E2e-Owner-Pass-1',
	firstName: 'E2E',
	lastName: 'Owner',
};

/**
 * A fresh n8n with the packed package, the simulator credential and `workflow` imported and
 * published (not started yet).
 */
export async function publishedWorkflow(
	runtime: N8nRuntime,
	pack: PackedPackage,
	workflow: Record<string, unknown> & { id: string },
	credential: { apiKey: string; baseUrl: string },
	env: Record<string, string> = {},
): Promise<N8nInstance> {
	const n8n = await N8nInstance.create({
		runtime,
		env,
		logLevel: 'debug',
		removeOnDispose: !process.env.N8N_E2E_KEEP,
	});
	n8n.installPackage(pack);
	await n8n.importCredentials([{ ...SIM_CREDENTIAL, type: CREDENTIAL_TYPE, data: credential }]);
	await n8n.importWorkflow(workflow);
	await n8n.publishWorkflow(workflow.id);
	return n8n;
}

export interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
}

/** A workflow's executions, newest first, from n8n's REST API. */
export async function listExecutions(
	rest: N8nRestSession,
	workflowId: string,
): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const response = await rest.request<{ data: { results: ExecutionSummary[] } }>(
		'GET',
		`/rest/executions?filter=${filter}&limit=100`,
	);
	if (response.status !== 200)
		throw new Error(`GET /rest/executions: ${response.status} ${JSON.stringify(response.body)}`);
	// n8n lists running and finished executions with two queries at once: one that finishes in
	// between comes twice (seen on 1.123.81). Keep it once, finished.
	const byId = new Map<string, ExecutionSummary>();
	for (const execution of response.body.data.results) {
		const known = byId.get(execution.id);
		if (!known || ['new', 'running'].includes(known.status)) byId.set(execution.id, execution);
	}
	return [...byId.values()].sort((a, b) => Number(b.id) - Number(a.id));
}

/** Polls `probe` until it gives a value; on timeout the error carries n8n's last log lines. */
export async function waitUntil<T>(
	n8n: { logTail(lines?: number): string },
	what: string,
	probe: () => Promise<T | undefined> | T | undefined,
	timeoutMs = 15_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${n8n.logTail(40)}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** n8n stores an execution's run data "flatted"; parsed with n8n's own copy of the library. */
export function parseRunData(runtime: N8nRuntime, stored: string): any {
	const flatted = require(path.join(runtime.dir, 'node_modules', 'flatted')) as {
		parse: (s: string) => any;
	};
	return flatted.parse(stored);
}

/** One execution from n8n's REST API: its status, mode and run data (undefined until stored). */
export async function fetchExecution(
	rest: N8nRestSession,
	runtime: N8nRuntime,
	executionId: string,
): Promise<{ status: string; mode: string; data?: any }> {
	const response = await rest.request<{ data: { status: string; mode: string; data: string } }>(
		'GET',
		`/rest/executions/${executionId}`,
	);
	if (response.status !== 200)
		throw new Error(`GET /rest/executions/${executionId}: ${response.status}`);
	const { status, mode, data: stored } = response.body.data;
	return { status, mode, data: stored ? parseRunData(runtime, stored) : undefined };
}

/** A node's output items (json) in one execution. */
export async function executionItems(
	rest: N8nRestSession,
	runtime: N8nRuntime,
	executionId: string,
	nodeName: string,
): Promise<Array<Record<string, any>>> {
	const { data } = await fetchExecution(rest, runtime, executionId);
	return data.resultData.runData[nodeName][0].data.main[0].map((i: { json: unknown }) => i.json);
}
