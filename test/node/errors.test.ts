import { FIXTURE_FACTS } from '../simulator/fixtures';
import { runNode } from '../support/engine';
import { byId, chatRequests, credentialsFor, run, SIM_KEYS, useSimulator } from './setup';

const { sim } = useSimulator();
const business = byId(FIXTURE_FACTS.businesses.demo);
const send = {
	resource: 'message',
	operation: 'send',
	businessId: business,
	chatId: byId(102),
	text: 'hi',
};

describe('Market errors reach the user as readable n8n errors', () => {
	it('a wrong API key: 401, with what to fix, and the key appears nowhere', async () => {
		const badKey = 'ACMA:wrong-key-that-must-not-leak';
		const result = await runNode({ credentials: credentialsFor(sim(), badKey), parameters: send });

		expect(result.error?.message).toMatch(/Yandex Market answered 401 — UNAUTHORIZED/);
		expect(result.error?.message).toMatch(/check the API key/);
		expect(result.error?.httpCode).toBe('401');
		expect(JSON.stringify(result.run)).not.toContain(badKey);
	});

	it('a read-only key on Send: 403, naming the communication scope', async () => {
		const result = await runNode({
			credentials: credentialsFor(sim(), SIM_KEYS.readOnly),
			parameters: send,
		});
		expect(result.error?.message).toMatch(/403 — FORBIDDEN/);
		expect(result.error?.message).toMatch(/communication scope/);
		expect(JSON.stringify(result.run)).not.toContain(SIM_KEYS.readOnly);
	});

	it("an unknown chat: 404 with Market's code and message", async () => {
		const result = await run(sim(), { ...send, chatId: byId(FIXTURE_FACTS.unknownChatId) });
		expect(result.error?.message).toMatch(/Yandex Market answered 404 — \w+/);
		expect(result.error?.httpCode).toBe('404');
	});

	it('an hourly quota spent for longer than the wait ceiling: 420 naming the method, its limit and the reset; nothing sent', async () => {
		sim().setQuota('sendMessageToChat', 0);
		// A ceiling of 0: near the top of the hour the spent window ends within a minute, and
		// the default ceiling would rightly wait for it.
		const result = await run(sim(), { ...send, maxRateLimitWait: 0 });
		expect(result.error?.message).toMatch(
			/hourly limit for sendMessageToChat \(1,000 requests per hour for business \d+\) is used up until \w{3}, \d{2} \w{3} \d{4} [\d:]+ GMT; nothing was sent/,
		);
		expect(result.error?.httpCode).toBe('420');
		expect(sim().state.sentMessages).toHaveLength(0);
	});

	it('an unreachable Market: names the address, not the key', async () => {
		const result = await runNode({
			credentials: { apiKey: SIM_KEYS.communication, baseUrl: 'http://127.0.0.1:9' },
			parameters: send,
		});
		expect(result.error?.message).toMatch(
			/Could not reach Yandex Market at http:\/\/127\.0\.0\.1:9/,
		);
		expect(JSON.stringify(result.run)).not.toContain(SIM_KEYS.communication);
	});
});

describe('Continue On Fail', () => {
	it('pairs each failed item with its input and lets the others through', async () => {
		const result = await run(
			sim(),
			{ ...send, chatId: byId('={{ $json.chatId }}'), text: '={{ $json.text }}' },
			{
				onError: 'continueRegularOutput',
				input: [
					{ json: { chatId: 102, text: 'one' } },
					{ json: { chatId: 102, text: '' } },
					{ json: { chatId: FIXTURE_FACTS.unknownChatId, text: 'three' } },
					{ json: { chatId: 103, text: 'four' } },
				],
			},
		);

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(4);
		expect(result.items.map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(result.items[0].json).toEqual(expect.objectContaining({ status: 'OK', text: 'one' }));
		expect(result.items[1].json.error).toMatch(/Message text is empty/);
		expect(result.items[2].json.error).toMatch(/404/);
		expect(result.items[3].json).toEqual(expect.objectContaining({ status: 'OK', chatId: 103 }));
		expect(
			chatRequests(sim(), 'sendMessageToChat').map((r) => (r.json as { message: string }).message),
		).toEqual(expect.arrayContaining(['one', 'four']));
	});

	it('a list operation that fails for one item gives one error item for it', async () => {
		const result = await run(
			sim(),
			{
				resource: 'chat',
				operation: 'getHistory',
				businessId: business,
				chatId: byId('={{ $json.chatId }}'),
				limit: 2,
			},
			{
				onError: 'continueRegularOutput',
				input: [{ json: { chatId: 102 } }, { json: { chatId: 'x' } }],
			},
		);
		const errors = result.items.filter((i) => i.json.error);
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 1 });
		expect(result.items.filter((i) => !i.json.error).every((i) => i.json.chatId === 102)).toBe(
			true,
		);
	});
});

describe('Retry On Fail', () => {
	it('does not send again the messages that already went out when n8n retries the node', async () => {
		const { runNode } = await import('../support/engine');
		const result = await runNode({
			credentials: credentialsFor(sim()),
			parameters: { ...send, chatId: byId('={{ $json.chatId }}'), text: '={{ $json.text }}' },
			input: [
				{ json: { chatId: 102, text: 'delivered once' } },
				{ json: { chatId: FIXTURE_FACTS.unknownChatId, text: 'fails every time' } },
			],
			retry: { maxTries: 3, waitBetweenTries: 0 },
		});

		expect(result.error?.message).toMatch(/404/);
		const sent = chatRequests(sim(), 'sendMessageToChat').map(
			(r) => (r.json as { message: string }).message,
		);
		expect(sent.filter((t) => t === 'delivered once')).toHaveLength(1);
		expect(sent.filter((t) => t === 'fails every time')).toHaveLength(3);
	});

	it('does not send again a message whose outcome was unknown (500), however often n8n retries', async () => {
		const { runNode } = await import('../support/engine');
		sim().failNext('sendMessageToChat', 500);
		const result = await runNode({
			credentials: credentialsFor(sim()),
			parameters: send,
			retry: { maxTries: 3, waitBetweenTries: 0 },
		});
		expect(result.error?.message).toMatch(
			/did not confirm sendMessageToChat .*may have been delivered, so it was not sent again/,
		);
		expect(result.error?.description).toMatch(/Get History/);
		expect(chatRequests(sim(), 'sendMessageToChat')).toHaveLength(1);
	});
});
