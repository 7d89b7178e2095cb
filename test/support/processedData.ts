/**
 * A stand-in for n8n's `processed_data` table and its DeduplicationHelper (what
 * `checkProcessedAndRecord` ends up calling), shared by every "process" of a test as the
 * database is shared by n8n's main, webhook and worker processes. It behaves as n8n 2.41's
 * helper does in the 'entries' mode: find the row of (workflow, `n:<node id>`), then insert
 * one when there is none or write the whole list back, with nothing in between that stops
 * two callers from interleaving. So, as with a real database:
 * - two first calls at once: the second insert fails on the primary key;
 * - two calls that both found the row: the later write wins (the earlier's keys are lost).
 * `hold()` parks every call between its read and its write until `open()`, so a test can
 * line concurrent calls up deterministically. Keys are kept as given (n8n keeps their MD5).
 * Written for this project.
 */
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
	IProcessedDataEntries,
} from 'n8n-workflow';

export class FakeProcessedDataStore implements IDataDeduplicator {
	/** `workflowId|context` → the row's value, as the database holds it. */
	readonly rows = new Map<string, IProcessedDataEntries>();

	/** When set, every call fails with it (the database is unreachable). */
	failure: Error | undefined;

	/** When set, the next call writes, then fails with it (the answer was lost on the way back). */
	failureAfterWrite: Error | undefined;

	/** Calls made, failed ones included. */
	calls = 0;

	private gate: Promise<void> | undefined;

	private openGate: (() => void) | undefined;

	/** From now on calls wait between their read and their write, until `open()`. */
	hold(): void {
		this.gate = new Promise<void>((resolve) => (this.openGate = resolve));
	}

	/** Lets the parked calls go on, and the ones after them pass straight through. */
	open(): void {
		this.openGate?.();
		this.gate = undefined;
		this.openGate = undefined;
	}

	/** The keys recorded for a workflow's node. */
	recorded(workflowId: string, nodeId: string): DeduplicationItemTypes[] {
		return [...(this.rows.get(`${workflowId}|n:${nodeId}`)?.data ?? [])];
	}

	/** Records keys as an earlier execution would have. */
	seed(workflowId: string, nodeId: string, keys: DeduplicationItemTypes[]): void {
		this.rows.set(`${workflowId}|n:${nodeId}`, { mode: 'entries', data: [...keys] });
	}

	private rowId(scope: DeduplicationScope, contextData: ICheckProcessedContextData): string {
		if (!contextData.workflow.id) throw new Error('No workflow ID');
		const context = scope === 'node' ? `n:${contextData.node?.id}` : '';
		return `${contextData.workflow.id}|${context}`;
	}

	private read(id: string): IProcessedDataEntries | undefined {
		const row = this.rows.get(id);
		return row && { mode: row.mode, data: [...row.data] };
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		this.calls++;
		if (this.failure) throw this.failure;
		if (options.mode !== 'entries') throw new Error('Only the entries mode is modelled');
		const id = this.rowId(scope, contextData);
		const found = this.read(id);
		await this.gate;
		if (!found) {
			if (this.rows.has(id)) {
				throw new Error(
					'SQLITE_CONSTRAINT: UNIQUE constraint failed: processed_data.workflowId, processed_data.context',
				);
			}
			const data = [...items];
			if (options.maxEntries) data.splice(0, data.length - options.maxEntries);
			this.rows.set(id, { mode: options.mode, data });
			this.failIfAsked();
			return { new: items, processed: [] };
		}
		const seen = new Set(found.data);
		const result: IDeduplicationOutput = { new: [], processed: [] };
		for (const item of items) {
			if (seen.has(item)) {
				result.processed.push(item);
			} else {
				result.new.push(item);
				found.data.push(item);
			}
		}
		if (options.maxEntries) found.data.splice(0, found.data.length - options.maxEntries);
		this.rows.set(id, found);
		this.failIfAsked();
		return result;
	}

	private failIfAsked(): void {
		const failure = this.failureAfterWrite;
		this.failureAfterWrite = undefined;
		if (failure) throw failure;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		const id = this.rowId(scope, contextData);
		const found = this.read(id);
		if (!found) return;
		this.rows.set(id, { ...found, data: found.data.filter((item) => !items.includes(item)) });
	}

	async clearAllProcessedItems(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		this.rows.delete(this.rowId(scope, contextData));
	}

	async getProcessedDataCount(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<number> {
		return this.read(this.rowId(scope, contextData))?.data.length ?? 0;
	}
}
