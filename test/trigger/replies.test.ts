import { version } from '../../package.json';
import { errorReply, okReply } from '../../nodes/YandexMarket/trigger/replies';
import { describeWithSpecs, exchange, replyContract, sampleNotifications } from './spec';

const describeSpec = describeWithSpecs("the trigger's replies against the notification spec");

describe('replies to Market', () => {
	it('PING / success: {version, name, time} with the package version and UTC time', () => {
		const at = new Date('2025-03-04T05:06:07.089Z');
		expect(okReply(at)).toEqual({
			version,
			name: 'n8n-nodes-yandex-market',
			time: '2025-03-04T05:06:07.089Z',
		});
		const now = okReply(new Date());
		expect(now.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect(Math.abs(Date.parse(now.time as string) - Date.now())).toBeLessThan(1000);
	});

	it('errors: {error: {type, message}}', () => {
		expect(errorReply('WRONG_EVENT_FORMAT', 'bad')).toEqual({
			error: { type: 'WRONG_EVENT_FORMAT', message: 'bad' },
		});
	});
});

describeSpec('replies match the notification spec (contract checker)', () => {
	const ping = sampleNotifications().PING;

	it('200 SendNotificationResponse', () => {
		expect(replyContract().validateExchange(exchange(ping, 200, okReply(new Date())))).toEqual([]);
	});

	it.each([
		[400, 'WRONG_EVENT_FORMAT'],
		[500, 'UNKNOWN'],
	] as const)('%i SendNotificationErrorResponse (%s)', (status, type) => {
		expect(replyContract().validateResponse(exchange(ping, status, errorReply(type, 'x')))).toEqual(
			[],
		);
	});

	it('the checker does catch a wrong reply', () => {
		expect(
			replyContract().validateResponse(exchange(ping, 200, { message: 'Workflow was started' })),
		).not.toEqual([]);
		expect(
			replyContract().validateResponse(
				exchange(ping, 200, { ...okReply(new Date()), time: 'now' }),
			),
		).not.toEqual([]);
		expect(
			replyContract().validateResponse(exchange(ping, 400, errorReply('NOPE' as never, 'x'))),
		).not.toEqual([]);
	});
});
