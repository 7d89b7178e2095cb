/**
 * What this n8n process knows of Market's limits, shared by every execution, node and
 * trigger in it: the limits are Market's, per business, not per node.
 * - a gate of requests in flight per business: Market refuses a 5th with 420, counted over
 *   all of the seller's tools, so each process keeps to its share (the credential's
 *   Parallel Requests per n8n Process), and to less for a while after Market refused one;
 * - per business and method, until when the hourly quota is known to be spent, learnt
 *   from `X-RateLimit-Resource-Remaining: 0`, so that no request is sent into that window.
 */
import { sleep, type IDataObject } from 'n8n-workflow';
import { memory } from './memory';

/**
 * How a gate gives way to others that share Market's 4 (other n8n processes, the seller's
 * other tools): each parallel-limit refusal takes one slot away (at most one per
 * `shrinkSpacingMs`, since the requests in flight tend to be refused together), and every
 * `recoverMs` without a refusal gives one back, up to the credential's share. Tests shorten them.
 */
export const gateTiming = { shrinkSpacingMs: 250, recoverMs: 2000, now: () => Date.now() };

/**
 * A FIFO counting semaphore: at most `limit` holders at once, `limit` between 1 and the
 * configured `size`. The size can change while requests hold or wait for it (the credential
 * was edited): holders beyond a smaller size finish, and nobody is let in until fewer than
 * the new size hold it; a larger size lets waiters in at once.
 */
export class Slots {
	private active = 0;

	private readonly waiting: Array<() => void> = [];

	private limit: number;

	/** When a refusal last took a slot away. */
	private lastShrink = -Infinity;

	/** Since when the limit has been growing back (the last refusal or growth step). */
	private growingSince = 0;

	constructor(private size: number) {
		this.limit = size;
	}

	resize(size: number): void {
		if (size !== this.size) {
			// A gate that gave way stays as small (within the new size) until it grows back.
			this.limit = this.current() === this.size ? size : Math.min(this.limit, size);
			this.size = size;
		}
		this.admit();
	}

	/** Market refused a request of this gate for parallelism: hold one slot fewer. */
	refused(): void {
		const now = gateTiming.now();
		if (now - this.lastShrink >= gateTiming.shrinkSpacingMs) {
			this.limit = Math.max(1, this.limit - 1);
			this.lastShrink = now;
		}
		this.growingSince = now;
	}

	/** The current limit, grown back by the quiet time since the last refusal. */
	current(): number {
		if (this.limit < this.size) {
			const steps = Math.floor((gateTiming.now() - this.growingSince) / gateTiming.recoverMs);
			if (steps > 0) {
				this.limit = Math.min(this.size, this.limit + steps);
				this.growingSince += steps * gateTiming.recoverMs;
			}
		}
		return this.limit;
	}

	async acquire(): Promise<void> {
		if (this.active < this.current() && this.waiting.length === 0) {
			this.active++;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	release(): void {
		this.active--;
		this.admit();
	}

	private admit(): void {
		while (this.active < this.current() && this.waiting.length > 0) {
			this.active++;
			this.waiting.shift()!();
		}
	}
}

const { gates, sequences, spentUntil } = memory;

/** Runs `task` holding one of the business's in-flight slots, at most `size` of them at once. */
export async function withSlot<T>(
	business: string,
	size: number,
	task: () => Promise<T>,
): Promise<T> {
	let slots = gates.get(business);
	if (!slots) {
		slots = new Slots(size);
		gates.set(business, slots);
	} else slots.resize(size);
	await slots.acquire();
	try {
		return await task();
	} finally {
		slots.release();
	}
}

/**
 * Market refused one of the business's requests for parallelism although this process kept
 * to its share: others use some of the 4, so this process holds fewer for a while.
 */
export function parallelRefused(business: string): void {
	gates.get(business)?.refused();
}

/** How many requests the business's gate lets through at once right now (0: no gate yet). */
export function gateLimit(business: string): number {
	return gates.get(business)?.current() ?? 0;
}

/** Tasks with the same key run one after another, in the order they were started. */
export async function inSequence<T>(key: string | undefined, task: () => Promise<T>): Promise<T> {
	if (!key) return await task();
	const previous = sequences.get(key) ?? Promise.resolve();
	const current = previous.then(task, task);
	const tail = current.catch(() => undefined);
	sequences.set(key, tail);
	try {
		return await current;
	} finally {
		if (sequences.get(key) === tail) sequences.delete(key);
	}
}

/** The quota headers every Market answer carries. */
export interface RateLimit {
	limit?: number;
	remaining?: number;
	/** Epoch milliseconds of `X-RateLimit-Resource-Until`. */
	until?: number;
}

function header(headers: IDataObject, name: string): string | undefined {
	const value = headers[name.toLowerCase()] ?? headers[name];
	return value === undefined || value === null ? undefined : String(value);
}

export function rateLimitOf(headers: IDataObject): RateLimit {
	const number = (name: string) => {
		const text = header(headers, name);
		const value = text === undefined ? NaN : Number(text);
		return Number.isFinite(value) ? value : undefined;
	};
	const untilText = header(headers, 'X-RateLimit-Resource-Until');
	const until = untilText === undefined ? NaN : Date.parse(untilText);
	return {
		limit: number('X-RateLimit-Resource-Limit'),
		remaining: number('X-RateLimit-Resource-Remaining'),
		until: Number.isFinite(until) ? until : undefined,
	};
}

/** Until when (epoch ms) the method's quota is known to be spent for this business; 0 if not. */
export function spentWindow(quotaKey: string, now = Date.now()): number {
	const until = spentUntil.get(quotaKey) ?? 0;
	if (until <= now) {
		spentUntil.delete(quotaKey);
		return 0;
	}
	return until;
}

export function markSpent(quotaKey: string, until: number): void {
	if (until > (spentUntil.get(quotaKey) ?? 0)) spentUntil.set(quotaKey, until);
}

/** Forgets every spent window (tests start each case from a clean process state). */
export function resetPacing(): void {
	spentUntil.clear();
}

/** Waits `ms`; false when the execution was cancelled before or during the wait. */
export async function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
	if (signal?.aborted) return false;
	if (ms > 0) {
		try {
			await sleep(ms, signal);
		} catch {
			return false;
		}
	}
	// n8n 1.x's sleep takes no signal: look again once awake.
	return !signal?.aborted;
}

/** `base · 2^(attempt-1)`, capped, with ±50 % jitter so that parallel callers spread out. */
export function backoff(attempt: number, baseMs: number, capMs: number): number {
	const plain = Math.min(capMs, baseMs * 2 ** (attempt - 1));
	return Math.round(plain * (0.5 + Math.random()));
}
