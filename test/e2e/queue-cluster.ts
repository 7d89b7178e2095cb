/**
 * n8n in queue mode, as a seller scales it: one main process, two webhook processes (A and
 * B, as behind a load balancer) and one worker, sharing a PostgreSQL database and a Redis
 * queue. Every process has its own user folder with the packed package installed, and all
 * run from the one cached n8n install.
 *
 * PostgreSQL and Redis come from Debian's packages (scripts/e2e/ensure-queue-services.sh)
 * and are started here on free loopback ports, in temp folders, and stopped on dispose.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
	CREDENTIAL_TYPE,
	N8nInstance,
	SIM_CREDENTIAL,
	freePort,
	parseRunData,
	runEnsureScript,
	seconds,
	sleep,
	type N8nRuntime,
	type PackedPackage,
} from './harness';

const log = (msg: string) => process.stderr.write(`[e2e queue] ${msg}\n`);

export interface QueueServices {
	/** Folder of initdb, postgres and psql. */
	postgresBin: string;
	redisServer: string;
}

export function ensureQueueServices(): QueueServices {
	return runEnsureScript<QueueServices>('ensure-queue-services.sh', 10 * 60_000);
}

/** Waits for `child` to exit, up to `ms`; true when it did. */
async function exited(child: ChildProcess, ms: number): Promise<boolean> {
	if (child.exitCode !== null || child.signalCode !== null) return true;
	return await new Promise<boolean>((resolve) => {
		const timer = setTimeout(() => resolve(false), ms);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve(true);
		});
	});
}

/** Stops a server started in its own process group: `signal`, then SIGKILL after 15 s. */
async function stopGroup(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
	if (!child?.pid) return;
	const kill = (s: NodeJS.Signals) => {
		try {
			process.kill(-child.pid!, s);
		} catch {
			// already gone
		}
	};
	kill(signal);
	if (!(await exited(child, 15_000))) {
		kill('SIGKILL');
		await exited(child, 5_000);
	}
}

/** A throwaway PostgreSQL server: trust auth on 127.0.0.1, no durability (tests only). */
export class Postgres {
	private server?: ChildProcess;

	private output = '';

	private constructor(
		readonly bin: string,
		readonly dir: string,
		readonly port: number,
		/** PostgreSQL refuses to run as root: as root, it runs as the `postgres` user. */
		readonly owner?: { uid: number; gid: number },
	) {}

	static async start(bin: string): Promise<Postgres> {
		const started = Date.now();
		const dir = mkdtempSync(path.join(tmpdir(), 'ym-queue-pg-'));
		let owner: { uid: number; gid: number } | undefined;
		if (process.getuid?.() === 0) {
			const id = (flag: string) =>
				Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
			owner = { uid: id('-u'), gid: id('-g') };
			if (!Number.isInteger(owner.uid) || owner.uid <= 0)
				throw new Error('running as root, and there is no "postgres" user to run PostgreSQL as');
			chownSync(dir, owner.uid, owner.gid);
		}
		const pg = new Postgres(bin, dir, await freePort(), owner);
		try {
			await pg.init();
		} catch (error) {
			await pg.stop();
			throw error;
		}
		log(`PostgreSQL on 127.0.0.1:${pg.port} in ${seconds(Date.now() - started)}`);
		return pg;
	}

	private async init(): Promise<void> {
		const { bin, dir, owner } = this;
		// cwd: the postgres user may not be allowed into the caller's folder.
		const as = { cwd: dir, ...(owner ?? {}) };
		const data = path.join(dir, 'data');
		const init = spawnSync(
			path.join(bin, 'initdb'),
			['-D', data, '--auth=trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--locale=C'],
			{ encoding: 'utf8', ...as },
		);
		if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}\n${init.stderr}`);
		const server = spawn(
			path.join(bin, 'postgres'),
			[
				'-D',
				data,
				'-p',
				String(this.port),
				'-k',
				dir,
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
				'-c',
				'max_connections=200',
			],
			{ stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...as },
		);
		this.server = server;
		server.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
		server.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
		for (let i = 0; ; i++) {
			if (server.exitCode !== null) throw new Error(`postgres exited:\n${this.output}`);
			if (this.run(['-d', 'postgres', '-c', 'select 1']).status === 0) break;
			if (i > 200) throw new Error(`postgres did not start:\n${this.output}`);
			await sleep(100);
		}
		const created = this.run(['-d', 'postgres', '-c', 'CREATE DATABASE n8n']);
		if (created.status !== 0) throw new Error(`CREATE DATABASE failed: ${created.stderr}`);
	}

	private run(args: string[]) {
		return spawnSync(
			path.join(this.bin, 'psql'),
			['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-X', '-q', ...args],
			{ encoding: 'utf8', env: { ...process.env, PGCONNECT_TIMEOUT: '2' } },
		);
	}

	/** Rows of a query on n8n's database, as arrays of column texts. */
	query(sql: string): string[][] {
		const result = this.run(['-d', 'n8n', '-A', '-t', '-F', '\t', '-c', sql]);
		if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}\n${sql}`);
		return result.stdout
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => line.split('\t'));
	}

	/** n8n's database settings for every process. */
	env(): Record<string, string> {
		return {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.port),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
		};
	}

	async stop(): Promise<void> {
		// SIGINT: PostgreSQL's fast shutdown.
		await stopGroup(this.server, 'SIGINT');
		this.server = undefined;
		rmSync(this.dir, { recursive: true, force: true });
	}
}

