/**
 * Download Attachments on Chat → Get History and Message → Get: a buyer's files come out
 * as binary data with their bytes, names and types; a file that cannot be fetched is said
 * so on its payload entry and the run goes on; no secret goes where it should not.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { startSimulator, SIM_FILE_TOKEN, type Simulator } from '../simulator/server';
import { byId, credentialsFor, run, SIM_KEYS, useSimulator } from './setup';
import { binaryBytes, runNode } from '../support/engine';

const { sim } = useSimulator();
const BUSINESS = 1001;

function photo(size: number, seed: number): Buffer {
	const data = Buffer.alloc(size);
	for (let i = 0; i < size; i++) data[i] = (i * 31 + seed) & 0xff;
	return data;
}

async function bytesOf(item: INodeExecutionData, key: string): Promise<Buffer> {
	return await binaryBytes(item.binary![key]);
}

function newChat(s: Simulator): number {
	return s.addChat({ businessId: BUSINESS, contextType: 'DIRECT' }).chatId;
}

const history = (chatId: number, options: INodeParameters): INodeParameters => ({
	resource: 'chat',
	operation: 'getHistory',
	businessId: byId(BUSINESS),
	chatId: byId(chatId),
	returnAll: true,
	options,
});

describe('Download Attachments', () => {
	it("gives each file of each message as binary with its bytes, name and type, in Get History's order", async () => {
		const s = sim();
		const chatId = newChat(s);
		const jpg = photo(150_000, 1);
		const png = photo(2_000, 2);
		const pdf = photo(40_000, 3);
		s.addMessage(chatId, {
			message: 'Коробка пришла мятая',
			files: [
				{ name: 'box.jpg', data: jpg, contentType: 'image/jpeg' },
				{ name: 'label.png', data: png, contentType: 'image/png' },
			],
		});
		s.addMessage(chatId, { message: 'Вот чек' });
		// A server that says nothing of the type: n8n tells it from the name.
		s.addMessage(chatId, {
			files: [{ name: 'чек 15.03.pdf', data: pdf, contentType: 'application/octet-stream' }],
		});

		const result = await run(s, history(chatId, { downloadAttachments: true }));

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		const [withTwo, textOnly, withPdf] = result.items;
		expect(Object.keys(withTwo.binary ?? {})).toEqual(['attachment_0', 'attachment_1']);
		expect((await bytesOf(withTwo, 'attachment_0')).equals(jpg)).toBe(true);
		expect((await bytesOf(withTwo, 'attachment_1')).equals(png)).toBe(true);
		expect(withTwo.binary!.attachment_0).toMatchObject({
			fileName: 'box.jpg',
			mimeType: 'image/jpeg',
		});
		expect(withTwo.binary!.attachment_1).toMatchObject({
			fileName: 'label.png',
			mimeType: 'image/png',
		});
		expect(withTwo.json.payload).toEqual([
			expect.objectContaining({
				name: 'box.jpg',
				size: jpg.length,
				binaryProperty: 'attachment_0',
			}),
			expect.objectContaining({
				name: 'label.png',
				size: png.length,
				binaryProperty: 'attachment_1',
			}),
		]);
		expect(textOnly.binary).toBeUndefined();
		expect(textOnly.json.message).toBe('Вот чек');
		expect((await bytesOf(withPdf, 'attachment_0')).equals(pdf)).toBe(true);
		expect(withPdf.binary!.attachment_0).toMatchObject({
			fileName: 'чек 15.03.pdf',
			mimeType: 'application/pdf',
		});
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
	});

	it('downloads nothing while the option is off (the default)', async () => {
		const s = sim();
		const chatId = newChat(s);
		const msg = s.addMessage(chatId, { files: [{ name: 'a.jpg', data: photo(10, 1) }] });
		const result = await run(s, history(chatId, {}));
		expect(result.items[0].binary).toBeUndefined();
		expect(result.items[0].json.payload).toEqual(msg.payload);
		expect(s.state.fileRequests).toEqual([]);
	});

	it('Message → Get gives the files of that message', async () => {
		const s = sim();
		const chatId = newChat(s);
		const data = photo(5_000, 9);
		const msg = s.addMessage(chatId, {
			files: [{ name: 'scratch.jpg', data, contentType: 'image/jpeg' }],
		});
		const result = await run(s, {
			resource: 'message',
			operation: 'get',
			businessId: byId(BUSINESS),
			chatId: byId(chatId),
			messageId: String(msg.messageId),
			options: { downloadAttachments: true },
		});
		expect(result.error).toBeUndefined();
		expect((await bytesOf(result.items[0], 'attachment_0')).equals(data)).toBe(true);
		expect(result.items[0].binary!.attachment_0.fileName).toBe('scratch.jpg');
	});

	it('goes on when a file is gone: the others come, the lost one keeps its link and says why', async () => {
		const s = sim();
		const chatId = newChat(s);
		const kept = photo(3_000, 4);
		const msg = s.addMessage(chatId, {
			files: [
				{ name: 'gone.jpg', data: photo(100, 5) },
				{ name: 'kept.jpg', data: kept, contentType: 'image/jpeg' },
			],
		});
		const later = s.addMessage(chatId, { files: [{ name: 'next.png', data: photo(50, 6) }] });
		s.deleteFile(msg.payload![0].url);

		const result = await run(s, history(chatId, { downloadAttachments: true }));

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(2);
		const [first, second] = result.items;
		expect(first.json.payload).toEqual([
			{
				...msg.payload![0],
				downloadError: 'Not downloaded: the link answered 404',
			},
			{ ...msg.payload![1], binaryProperty: 'attachment_1' },
		]);
		expect(Object.keys(first.binary!)).toEqual(['attachment_1']);
		expect((await bytesOf(first, 'attachment_1')).equals(kept)).toBe(true);
		expect(second.json.messageId).toBe(later.messageId);
		expect(Object.keys(second.binary!)).toEqual(['attachment_0']);
	});

	it('does not download a file over Max Attachment Size, and says so', async () => {
		const s = sim();
		const chatId = newChat(s);
		const msg = s.addMessage(chatId, {
			files: [
				{ name: 'video.mp4', data: photo(2 * 1024 * 1024, 7) },
				{ name: 'small.jpg', data: photo(1000, 8) },
			],
		});
		const result = await run(
			s,
			history(chatId, { downloadAttachments: true, maxAttachmentSize: 1 }),
		);
		expect(result.items[0].json.payload).toEqual([
			{
				...msg.payload![0],
				downloadError: 'Not downloaded: the file is 2 MB, over Max Attachment Size (1 MB)',
			},
			{ ...msg.payload![1], binaryProperty: 'attachment_1' },
		]);
		// The size in the payload was enough to know: the big file was never asked for.
		expect(s.state.fileRequests.map((r) => r.fileId)).toEqual([
			msg.payload![1].url.split('/').pop(),
		]);
	});

	it.each([0, -1, 101, 'ten'])(
		'refuses Max Attachment Size %p before anything is sent, naming the field and the limit',
		async (size) => {
			const s = sim();
			const result = await run(
				s,
				history(101, { downloadAttachments: true, maxAttachmentSize: size }),
			);
			expect(result.error?.message).toBe(
				`Max Attachment Size (MB) (maxAttachmentSize) must be a number above 0 and at most 100; got ${JSON.stringify(size)}`,
			);
			expect(s.requests).toEqual([]);
		},
	);

	it('uses the OAuth Token for Files only after a link refused without it', async () => {
		const s = sim();
		const chatId = newChat(s);
		const data = photo(800, 11);
		s.addMessage(chatId, {
			files: [{ name: 'private.jpg', data, contentType: 'image/jpeg', access: 'oauth' }],
		});
		const result = await runNode({
			credentials: credentialsFor(s),
			extraCredentialData: { fileToken: SIM_FILE_TOKEN },
			parameters: history(chatId, { downloadAttachments: true }),
		});
		expect((await bytesOf(result.items[0], 'attachment_0')).equals(data)).toBe(true);
		expect(s.state.fileRequests.map((r) => [r.status, r.headers.authorization])).toEqual([
			[401, undefined],
			[200, `OAuth ${SIM_FILE_TOKEN}`],
		]);
	});

	it('says what to add when a link refuses and no OAuth token is set', async () => {
		const s = sim();
		const chatId = newChat(s);
		s.addMessage(chatId, { files: [{ name: 'private.jpg', access: 'oauth' }] });
		const result = await run(s, history(chatId, { downloadAttachments: true }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].binary).toBeUndefined();
		expect(result.items[0].json.payload).toEqual([
			expect.objectContaining({
				downloadError:
					"Not downloaded: the link refused (401). If buyers' files need it, add an OAuth Token for Files to the Yandex Market API credential",
			}),
		]);
	});

	describe('files on another host than the API', () => {
		let other: Simulator;
		beforeAll(async () => {
			other = await startSimulator({ fileHost: 'localhost' });
		});
		afterAll(async () => other.close());
		beforeEach(() => other.reset());

		it('downloads open links without the Api-Key, and sends the OAuth token to no host but Yandex', async () => {
			const chatId = other.addChat({ businessId: BUSINESS }).chatId;
			const open = photo(1200, 12);
			const msg = other.addMessage(chatId, {
				files: [
					{ name: 'open.jpg', data: open, contentType: 'image/jpeg' },
					{ name: 'private.jpg', access: 'oauth' },
				],
			});
			expect(msg.payload![0].url.startsWith(`http://localhost:${other.port}/`)).toBe(true);

			const result = await runNode({
				credentials: credentialsFor(other),
				extraCredentialData: { fileToken: SIM_FILE_TOKEN },
				parameters: history(chatId, { downloadAttachments: true }),
			});

			expect((await bytesOf(result.items[0], 'attachment_0')).equals(open)).toBe(true);
			expect(result.items[0].json.payload).toEqual([
				expect.objectContaining({ binaryProperty: 'attachment_0' }),
				expect.objectContaining({
					downloadError:
						'Not downloaded: the link refused (401); the OAuth Token for Files is sent only to Yandex hosts, and localhost is not one',
				}),
			]);
			expect(other.state.fileRequests).toHaveLength(2);
			for (const request of other.state.fileRequests) {
				expect(request.headers['api-key']).toBeUndefined();
				expect(request.headers.authorization).toBeUndefined();
			}
			const everything = JSON.stringify(result.items);
			expect(everything).not.toContain(SIM_KEYS.communication);
			expect(everything).not.toContain(SIM_FILE_TOKEN);
		});

		it('a link that wants the Api-Key on another host does not get it', async () => {
			const chatId = other.addChat({ businessId: BUSINESS }).chatId;
			other.addMessage(chatId, { files: [{ name: 'keyed.jpg', access: 'apiKey' }] });
			const result = await run(other, history(chatId, { downloadAttachments: true }));
			expect(result.items[0].json.payload).toEqual([
				expect.objectContaining({ downloadError: expect.stringContaining('refused (401)') }),
			]);
			expect(other.state.fileRequests[0].headers['api-key']).toBeUndefined();
		});
	});

	it('sends the Api-Key to a link on the API host itself, where the key already goes', async () => {
		const s = sim();
		const chatId = newChat(s);
		const data = photo(300, 13);
		s.addMessage(chatId, { files: [{ name: 'keyed.jpg', data, access: 'apiKey' }] });
		const result = await run(s, history(chatId, { downloadAttachments: true }));
		expect((await bytesOf(result.items[0], 'attachment_0')).equals(data)).toBe(true);
		expect(s.state.fileRequests[0].headers['api-key']).toBe(SIM_KEYS.communication);
	});
});
