import { FIXTURE_FACTS } from '../simulator/fixtures';
import { byId, run, useSimulator } from './setup';

const { sim } = useSimulator();
const business = byId(FIXTURE_FACTS.businesses.demo);

/** Each case must fail with a message naming the field and the limit, before any request. */
async function expectRefused(
	parameters: Record<string, unknown>,
	input: unknown[] | undefined,
	message: RegExp,
) {
	const result = await run(sim(), parameters as never, input ? { input: input as never } : {});
	expect(result.error?.message).toMatch(message);
	expect(sim().requests).toEqual([]);
}

describe('bad input is refused before any request', () => {
	const send = { resource: 'message', operation: 'send', businessId: business, chatId: byId(102) };
	const sendFile = {
		resource: 'message',
		operation: 'sendFile',
		businessId: business,
		chatId: byId(102),
		binaryPropertyName: 'data',
	};

	it('empty text', async () => {
		await expectRefused(
			{ ...send, text: '={{ $json.text }}' },
			[{ json: { text: '' } }],
			/Message text is empty; Yandex Market accepts 1–4096/,
		);
	});

	// Counted as Market counts (code points), so an emoji is one character, not two.
	it.each([
		['4,097 letters', 'x'.repeat(4097)],
		['4,097 emoji', '😀'.repeat(4097)],
		['4,096 CJK Extension B ideographs and an emoji', '𠜎'.repeat(4096) + '😀'],
		['4,096 letters and a musical symbol', 'я'.repeat(4096) + '𝄞'],
	])('%s', async (_what, text) => {
		await expectRefused(
			{ ...send, text },
			undefined,
			/^Message text is 4 097 characters; Yandex Market accepts 1–4096$/,
		);
	});

	it('a file of 5,242,881 bytes', async () => {
		await expectRefused(
			sendFile,
			[
				{
					binary: {
						data: {
							data: Buffer.alloc(5_242_881),
							fileName: 'big.zip',
							mimeType: 'application/zip',
						},
					},
				},
			],
			/File "big.zip" is 5 242 881 bytes; Yandex Market accepts files up to 5 MB/,
		);
	});

	it('a missing binary property', async () => {
		await expectRefused(
			{ ...sendFile, binaryPropertyName: 'attachment' },
			[{ binary: { data: { data: Buffer.from('x'), fileName: 'a.txt' } } }],
			/no binary field "attachment"/,
		);
	});

	it('chatId 0', async () => {
		await expectRefused(
			{ ...send, chatId: byId('={{ 0 }}'), text: 'hi' },
			undefined,
			/Chat ID \(chatId\) must be a whole number of 1 or more; got 0/,
		);
	});

	it('chatId "abc"', async () => {
		await expectRefused(
			{ ...send, chatId: byId('={{ "abc" }}'), text: 'hi' },
			undefined,
			/Chat ID \(chatId\) must be a whole number of 1 or more; got "abc"/,
		);
	});

	it('an empty chat ID', async () => {
		await expectRefused(
			{ ...send, chatId: byId('={{ $json.nothing }}'), text: 'hi' },
			undefined,
			/Chat ID \(chatId\) is empty/,
		);
	});

	it('a business ID that is not a number', async () => {
		await expectRefused(
			{ ...send, businessId: byId('={{ "my shop" }}'), text: 'hi' },
			undefined,
			/Business ID \(businessId\) must be a whole number/,
		);
	});

	it('an order ID that is not a number', async () => {
		await expectRefused(
			{
				resource: 'chat',
				operation: 'create',
				businessId: business,
				contextType: 'ORDER',
				contextId: 'A-17',
			},
			undefined,
			/Order ID \(contextId\) must be a whole number of 1 or more; got "A-17"/,
		);
	});

	it('a message ID that is not a number', async () => {
		await expectRefused(
			{
				resource: 'message',
				operation: 'get',
				businessId: business,
				chatId: byId(101),
				messageId: '1.5',
			},
			undefined,
			/Message ID \(messageId\) must be a whole number/,
		);
	});
});

describe('what n8n itself refuses before the node runs', () => {
	it("an empty text typed into the node gets the node's own message with the limits", async () => {
		const result = await run(sim(), {
			resource: 'message',
			operation: 'send',
			businessId: business,
			chatId: byId(102),
			text: '',
		});
		expect(result.error?.message).toMatch(/Message text is empty; Yandex Market accepts 1–4096/);
		expect(sim().requests).toEqual([]);
	});

	it('a chat ID typed "By ID" that is not a number names the field', async () => {
		const result = await run(sim(), {
			resource: 'message',
			operation: 'send',
			businessId: business,
			chatId: byId('abc'),
			text: 'hi',
		}).catch((error: Error) => ({ error, items: [] }));
		expect(result.error?.message).toMatch(/Chat ID \(chatId\) must be a whole number of 1 or more/);
		expect(sim().requests).toEqual([]);
	});
});
