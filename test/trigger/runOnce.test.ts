/**
 * One Market event, one execution, even when its deliveries reached different n8n processes
 * (queue mode: two webhook processes, executions on workers). The trigger's execute() runs
 * first in each execution, in n8n-core's real engine, against one shared stand-in of n8n's
 * processed-data table.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { N8nProcess, settle, useProcessedDataStore, type TriggerRun } from '../support/engine';
import { FakeProcessedDataStore } from '../support/processedData';

/** The item the trigger's webhook() emits for a notification (details not fetched). */
function webhookItem(notification: IDataObject): INodeExecutionData {
	return { json: { ...notification, notification } };
}

function chatCreated(chatId: number): INodeExecutionData {
	return webhookItem({
		notificationType: 'CHAT_CREATED',
		businessId: 1000,
		chatId,
		createdAt: '2026-11-21T10:00:00.000Z',
	});
}

/** The chat IDs of the notifications the workflow after the trigger received. */
async function chats(run: TriggerRun): Promise<unknown[] | undefined> {
	const result = await run.done;
	expect(result.error).toBeUndefined();
	return result.received?.map((json) => json.chatId);
}

/** Starts runs at once, parks their database calls between read and write, then lets them go. */
async function together(store: FakeProcessedDataStore, start: () => TriggerRun[]) {
	store.hold();
	const runs = start();
	await Promise.all(runs.map(async (run) => await run.entered));
	await settle();
	store.open();
	return await Promise.all(runs.map(chats));
}

let store: FakeProcessedDataStore;
let warn: jest.SpyInstance;

beforeEach(async () => {
	store = new FakeProcessedDataStore();
	await useProcessedDataStore(store);
	warn = jest.spyOn(Container.get(Logger), 'warn');
});

afterEach(() => warn.mockRestore());