/** A throwaway Redis server: loopback, nothing saved to disk. */
export class Redis {
	private server?: ChildProcess;

	private constructor(
		readonly port: number,
		private readonly dir: string,
	) {}

	static async start(redisServer: string): Promise<Redis> {
		const dir = mkdtempSync(path.join(tmpdir(), 'ym-queue-redis-'));
		const redis = new Redis(await freePort(), dir);
		let output = '';
		const server = spawn(
			redisServer,
			[
				'--port',
				String(redis.port),
				'--bind',
				'127.0.0.1',
				'--save',
				'',
				'--appendonly',
				'no',
				'--dir',
				dir,
			],
			{ stdio: ['ignore', 'pipe', 'pipe'], detached: true },
		);
		redis.server = server;
		server.stdout!.on('data', (c: Buffer) => (output += c.toString()));
		server.stderr!.on('data', (c: Buffer) => (output += c.toString()));
		for (let i = 0; ; i++) {
			const failure = server.exitCode !== null ? 'exited' : i > 100 ? 'did not start' : undefined;
			if (failure) {
				await redis.stop();
				throw new Error(`redis-server ${failure}:\n${output}`);
			}
			if (await redis.ping()) break;
			await sleep(100);
		}
		log(`Redis on 127.0.0.1:${redis.port}`);
		return redis;
	}

	private async ping(): Promise<boolean> {
		return await new Promise((resolve) => {
			const socket = connect(this.port, '127.0.0.1');
			socket.setTimeout(1000);
			socket.once('connect', () => socket.write('PING\r\n'));
			socket.once('data', (data) => {
				socket.destroy();
				resolve(data.toString().startsWith('+PONG'));
			});
			socket.once('error', () => resolve(false));
			socket.once('timeout', () => {
				socket.destroy();
				resolve(false);
			});
		});
	}

	env(): Record<string, string> {
		return { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(this.port) };
	}

	async stop(): Promise<void> {
		await stopGroup(this.server, 'SIGTERM');
		this.server = undefined;
		rmSync(this.dir, { recursive: true, force: true });
	}
}

/** An address in Market's notification ranges (the processes trust one proxy hop). */
export const MARKET_IP = '5.45.207.10';

export interface NotifyAnswer {
	status: number;
	body: any;
	ms: number;
}

/** POST <production URL>/notification on one webhook process, as Market does through a proxy. */
export async function notify(
	proc: ClusterProcess,
	webhookId: string,
	body: unknown,
): Promise<NotifyAnswer> {
	return await postWebhook(proc, `${webhookId}/notification`, body);
}

