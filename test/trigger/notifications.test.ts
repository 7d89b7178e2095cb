import {
	DEFAULT_EVENTS,
	EVENT_TYPES,
	NOTIFICATION_SPECS,
	eventKey,
	parseNotification,
	type EventType,
} from '../../nodes/YandexMarket/trigger/notifications';
import { dtoErrors, dtoFields, sampleNotifications, specAvailable, specTypes } from './spec';

const samples = sampleNotifications();
const describeSpec = specAvailable() ? describe : describe.skip;
if (!specAvailable()) console.warn('notification spec not found: spec comparisons skipped');

describeSpec('the node knows the notification spec', () => {
	it('has every notification type of NotificationType (PING answered by itself)', () => {
		expect([...EVENT_TYPES, 'PING'].sort()).toEqual([...specTypes()].sort());
	});

	it.each(EVENT_TYPES)('%s: the same fields as the DTO, all required', (type) => {
		const { properties, required } = dtoFields(type);
		const fields = Object.keys(NOTIFICATION_SPECS[type].fields);
		expect(fields.sort()).toEqual(properties.filter((p) => p !== 'notificationType').sort());
		expect(fields.sort()).toEqual(required.filter((p) => p !== 'notificationType').sort());
	});

	it.each(Object.keys(samples))('the test payload of %s is valid by the spec', (type) => {
		expect(dtoErrors(type, samples[type])).toEqual([]);
	});
});

describe('parseNotification', () => {
	it.each(Object.keys(samples))('accepts %s', (type) => {
		const parsed = parseNotification(samples[type]);
		expect(parsed).toEqual({ ok: true, type, notification: samples[type] });
	});

	it('accepts fields the spec does not know (Market may add some)', () => {
		const body = { ...samples.CHAT_CREATED, somethingNew: { a: 1 } };
		expect(parseNotification(body).ok).toBe(true);
	});

	it('accepts a PING without time, and other values of open enums', () => {
		expect(parseNotification({ notificationType: 'PING' }).ok).toBe(true);
		expect(
			parseNotification({ ...samples.ORDER_STATUS_UPDATED, substatus: 'SOMETHING_NEW' }).ok,
		).toBe(true);
	});

	it.each([
		['a string', 'text'],
		['an array', []],
		['null', null],
		['a number', 42],
		['nothing', undefined],
	])('refuses %s as the body', (_what, body) => {
		const parsed = parseNotification(body);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.message).toMatch(/JSON object/);
	});

	it('refuses a missing or unknown notificationType', () => {
		expect(parseNotification({})).toEqual({ ok: false, message: 'notificationType is required' });
		const unknown = parseNotification({ notificationType: 'CHAT_DELETED', chatId: 1 });
		expect(unknown.ok).toBe(false);
		if (!unknown.ok) expect(unknown.message).toContain('"CHAT_DELETED" is not a notification type');
	});

	// Each required field of each type, left out: 400 naming the field.
	const cases: Array<[EventType, string]> = EVENT_TYPES.flatMap((type) =>
		Object.keys(NOTIFICATION_SPECS[type].fields).map(
			(field) => [type, field] as [EventType, string],
		),
	);
	it.each(cases)('%s without %s is refused', (type, field) => {
		const body = { ...samples[type] };
		delete body[field];
		const parsed = parseNotification(body);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.message).toBe(`${type}: ${field} is required`);
		if (specAvailable()) expect(dtoErrors(type, body).length).toBeGreaterThan(0);
	});

	it.each([
		['CHAT_MESSAGE_SENT', { chatId: '101' }, 'chatId must be an integer'],
		['CHAT_MESSAGE_SENT', { chatId: 1.5 }, 'chatId must be an integer'],
		['CHAT_MESSAGE_SENT', { businessId: 0 }, 'businessId must be an integer of 1 or more'],
		['CHAT_MESSAGE_SENT', { messageId: { id: 1 } }, 'messageId must be a message ID'],
		['CHAT_MESSAGE_SENT', { sentAt: 'yesterday' }, 'sentAt must be a date and time'],
		['CHAT_MESSAGE_SENT', { sentAt: '2025-01-01' }, 'sentAt must be a date and time'],
		['CHAT_MESSAGE_SENT', { sentAt: '2025-01-01T10:00:00' }, 'sentAt must be a date and time'],
		['ORDER_CREATED', { items: 'SKU-1' }, 'items must be an array'],
		['ORDER_CREATED', { items: [{ offerId: 'SKU-1' }] }, 'items[0].count must be an integer'],
		['ORDER_CREATED', { items: [{ offerId: '', count: 1 }] }, 'items[0].offerId must be your SKU'],
		['ORDER_CREATED', { campaignId: -3 }, 'campaignId must be an integer of 1 or more'],
		[
			'ORDER_UPDATED',
			{ updateType: 'PRICE_UPDATED' },
			'updateType must be one of SHIPMENT_DATE_UPDATED',
		],
		[
			'ORDER_RETURN_CREATED',
			{ returnType: 'REFUND' },
			'returnType must be one of UNREDEEMED, RETURN',
		],
		['ORDER_RETURN_STATUS_UPDATED', { statuses: [] }, 'statuses must be an object'],
		[
			'ORDER_RETURN_STATUS_UPDATED',
			{ statuses: { refundStatus: 'DONE' } },
			'statuses.refundStatus must be one of',
		],
		['ORDER_STATUS_UPDATED', { status: 5 }, 'status must be a string'],
	] as Array<[EventType, Record<string, unknown>, string]>)(
		'%s with %j is refused',
		(type, change, message) => {
			const body = { ...samples[type], ...change };
			const parsed = parseNotification(body);
			expect(parsed.ok).toBe(false);
			if (!parsed.ok) expect(parsed.message).toContain(message);
			if (specAvailable()) expect(dtoErrors(type, body).length).toBeGreaterThan(0);
		},
	);

	it('is stricter than the spec where a value could not be used: an empty messageId', () => {
		const parsed = parseNotification({ ...samples.CHAT_MESSAGE_SENT, messageId: ' ' });
		expect(parsed.ok).toBe(false);
		// …while a numeric messageId (the spec says string) is let through rather than lose a message.
		expect(parseNotification({ ...samples.CHAT_MESSAGE_SENT, messageId: 101120 }).ok).toBe(true);
	});

	it('names every problem at once', () => {
		const parsed = parseNotification({ notificationType: 'CHAT_CREATED', chatId: 'x' });
		expect(parsed).toEqual({
			ok: false,
			message:
				'CHAT_CREATED: chatId must be an integer; got "x"; businessId is required; createdAt is required',
		});
	});
});

