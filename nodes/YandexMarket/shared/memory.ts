/**
 * Everything this package keeps in the n8n process's memory between calls of its nodes, in
 * one place: each entry says why it must outlive the call that wrote it. Nothing else in the
 * package holds module-level state. Every map is bounded (oldest entries go first), so a
 * long-running n8n never grows because of us; none of it is needed for correctness after a
 * restart (what must survive one is in n8n's static data or deduplication store).
 */
import type { PollCursor } from '../poll/cursor';
import type { KeyReach } from '../trigger/business';
import type { DuplicateDetector } from '../trigger/duplicates';
import type { Slots } from './pacing';
import type { Connection } from './transport';

/** A Map that keeps at most `max` entries, dropping the oldest (Maps keep insertion order). */
export class BoundedMap<K, V> extends Map<K, V> {
	constructor(readonly max: number) {
		super();
	}

	override set(key: K, value: V): this {
		super.set(key, value);
		for (const oldest of this.keys()) {
			if (this.size <= this.max) break;
			this.delete(oldest);
		}
		return this;
	}
}

const all: Array<BoundedMap<unknown, unknown>> = [];

function entry<K, V>(max: number): BoundedMap<K, V> {
	const map = new BoundedMap<K, V>(max);
	all.push(map as BoundedMap<unknown, unknown>);
	return map;
}

export const memory = {
	/** Pacing (shared/pacing.ts): each business's in-flight slots, shared by every execution. */
	gates: entry<string, Slots>(10_000),
	/** Pacing: the tail of each one-after-another queue (messages to one chat, creates). */
	sequences: entry<string, Promise<unknown>>(10_000),
	/** Pacing: until when Market said a quota is spent, so no execution asks again before. */
	spentUntil: entry<string, number>(10_000),
	/**
	 * Retry On Fail (shared/run.ts): what a node run sent, by execution, node, run, item and
	 * content; n8n re-runs the node with fresh contexts, so only the process can remember.
	 */
	deliveries: entry<string, true | Error>(10_000),
	/** The credential's connection settings per execution and node: read once, not per item. */
	connections: entry<string, Promise<Connection>>(100),
	/**
	 * Whether Market applies its default date window to a read by ID, per method, as seen
	 * (`findById` in pager.ts): learnt once per process instead of paid for on every miss.
	 */
	idsWindow: entry<string, 'apply' | 'bypass'>(100),
	/** Webhook trigger: what each API key reaches (its only business), re-learnt hourly. */
	learntBusinesses: entry<string, { expires: number; reach: Promise<KeyReach> }>(100),
	/** Webhook trigger: notifications seen per workflow and node, against Market's duplicates. */
	duplicateDetectors: entry<string, DuplicateDetector>(1_000),
	/** Webhook trigger: events already started in this process (two calls at once start one). */
	claimedEvents: entry<string, true>(10_000),
	/** Polling Trigger: where each trigger's first activation started (see poll/poll.ts). */
	firstActivations: entry<string, PollCursor>(1_000),
	/** Polling Trigger: the same for its review and question cursors (see poll/goods.ts). */
	goodsFirstActivations: entry<string, object>(1_000),
};

/** Forgets everything (for tests). */
export function forgetAll(): void {
	for (const map of all) map.clear();
}