/** POST a JSON body to `/webhook/<path>` of one webhook process, from a Market address. */
export async function postWebhook(
	proc: ClusterProcess,
	path: string,
	body: unknown,
): Promise<NotifyAnswer> {
	const started = performance.now();
	const response = await fetch(`${proc.n8n.baseUrl}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-forwarded-for': MARKET_IP },
		body: JSON.stringify(body),
	});
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: response.status, body: parsed, ms: performance.now() - started };
}

export interface QueueClusterOptions {
	runtime: N8nRuntime;
	pack: PackedPackage;
	credential: Record<string, unknown>;
	workflows: Array<Record<string, unknown> & { id: string }>;
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
	/** How many workers (default 1). */
	workers?: number;
}

/** One n8n process of the cluster and how to (re)start it. */
export interface ClusterProcess {
	name: string;
	n8n: N8nInstance;
	start(): Promise<number>;
}

export class QueueCluster {
	readonly processes: ClusterProcess[] = [];

	private constructor(
		readonly postgres: Postgres,
		readonly redis: Redis,
	) {}

	get main(): ClusterProcess {
		return this.processes[0];
	}

	/** The two webhook processes, A and B. */
	get webhooks(): ClusterProcess[] {
		return this.processes.filter((p) => p.name.startsWith('webhook'));
	}

	/** The (first) worker. */
	get worker(): ClusterProcess {
		return this.workers[0];
	}

	get workers(): ClusterProcess[] {
		return this.processes.filter((p) => p.name.startsWith('worker'));
	}

	static async start(options: QueueClusterOptions): Promise<QueueCluster> {
		const started = Date.now();
		const services = ensureQueueServices();
		const [pgStart, redisStart] = await Promise.allSettled([
			Postgres.start(services.postgresBin),
			Redis.start(services.redisServer),
		]);
		if (pgStart.status === 'rejected' || redisStart.status === 'rejected') {
			// The one that started is stopped again.
			if (pgStart.status === 'fulfilled') await pgStart.value.stop();
			if (redisStart.status === 'fulfilled') await redisStart.value.stop();
			throw pgStart.status === 'rejected'
				? pgStart.reason
				: (redisStart as PromiseRejectedResult).reason;
		}
		const cluster = new QueueCluster(pgStart.value, redisStart.value);
		const [postgres, redis] = [cluster.postgres, cluster.redis];
		try {
			const env = {
				...postgres.env(),
				...redis.env(),
				EXECUTIONS_MODE: 'queue',
				...(options.env ?? {}),
			};
			const make = async (
				name: string,
				command: 'start' | 'webhook' | 'worker',
				extra: Record<string, string> = {},
			): Promise<ClusterProcess> => {
				const n8n = await N8nInstance.create({
					runtime: options.runtime,
					env: { ...env, ...extra },
					logLevel: 'debug',
					removeOnDispose: !process.env.N8N_E2E_KEEP,
				});
				n8n.installPackage(options.pack);
				const readinessBase =
					command === 'worker' ? `http://127.0.0.1:${extra.QUEUE_HEALTH_CHECK_PORT}` : undefined;
				const proc: ClusterProcess = {
					name,
					n8n,
					start: async () => await n8n.start({ command, readinessBase, timeoutMs: 180_000 }),
				};
				cluster.processes.push(proc);
				return proc;
			};
			const main = await make('main', 'start');
			const webhookA = await make('webhook A', 'webhook');
			const webhookB = await make('webhook B', 'webhook');
			const workers: ClusterProcess[] = [];
			for (let i = 1; i <= (options.workers ?? 1); i++) {
				workers.push(
					await make(i === 1 ? 'worker' : `worker ${i}`, 'worker', {
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
						N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					}),
				);
			}

			// The database is shared: import once, through the main process's CLI.
			await main.n8n.importCredentials([
				{ ...SIM_CREDENTIAL, type: CREDENTIAL_TYPE, data: options.credential },
			]);
			for (const workflow of options.workflows) {
				await main.n8n.importWorkflow(workflow);
				await main.n8n.publishWorkflow(workflow.id);
			}
			await main.start();
			await Promise.all([webhookA.start(), webhookB.start(), ...workers.map((w) => w.start())]);
			log(
				`cluster (${cluster.processes.map((p) => p.name).join(', ')}) ready in ${seconds(Date.now() - started)}`,
			);
			return cluster;
		} catch (error) {
			await cluster.dispose();
			throw error;
		}
	}

	/** Replaces the simulator credential's data (all processes read it from the database). */
	async updateCredential(data: Record<string, unknown>): Promise<void> {
		await this.main.n8n.importCredentials([{ ...SIM_CREDENTIAL, type: CREDENTIAL_TYPE, data }]);
	}

	/** Stops a process and starts it again; resolves with the milliseconds the start took. */
	async restart(proc: ClusterProcess): Promise<number> {
		await proc.n8n.stop();
		return await proc.start();
	}

	/** A workflow's executions, oldest first, from the shared database. */
	executions(workflowId: string): Array<{ id: string; status: string; mode: string }> {
		return this.postgres
			.query(
				`SELECT id, status, mode FROM execution_entity WHERE "workflowId" = '${workflowId.replace(/'/g, "''")}' ORDER BY id`,
			)
			.map(([id, status, mode]) => ({ id, status, mode }));
	}

	/** An execution's run data (n8n stores it "flatted"). */
	executionData(executionId: string, runtime: N8nRuntime): any {
		const [[text] = []] = this.postgres.query(
			`SELECT data FROM execution_data WHERE "executionId" = ${Number(executionId)}`,
		);
		return text === undefined ? undefined : parseRunData(runtime, text);
	}

	/** Every process's log, for a failure message. */
	logTail(lines = 25): string {
		return this.processes.map((p) => `--- ${p.name}\n${p.n8n.logTail(lines)}`).join('\n');
	}

	async dispose(): Promise<void> {
		try {
			// Workers and webhook processes first, then main, then the servers they use.
			for (const proc of [...this.processes].reverse()) {
				if (process.env.N8N_E2E_KEEP) log(`kept ${proc.name}: ${proc.n8n.logFile}`);
				await proc.n8n.dispose().catch((error: Error) => log(`${proc.name}: ${error.message}`));
			}
		} finally {
			await this.redis.stop();
			await this.postgres.stop();
		}
	}
}
