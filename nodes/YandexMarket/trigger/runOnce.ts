/**
 * "One event, one execution" across n8n processes.
 *
 * In queue mode Market's deliveries of one event can reach two webhook processes; each
 * one's duplicate memory (duplicates.ts) knows only its own deliveries, so both start an
 * execution. Executions run on the workers, where the trigger's `execute()` gets the
 * webhook's items first and can consult n8n's database-backed deduplication
 * (`checkProcessedAndRecord`), which every process shares.
 *
 * n8n's helper reads the recorded list and then writes it (insert when there is none yet,
 * otherwise the whole list again), so:
 * - two calls of one process at once could each write a list without the other's key:
 *   calls of one workflow + node run one after another here (`inSequence`);
 * - two executions of the same event in one process at once would both read "new":
 *   a key is claimed in memory, synchronously, before the first await;
 * - two processes inserting the very first list at once: the second insert fails (the
 *   row exists); one retry reads the list the first one wrote.
 * Between processes nothing orders the calls: two workers running the same event at the same
 * instant can both read "new", and two workers recording different events at once can each
 * write a list without the other's key (README, Scaling: measured, and how to avoid it).
 * A failing database does not lose events: the items go on, with a warning.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { memory } from '../shared/memory';
import { inSequence } from '../shared/pacing';
import { notificationKey, parseNotification } from './notifications';
import { errorText, readOptions } from './webhook';

/** Event keys n8n keeps per workflow + trigger node in its database. */
export const RECORDED_MAX_KEYS = 2000;
/** Event keys claimed in this process, over all workflows. */
const claimed = memory.claimedEvents;

/**
 * The event an item of the webhook stands for, read as the webhook read it (with the
 * business it settled on); undefined for anything else.
 */
function keyOf(item: INodeExecutionData): string | undefined {
	const parsed = parseNotification(item.json?.notification);
	if (!parsed.ok || parsed.kind === 'ping') return undefined;
	const businessId = item.json.businessId;
	return notificationKey(parsed, typeof businessId === 'number' ? businessId : undefined);
}

/** The trigger's `execute()`: the webhook's items, less events another execution already ran. */
export async function runOnce(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	// Only Market's deliveries: a test run shows every delivery (the seller may send the same
	// sample twice), and a retry of a failed execution must not be stopped by its own record.
	if (this.getMode() !== 'webhook') return [items];
	const options = readOptions(this.getNodeParameter('options', 0, {}) as IDataObject);
	if (!options.ignoreDuplicates) return [items];
	// Older n8n versions have no deduplication helpers.
	if (typeof this.helpers.checkProcessedAndRecord !== 'function') return [items];

	const node = this.getNode();
	const scope = `${this.getWorkflow().id ?? ''}|${node.id ?? node.name}`;
	// Claimed before any await, so that a second execution of the same event started
	// meanwhile in this process finds the claim.
	const kept: Array<{ item: INodeExecutionData; key?: string }> = [];
	for (const item of items) {
		const key = keyOf(item);
		if (key === undefined) {
			kept.push({ item });
			continue;
		}
		const claim = `${scope}|${key}`;
		if (claimed.has(claim)) continue;
		claimed.set(claim, true);
		kept.push({ item, key });
	}
	const keys = kept.flatMap(({ key }) => (key === undefined ? [] : [key]));
	if (keys.length === 0) return [kept.map(({ item }) => item)];

	const attempt = async () => {
		try {
			const options = { mode: 'entries' as const, maxEntries: RECORDED_MAX_KEYS };
			return { result: await this.helpers.checkProcessedAndRecord(keys, 'node', options) };
		} catch (failure) {
			return { failure };
		}
	};
	const outcome = await inSequence(`runOnce|${scope}`, async () => {
		const first = await attempt();
		// Another process created the list at the same moment: it exists now. Any other failure
		// may have written the keys already, so a repeat could find them and drop the events.
		if ('failure' in first && /unique|duplicate key|constraint/i.test(errorText(first.failure)))
			return await attempt();
		return first;
	});
	if ('failure' in outcome) {
		this.logger.warn(
			`Yandex Market Trigger "${node.name}": could not check in n8n's database whether another execution already ran these events (${errorText(outcome.failure)}); they run without that check.`,
		);
		return [kept.map(({ item }) => item)];
	}
	const fresh = new Set(outcome.result.new.map(String));
	return [kept.filter(({ key }) => key === undefined || fresh.has(key)).map(({ item }) => item)];
}
