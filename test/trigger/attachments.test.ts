/**
 * Download Attachments on both triggers: a buyer's files arrive as binary with the event;
 * a file that cannot be fetched in time keeps its link, and the event still starts the
 * workflow and is answered within Market's 10 s.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { timing } from '../../nodes/YandexMarket/trigger/details';
import { SIM_KEYS, startSimulator, type Simulator } from '../simulator/server';
import { binaryBytes, byId, PollHarness, startEngine } from '../support/engine';
import { TriggerUnderTest } from './webhookHarness';

const BUSINESS = 1001;
let sim: Simulator;
let slow: Simulator;
let counter = 0;

beforeAll(async () => {
	await startEngine(); // n8n's binary data service, which prepareBinaryData writes to
	sim = await startSimulator();
	slow = await startSimulator({ fileLatencyMs: 1500 });
});
afterAll(async () => {
	await sim.close();
	await slow.close();
});
beforeEach(() => {
	sim.reset();
	slow.reset();
	timing.attachmentsBudgetMs = 8000;
});

function trigger(on: Simulator, options: IDataObject) {
	return new TriggerUnderTest({
		workflowId: `wf-files-${++counter}`,
		credentials: { apiKey: SIM_KEYS.communication, baseUrl: on.url },
		parameters: { options: options as INodeParameters },
	});
}

function buyerWrites(on: Simulator, files: { name: string; data: Buffer; contentType?: string }[]) {
	const chatId = on.addChat({ businessId: BUSINESS }).chatId;
	const msg = on.addMessage(chatId, { message: 'Фото повреждения', files });
	const body = {
		notificationType: 'CHAT_MESSAGE_SENT',
		businessId: BUSINESS,
		chatId,
		messageId: String(msg.messageId),
		sentAt: new Date().toISOString(),
	};
	return { msg, body };
}

const jpg = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff));
const pdf = Buffer.from('%PDF-1.4 receipt');

describe('Yandex Market Trigger → Download Attachments', () => {
	it("starts the workflow with the message's files as binary, and answers Market 200", async () => {
		const { msg, body } = buyerWrites(sim, [
			{ name: 'damage.jpg', data: jpg, contentType: 'image/jpeg' },
			{ name: 'receipt.pdf', data: pdf, contentType: 'application/pdf' },
		]);
		const answer = await trigger(sim, { downloadAttachments: true }).post(body);
		expect(answer.status).toBe(200);
		const [item] = answer.result.workflowData![0];
		expect(item.json).toMatchObject({ messageId: msg.messageId, message: 'Фото повреждения' });
		expect(item.json.payload).toEqual([
			{ ...msg.payload![0], binaryProperty: 'attachment_0' },
			{ ...msg.payload![1], binaryProperty: 'attachment_1' },
		]);
		expect((await binaryBytes(item.binary!.attachment_0)).equals(jpg)).toBe(true);
		expect((await binaryBytes(item.binary!.attachment_1)).equals(pdf)).toBe(true);
		expect(item.binary!.attachment_1).toMatchObject({
			fileName: 'receipt.pdf',
			mimeType: 'application/pdf',
		});
	});

	it('keeps the link of a file the server is too slow for, and still answers in time', async () => {
		timing.attachmentsBudgetMs = 600;
		const { msg, body } = buyerWrites(slow, [{ name: 'big.jpg', data: jpg }]);
		const answer = await trigger(slow, { downloadAttachments: true }).post(body);
		expect(answer.status).toBe(200);
		expect(answer.ms).toBeLessThan(1400);
		const [item] = answer.result.workflowData![0];
		expect(item.binary).toBeUndefined();
		expect(item.json.payload).toEqual([
			{ ...msg.payload![0], downloadError: expect.stringMatching(/^Not downloaded: /) },
		]);
	});

	it('downloads nothing with the option off, or with Fetch Details off', async () => {
		for (const options of [{}, { downloadAttachments: true, fetchDetails: false }]) {
			const { body } = buyerWrites(sim, [{ name: 'a.jpg', data: jpg }]);
			const answer = await trigger(sim, options).post(body);
			expect(answer.started).toBe(true);
			expect(answer.result.workflowData![0][0].binary).toBeUndefined();
		}
		expect(sim.state.fileRequests).toEqual([]);
	});

	it('reports an unusable Max Attachment Size on the files, and still starts the workflow', async () => {
		const { body } = buyerWrites(sim, [{ name: 'a.jpg', data: jpg }]);
		const answer = await trigger(sim, {
			downloadAttachments: true,
			maxAttachmentSize: 0,
		}).post(body);
		expect(answer.status).toBe(200);
		expect(answer.items[0].payload).toEqual([
			expect.objectContaining({
				downloadError:
					'Not downloaded: Max Attachment Size (MB) (maxAttachmentSize) must be a number above 0 and at most 100; got 0',
			}),
		]);
		expect(sim.state.fileRequests).toEqual([]);
	});
});

describe('Yandex Market Polling Trigger → Download Attachments', () => {
	it('emits new buyer messages with their files as binary', async () => {
		const poll = await new PollHarness(
			{ businessId: byId(BUSINESS), options: { downloadAttachments: true } },
			{ apiKey: SIM_KEYS.communication, baseUrl: sim.url },
		).start();
		expect(await poll.poll()).toEqual([]);
		await new Promise((r) => setTimeout(r, 2100)); // past the poll's 2 s settling margin
		const { msg } = buyerWrites(sim, [
			{ name: 'damage.jpg', data: jpg, contentType: 'image/jpeg' },
		]);
		await new Promise((r) => setTimeout(r, 1100));
		const items = await poll.pollItems();
		expect(items.map((i) => i.json.messageId)).toEqual([msg.messageId]);
		expect(items[0].json.payload).toEqual([{ ...msg.payload![0], binaryProperty: 'attachment_0' }]);
		expect((await binaryBytes(items[0].binary!.attachment_0)).equals(jpg)).toBe(true);
	});
});
