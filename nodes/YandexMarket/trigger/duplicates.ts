/**
 * "The same event delivered twice starts the workflow once."
 *
 * Two places remember events:
 * - In memory, per n8n process, per workflow + trigger node: a bounded map of event keys
 *   with a time to live. Only memory can catch duplicates that arrive at the same time
 *   (Market may send one event twice in a row): a key is claimed before the details are
 *   fetched, and a second delivery waits for the first one's outcome.
 * - In the workflow's static data, a smaller list of the events that started the
 *   workflow, so that a redelivery after an n8n restart is still recognised. n8n saves
 *   static data after each webhook call of a published workflow, with two catches
 *   (n8n 2.41, measured): it only notices a change when a property is replaced (so the
 *   list is always a new object), and when the call starts an execution it resets the
 *   "changed" mark before saving, so that call's change is lost. Hence every call that
 *   reaches the duplicate check writes the whole list again (`syncStored`): the next
 *   notification that starts nothing (in an auto-reply workflow: Market's report of the
 *   reply itself) saves it. Two calls at the same moment each save their own copy and the
 *   later one wins; memory still covers that case while n8n runs.
 *
 * A key is recorded only once the event was handled (the workflow started, or the event
 * was deliberately skipped); when the node answers 500 the key is released, so Market's
 * redelivery is processed again.
 */
import { sleep, type IDataObject } from 'n8n-workflow';
import { memory } from '../shared/memory';

export const DUPLICATE_TTL_MS = 24 * 60 * 60 * 1000;
/** Keys kept in memory per workflow + trigger node. */
export const MEMORY_MAX_KEYS = 5000;
/** Keys kept in static data (saved to n8n's database with every change). */
export const STORED_MAX_KEYS = 300;
export type Claim =
	| { status: 'new'; commit(): void; release(): void }
	| { status: 'duplicate' }
	/** The same event is being processed right now and did not finish in time. */
	| { status: 'busy' };

export interface DetectorOptions {
	ttlMs?: number;
	maxKeys?: number;
	now?: () => number;
}

export class DuplicateDetector {
	/** key → expiry time; insertion order is commit order, so the oldest come first. */
	private readonly seen = new Map<string, number>();

	private readonly pending = new Map<string, Promise<boolean>>();

	/** Events that started the workflow: key → expiry, the newest STORED_MAX_KEYS. */
	private readonly started = new Map<string, number>();

	private readonly ttlMs: number;

	private readonly maxKeys: number;

	private readonly now: () => number;

	constructor(options: DetectorOptions = {}) {
		this.ttlMs = options.ttlMs ?? DUPLICATE_TTL_MS;
		this.maxKeys = options.maxKeys ?? MEMORY_MAX_KEYS;
		this.now = options.now ?? Date.now;
	}

	get size(): number {
		return this.seen.size;
	}

	has(key: string): boolean {
		const expires = this.seen.get(key);
		if (expires === undefined) return false;
		if (expires <= this.now()) {
			this.seen.delete(key);
			return false;
		}
		return true;
	}

	/** Records a key as handled (also used to load keys remembered in static data). */
	remember(key: string, expiresAt = this.now() + this.ttlMs): void {
		this.seen.delete(key);
		this.seen.set(key, expiresAt);
		this.prune();
	}

	/**
	 * Claims an event. `new`: the caller processes it and must call `commit()` (handled) or
	 * `release()` (failed: a redelivery must be processed). `duplicate`: already handled.
	 * `busy`: another delivery of it is still being processed after `waitMs`.
	 */
	async claim(key: string, waitMs: number): Promise<Claim> {
		if (this.has(key)) return { status: 'duplicate' };
		const inFlight = this.pending.get(key);
		if (inFlight) {
			// n8n's sleep, ended early once the first delivery has its outcome.
			const stop = new AbortController();
			const timeout = sleep(waitMs, stop.signal).then(
				() => 'timeout' as const,
				() => 'timeout' as const,
			);
			const outcome = await Promise.race([inFlight, timeout]);
			stop.abort();
			if (outcome === true) return { status: 'duplicate' };
			// Released (the first delivery failed) or still running: this delivery is not
			// processed either; Market delivers the event again.
			return { status: 'busy' };
		}
		let settle!: (handled: boolean) => void;
		this.pending.set(key, new Promise<boolean>((resolve) => (settle = resolve)));
		let settled = false;
		const finish = (handled: boolean) => {
			if (settled) return;
			settled = true;
			this.pending.delete(key);
			if (handled) this.remember(key);
			settle(handled);
		};
		return { status: 'new', commit: () => finish(true), release: () => finish(false) };
	}

	/** Records that an event started the workflow (to be kept in static data). */
	markStarted(key: string): void {
		this.started.delete(key);
		this.started.set(key, this.now() + this.ttlMs);
		while (this.started.size > STORED_MAX_KEYS)
			this.started.delete(this.started.keys().next().value as string);
	}

	/** The events that started the workflow and have not expired: key → expiry. */
	startedKeys(): Record<string, number> {
		const now = this.now();
		const out: Record<string, number> = {};
		for (const [key, expires] of this.started) if (expires > now) out[key] = expires;
		return out;
	}

	private prune(): void {
		const now = this.now();
		for (const [key, expires] of this.seen) {
			if (expires > now && this.seen.size <= this.maxKeys) break;
			this.seen.delete(key);
		}
	}
}

const detectors = memory.duplicateDetectors;

/** The detector of one workflow + trigger node (+ mode: test runs do not mark production events). */
export function detectorFor(scope: string): DuplicateDetector {
	let detector = detectors.get(scope);
	if (!detector) {
		detector = new DuplicateDetector();
		detectors.set(scope, detector);
	}
	return detector;
}

const STATIC_FIELD = 'recentEvents';

/** Keys remembered in static data that have not expired: key → expiry time. */
export function storedKeys(staticData: IDataObject, now = Date.now()): Record<string, number> {
	const stored = staticData[STATIC_FIELD];
	const out: Record<string, number> = {};
	if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return out;
	for (const [key, expires] of Object.entries(stored as IDataObject)) {
		if (typeof expires === 'number' && expires > now) out[key] = expires;
	}
	return out;
}

/**
 * Makes static data hold the events that started the workflow: the stored ones and
 * `started` together, expired ones dropped, the newest `maxKeys` kept. Replaces the
 * stored object (so n8n notices) only when something is missing from it.
 */
export function syncStored(
	staticData: IDataObject,
	started: Record<string, number>,
	now = Date.now(),
	maxKeys = STORED_MAX_KEYS,
): void {
	const stored = storedKeys(staticData, now);
	const missing = Object.entries(started).filter(
		([key, expires]) => expires > now && stored[key] === undefined,
	);
	if (missing.length === 0) return;
	const merged = Object.entries({ ...stored, ...Object.fromEntries(missing) })
		.sort((a, b) => a[1] - b[1])
		.slice(-maxKeys);
	staticData[STATIC_FIELD] = Object.fromEntries(merged);
}
