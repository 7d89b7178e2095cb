import { FIXTURE_FACTS } from '../simulator/fixtures';
import { byId, chatRequests, run, useSimulator } from './setup';

const { sim } = useSimulator();
const business = byId(FIXTURE_FACTS.businesses.demo);
const chat = byId(102);

describe('Message → Send', () => {
	it('sends the text to the chat and says what was sent where', async () => {
		const text = 'Здравствуйте! Заказ уже в пути.';
		const result = await run(sim(), {
			resource: 'message',
			operation: 'send',
			businessId: business,
			chatId: chat,
			text,
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { status: 'OK', businessId: 1001, chatId: 102, text }, pairedItem: { item: 0 } },
		]);
		const sent = chatRequests(sim(), 'sendMessageToChat');
		expect(sent).toHaveLength(1);
		expect(sent[0].query).toEqual({ chatId: '102' });
		expect(sent[0].json).toEqual({ message: text });
	});

	it('signs every request with the integration header and the key from the credential', async () => {
		await run(sim(), {
			resource: 'message',
			operation: 'send',
			businessId: business,
			chatId: chat,
			text: 'hi',
		});
		const [request] = sim().requests;
		const { version } = require('../../package.json');
		expect(request.headers['x-market-integration']).toBe(`n8n-nodes-yandex-market/${version}`);
		expect(request.headers['api-key']).toBe(
			require('../simulator/fixtures').SIM_KEYS.communication,
		);
	});

	// Market counts code points (JSON Schema's maxLength), not JavaScript's UTF-16 units: 4,096
	// emoji are 8,192 units and still a message Market takes.
	it.each([
		['4,096 Cyrillic letters', 'я'.repeat(4096)],
		['4,096 emoji', '😀'.repeat(4096)],
		['4,096 CJK Extension B ideographs', '𠜎'.repeat(4096)],
		['4,095 letters and a musical symbol', 'я'.repeat(4095) + '𝄞'],
	])('sends %s, the most Market accepts', async (_what, text) => {
		const result = await run(sim(), {
			resource: 'message',
			operation: 'send',
			businessId: business,
			chatId: chat,
			text,
		});
		expect(result.error).toBeUndefined();
		const sent = (chatRequests(sim(), 'sendMessageToChat')[0].json as { message: string }).message;
		expect(sent).toBe(text);
		expect([...sent]).toHaveLength(4096);
		expect(sim().state.sentMessages).toHaveLength(1);
	});

	it('sends several messages to one chat in item order, each once', async () => {
		const texts = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];
		const result = await run(
			sim(),
			{
				resource: 'message',
				operation: 'send',
				businessId: business,
				chatId: chat,
				text: '={{ $json.text }}',
			},
			{ input: texts.map((text) => ({ json: { text } })) },
		);

		expect(result.items.map((i) => i.json.text)).toEqual(texts);
		expect(
			chatRequests(sim(), 'sendMessageToChat').map((r) => (r.json as { message: string }).message),
		).toEqual(texts);
	});

	it('keeps at most 4 requests in flight for one business', async () => {
		const slow = await (await import('../simulator/server')).startSimulator({ latencyMs: 60 });
		try {
			const { runNode } = await import('../support/engine');
			const result = await runNode({
				credentials: {
					apiKey: require('../simulator/fixtures').SIM_KEYS.communication,
					baseUrl: slow.url,
				},
				parameters: {
					resource: 'message',
					operation: 'send',
					businessId: business,
					chatId: byId('={{ $json.chatId }}'),
					text: 'ok',
				},
				input: Array.from({ length: 10 }, (_, i) => ({ json: { chatId: 101 + i } })),
			});
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(10);
			const spans = slow.requests.map((r) => [r.startedAt, r.endedAt]);
			const maxInFlight = Math.max(
				...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length),
			);
			expect(maxInFlight).toBeLessThanOrEqual(4);
			expect(slow.requests.every((r) => r.status === 200)).toBe(true);
		} finally {
			await slow.close();
		}
	});
});

describe('Message → Send File', () => {
	it('sends the binary as multipart field "file" with its name and type, bytes unchanged', async () => {
		const data = Buffer.alloc(300_000);
		for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) % 256;
		const result = await run(
			sim(),
			{
				resource: 'message',
				operation: 'sendFile',
				businessId: business,
				chatId: chat,
				binaryPropertyName: 'invoice',
			},
			{
				input: [
					{
						json: {},
						binary: { invoice: { data, fileName: 'Счёт №1.pdf', mimeType: 'application/pdf' } },
					},
				],
			},
		);

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({
			status: 'OK',
			businessId: 1001,
			chatId: 102,
			fileName: 'Счёт №1.pdf',
			mimeType: 'application/pdf',
			fileSize: 300_000,
		});
		const [request] = chatRequests(sim(), 'sendFileToChat');
		expect(request.multipart).toHaveLength(1);
		const [part] = request.multipart!;
		expect(part.name).toBe('file');
		expect(part.filename).toBe('Счёт №1.pdf');
		expect(part.contentType).toBe('application/pdf');
		expect(Buffer.compare(part.data, data)).toBe(0);
	});

	it('sends a file of exactly 5 MB', async () => {
		const data = Buffer.alloc(5 * 1024 * 1024, 1);
		const result = await run(
			sim(),
			{
				resource: 'message',
				operation: 'sendFile',
				businessId: business,
				chatId: chat,
				binaryPropertyName: 'data',
			},
			{ input: [{ binary: { data: { data, fileName: 'photo.jpg', mimeType: 'image/jpeg' } } }] },
		);
		expect(result.error).toBeUndefined();
		expect(chatRequests(sim(), 'sendFileToChat')[0].multipart![0].data.length).toBe(5_242_880);
	});
});

describe('Message → Get', () => {
	it('returns one message with its chat', async () => {
		const { chatId, lastMessageId } = FIXTURE_FACTS.longChat;
		const result = await run(sim(), {
			resource: 'message',
			operation: 'get',
			businessId: business,
			chatId: byId(chatId),
			messageId: String(lastMessageId),
		});

		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual(
			expect.objectContaining({
				chatId,
				businessId: 1001,
				messageId: lastMessageId,
				sender: expect.any(String),
			}),
		);
		expect(chatRequests(sim(), 'getChatMessage')[0].query).toEqual({
			chatId: String(chatId),
			messageId: String(lastMessageId),
		});
	});
});