describe('Yandex Market Trigger: one execution per event across n8n processes', () => {
	it('a second execution of the same event stops at the trigger', async () => {
		const worker = new N8nProcess();
		expect(await chats(worker.run({ items: [chatCreated(1)] }))).toEqual([1]);
		expect(await chats(worker.run({ items: [chatCreated(1)] }))).toBeUndefined();
	});

	it('items that are not a Market event go on; the repeated event does not', async () => {
		const worker = new N8nProcess();
		const other = { json: { note: 'not a notification' } };
		await chats(worker.run({ items: [other, chatCreated(1)] }));
		const second = await worker.run({ items: [other, chatCreated(1)] }).done;
		expect(second.received).toEqual([{ note: 'not a notification' }]);
	});

	it('two executions of one event at the same time in one process: one runs', async () => {
		const worker = new N8nProcess();
		const received = await together(store, () => [
			worker.run({ items: [chatCreated(1)] }),
			worker.run({ items: [chatCreated(1)] }),
		]);
		expect(received.filter((chatIds) => chatIds !== undefined)).toEqual([[1]]);
	});

	it('the event delivered to two processes runs in the first only', async () => {
		const first = new N8nProcess();
		const second = new N8nProcess();
		expect(await chats(first.run({ items: [chatCreated(1)] }))).toEqual([1]);
		expect(await chats(second.run({ items: [chatCreated(1)] }))).toBeUndefined();
		expect(await chats(second.run({ items: [chatCreated(2)] }))).toEqual([2]);
		expect(await chats(first.run({ items: [chatCreated(2)] }))).toBeUndefined();
	});

	it('an event the webhook took without businessId is the one that names it', async () => {
		const worker = new N8nProcess();
		const { businessId, ...unnamed } = chatCreated(1).json.notification as IDataObject;
		const fromCredential = {
			json: { ...unnamed, businessId, businessIdSource: 'credential', notification: unnamed },
		};
		expect(await chats(worker.run({ items: [chatCreated(1)] }))).toEqual([1]);
		expect(await chats(worker.run({ items: [fromCredential] }))).toBeUndefined();
		// Settled on another business, it is another event.
		const other = { json: { ...fromCredential.json, businessId: 2000 } };
		expect(await chats(worker.run({ items: [other] }))).toEqual([1]);
	});

	it('a type this release does not know (All Events) runs once per notification', async () => {
		const worker = new N8nProcess();
		const deleted = (chatId: number) =>
			webhookItem({ notificationType: 'CHAT_DELETED', businessId: 1000, chatId });
		expect(await chats(worker.run({ items: [deleted(1)] }))).toEqual([1]);
		expect(await chats(new N8nProcess().run({ items: [deleted(1)] }))).toBeUndefined();
		expect(await chats(worker.run({ items: [deleted(2)] }))).toEqual([2]);
	});

	it('after a restart a redelivery is still recognised', async () => {
		expect(await chats(new N8nProcess().run({ items: [chatCreated(1)] }))).toEqual([1]);
		const restarted = new N8nProcess();
		expect(await chats(restarted.run({ items: [chatCreated(1)] }))).toBeUndefined();
	});

	it('two different events at the same time both run, and both are remembered', async () => {
		// An earlier event exists, so both calls update the same list (none inserts it).
		const worker = new N8nProcess();
		await chats(worker.run({ items: [chatCreated(9)] }));
		const received = await together(store, () => [
			worker.run({ items: [chatCreated(1)] }),
			worker.run({ items: [chatCreated(2)] }),
		]);
		expect(received).toEqual([[1], [2]]);
		const other = new N8nProcess();
		expect(await chats(other.run({ items: [chatCreated(1)] }))).toBeUndefined();
		expect(await chats(other.run({ items: [chatCreated(2)] }))).toBeUndefined();
	});

	it('the very first event reaching two processes at once runs once', async () => {
		// Both find no list yet and both insert one: the database refuses the second insert.
		const first = new N8nProcess();
		const second = new N8nProcess();
		const received = await together(store, () => [
			first.run({ items: [chatCreated(1)] }),
			second.run({ items: [chatCreated(1)] }),
		]);
		expect(received.filter((chatIds) => chatIds !== undefined)).toEqual([[1]]);
		expect(warn).not.toHaveBeenCalled();
	});

	it('test runs in the editor run every time and do not mark the event', async () => {
		const n8n = new N8nProcess();
		const test = { items: [chatCreated(1)], mode: 'manual' as const };
		expect(await chats(n8n.run(test))).toEqual([1]);
		expect(await chats(n8n.run(test))).toEqual([1]);
		expect(await chats(n8n.run({ items: [chatCreated(1)] }))).toEqual([1]);
		expect(await chats(n8n.run({ items: [chatCreated(1)] }))).toBeUndefined();
	});

	it('with Ignore Duplicates off every delivery runs', async () => {
		const worker = new N8nProcess();
		const off = { options: { ignoreDuplicates: false } };
		expect(await chats(worker.run({ items: [chatCreated(1)], parameters: off }))).toEqual([1]);
		expect(await chats(worker.run({ items: [chatCreated(1)], parameters: off }))).toEqual([1]);
		expect(store.recorded('trigger-workflow', 'trigger-node')).toEqual([]);
		// The same workflow with the option on (the default) does drop a repeat.
		await chats(worker.run({ items: [chatCreated(1)] }));
		expect(await chats(worker.run({ items: [chatCreated(1)] }))).toBeUndefined();
	});

	it('a failure after the keys were written is not repeated (a repeat would find them and drop the event)', async () => {
		const worker = new N8nProcess();
		store.failureAfterWrite = new Error('Connection terminated unexpectedly');
		expect(await chats(worker.run({ items: [chatCreated(1)] }))).toEqual([1]);
		expect(store.calls).toBe(1);
		expect(warn).toHaveBeenCalledWith(expect.stringMatching(/could not check/));
	});

	it('a retry of a failed execution (mode retry) is not stopped by the record of its first run', async () => {
		const worker = new N8nProcess();
		expect(await chats(worker.run({ items: [chatCreated(1)] }))).toEqual([1]);
		expect(await chats(worker.run({ items: [chatCreated(1)], mode: 'retry' }))).toEqual([1]);
	});

	it('when the database fails the event still runs, with a warning', async () => {
		store.failure = new Error('Connection terminated unexpectedly');
		const worker = new N8nProcess();
		expect(await chats(worker.run({ items: [chatCreated(1)] }))).toEqual([1]);
		expect(warn).toHaveBeenCalledWith(
			expect.stringMatching(
				/^Yandex Market Trigger "Yandex Market Trigger": could not check .*Connection terminated unexpectedly/,
			),
		);
		// The process still remembers it ran the event.
		expect(await chats(worker.run({ items: [chatCreated(1)] }))).toBeUndefined();
	});
});