describe('event keys', () => {
	it('identify a message by business, chat and message', () => {
		expect(eventKey('CHAT_MESSAGE_SENT', samples.CHAT_MESSAGE_SENT)).toBe(
			'CHAT_MESSAGE_SENT|1001|101|101120',
		);
	});

	it('are the same for a redelivery, whatever the time zone of its times', () => {
		const a = { ...samples.CHAT_ARBITRAGE_STARTED, startedAt: '2025-01-01T10:00:00Z' };
		const b = { ...samples.CHAT_ARBITRAGE_STARTED, startedAt: '2025-01-01T13:00:00+03:00' };
		expect(eventKey('CHAT_ARBITRAGE_STARTED', a)).toBe(eventKey('CHAT_ARBITRAGE_STARTED', b));
	});

	it('differ between events', () => {
		const keys = new Set(EVENT_TYPES.map((type) => eventKey(type, samples[type])));
		expect(keys.size).toBe(EVENT_TYPES.length);
		const other = { ...samples.CHAT_MESSAGE_SENT, messageId: '101121' };
		expect(eventKey('CHAT_MESSAGE_SENT', other)).not.toBe(
			eventKey('CHAT_MESSAGE_SENT', samples.CHAT_MESSAGE_SENT),
		);
		// A status change with a new substatus is a new event (courier search sends several).
		const next = { ...samples.ORDER_STATUS_UPDATED, substatus: 'READY_TO_SHIP' };
		expect(eventKey('ORDER_STATUS_UPDATED', next)).not.toBe(
			eventKey('ORDER_STATUS_UPDATED', samples.ORDER_STATUS_UPDATED),
		);
	});

	it('use only fields of the type', () => {
		for (const type of EVENT_TYPES) {
			const spec = NOTIFICATION_SPECS[type];
			for (const field of spec.identity) expect(Object.keys(spec.fields)).toContain(field);
		}
	});
});

describe('event list', () => {
	it('defaults to new chats and messages, both of them event types of the spec', () => {
		expect(DEFAULT_EVENTS).toEqual(['CHAT_CREATED', 'CHAT_MESSAGE_SENT']);
		expect(DEFAULT_EVENTS.every((t) => EVENT_TYPES.includes(t))).toBe(true);
	});
});
