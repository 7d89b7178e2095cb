import {
	ALL_EVENTS,
	DEFAULT_EVENTS,
	EVENT_TYPES,
	NOTIFICATION_SPECS,
	eventKey,
	instantOf,
	notificationKey,
	parseNotification,
	type EventType,
	type NotificationSpec,
	type ParsedNotification,
} from '../../nodes/YandexMarket/trigger/notifications';
import { dtoErrors, dtoFields, sampleNotifications, specTypes, specsFor } from './spec';

const samples = sampleNotifications();
// Without the specs: a failure under CI, a line in the summary elsewhere (see specsFor).
const withSpec = specsFor("the trigger's notification types and fields against the spec");
const describeSpec = withSpec ? describe : describe.skip;

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

/** The DTO fields of a type that identify its event and are IDs: what a notification needs. */
function neededIds(type: EventType): string[] {
	const spec: NotificationSpec = NOTIFICATION_SPECS[type];
	return spec.identity.filter((f) => ['id', 'int64', 'messageId'].includes(spec.fields[f]));
}

/** What parseNotification gives for a body of a known type taken as it came. */
function takenAsSent(type: EventType, body: Record<string, unknown>, absent: string[] = []) {
	return { ok: true, kind: 'event', type, notification: body, fields: body, absent };
}

describe('parseNotification', () => {
	it.each(EVENT_TYPES)('accepts %s as the spec has it', (type) => {
		expect(parseNotification(samples[type])).toEqual(takenAsSent(type, samples[type]));
	});

	it('answers PING by itself, with or without time, however the type is written', () => {
		for (const body of [
			samples.PING,
			{ notificationType: 'PING' },
			{ notificationType: 'ping' },
			{ type: 'PING' },
		]) {
			expect(parseNotification(body)).toEqual({ ok: true, kind: 'ping', notification: body });
		}
	});

	it('keeps fields the spec does not know (Market may add some)', () => {
		const body = { ...samples.CHAT_CREATED, somethingNew: { a: 1 } };
		const parsed = parseNotification(body);
		expect(parsed).toMatchObject({ ok: true, notification: body, fields: body });
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

	it('refuses a body without a recognisable type, naming notificationType', () => {
		expect(parseNotification({})).toEqual({ ok: false, message: 'notificationType is required' });
		expect(parseNotification({ chatId: 1, businessId: 1001 })).toEqual({
			ok: false,
			message: 'notificationType is required',
		});
		for (const notificationType of [42, '', '  ', 'new message!', { name: 'CHAT_CREATED' }, []]) {
			const parsed = parseNotification({ notificationType, chatId: 1 });
			expect(parsed.ok).toBe(false);
			if (!parsed.ok)
				expect(parsed.message).toMatch(/^notificationType must be a notification type/);
		}
	});

	it('takes a type it does not know as it came (Market adds types)', () => {
		const body = { notificationType: 'CHAT_DELETED', chatId: 1, extra: [1, 2] };
		expect(parseNotification(body)).toEqual({
			ok: true,
			kind: 'unknown',
			type: 'CHAT_DELETED',
			notification: body,
		});
	});

	describe('names other senders use', () => {
		it('`type` for notificationType (notificationType wins when both are there)', () => {
			const { notificationType, ...rest } = samples.CHAT_MESSAGE_SENT;
			const body = { ...rest, type: notificationType };
			expect(parseNotification(body)).toMatchObject({
				ok: true,
				type: 'CHAT_MESSAGE_SENT',
				notification: body,
				fields: { ...body, notificationType: 'CHAT_MESSAGE_SENT' },
			});
			const both = { ...samples.CHAT_CREATED, type: 'CHAT' };
			expect(parseNotification(both)).toMatchObject({ ok: true, type: 'CHAT_CREATED' });
		});

		it('NEW_MESSAGE, and type names in lower case', () => {
			for (const name of ['NEW_MESSAGE', 'chat_message_sent', 'New_Message']) {
				const body = { ...samples.CHAT_MESSAGE_SENT, notificationType: name };
				expect(parseNotification(body)).toMatchObject({
					ok: true,
					kind: 'event',
					type: 'CHAT_MESSAGE_SENT',
					fields: { notificationType: 'CHAT_MESSAGE_SENT' },
					notification: { notificationType: name },
				});
			}
		});

		it.each([
			[{ id: 101120 }, 101120],
			[{ messageId: '101120', text: 'hi' }, '101120'],
		])('a message ID inside `message`: %j', (message, messageId) => {
			const { messageId: _top, ...rest } = samples.CHAT_MESSAGE_SENT;
			const body = { ...rest, message };
			const parsed = parseNotification(body);
			expect(parsed).toMatchObject({ ok: true, notification: body, absent: [] });
			if (parsed.ok && parsed.kind === 'event') expect(parsed.fields.messageId).toBe(messageId);
		});
	});

	// Each ID that identifies an event, left out: 400 naming the field.
	const needed: Array<[EventType, string]> = EVENT_TYPES.flatMap((type) =>
		neededIds(type)
			.filter((field) => field !== 'businessId')
			.map((field) => [type, field] as [EventType, string]),
	);
	it.each(needed)('%s without %s is refused', (type, field) => {
		const body = { ...samples[type] };
		delete body[field];
		const parsed = parseNotification(body);
		expect(parsed).toEqual({ ok: false, message: `${type}: ${field} is required` });
		if (withSpec) expect(dtoErrors(type, body).length).toBeGreaterThan(0);
	});

	it('the IDs needed are the ones the trigger reads or tells events apart by', () => {
		expect(neededIds('CHAT_MESSAGE_SENT')).toEqual(['businessId', 'chatId', 'messageId']);
		expect(neededIds('CHAT_CREATED')).toEqual(['businessId', 'chatId']);
		expect(neededIds('ORDER_STATUS_UPDATED')).toEqual(['campaignId', 'orderId']);
		expect(neededIds('ORDER_RETURN_STATUS_UPDATED')).toEqual(['campaignId', 'orderId', 'returnId']);
	});

	it.each(EVENT_TYPES.filter((type) => neededIds(type).includes('businessId')))(
		'%s without businessId is taken: the webhook finds the business',
		(type) => {
			const { businessId: _b, ...body } = samples[type];
			expect(parseNotification(body)).toEqual(takenAsSent(type, body));
		},
	);

	// Every other field, left out: taken, and the item will say it was absent.
	const optional: Array<[EventType, string]> = EVENT_TYPES.flatMap((type) =>
		Object.keys(NOTIFICATION_SPECS[type].fields)
			.filter((field) => !neededIds(type).includes(field))
			.map((field) => [type, field] as [EventType, string]),
	);
	it.each(optional)('%s without %s is taken, saying it was absent', (type, field) => {
		const body = { ...samples[type] };
		delete body[field];
		const parsed = parseNotification(body);
		expect(parsed).toEqual(takenAsSent(type, body, [field]));
	});

	it.each([
		['CHAT_MESSAGE_SENT', { chatId: 'abc' }, 'chatId must be a whole number; got "abc"'],
		['CHAT_MESSAGE_SENT', { chatId: 1.5 }, 'chatId must be a whole number; got 1.5'],
		[
			'CHAT_MESSAGE_SENT',
			{ businessId: 0 },
			'businessId must be a whole number of 1 or more; got 0',
		],
		[
			'CHAT_MESSAGE_SENT',
			{ messageId: { id: 1 } },
			'messageId must be a message ID (a string); got an object',
		],
		['CHAT_MESSAGE_SENT', { messageId: ' ' }, 'messageId must be a message ID (a string); got " "'],
		['ORDER_CREATED', { campaignId: -3 }, 'campaignId must be a whole number of 1 or more; got -3'],
		['ORDER_CREATED', { orderId: true }, 'orderId must be a whole number; got true'],
	] as Array<[EventType, Record<string, unknown>, string]>)(
		'%s with %j is refused: the ID cannot be used',
		(type, change, message) => {
			const parsed = parseNotification({ ...samples[type], ...change });
			expect(parsed.ok).toBe(false);
			if (!parsed.ok) expect(parsed.message).toBe(`${type}: ${message}`);
		},
	);

	it('reads IDs sent as text as numbers, keeping the body as it came', () => {
		const body = { ...samples.CHAT_MESSAGE_SENT, chatId: '101', businessId: ' 1001 ' };
		const parsed = parseNotification(body);
		expect(parsed).toMatchObject({
			ok: true,
			notification: body,
			fields: { chatId: 101, businessId: 1001, messageId: '101120' },
		});
		// …and a numeric messageId (the spec says string) as it is.
		const numeric = parseNotification({ ...samples.CHAT_MESSAGE_SENT, messageId: 101120 });
		expect(numeric).toMatchObject({ ok: true, fields: { messageId: 101120 } });
	});

	// Fields the trigger does not need, in forms the spec does not promise: kept as sent.
	it.each([
		['CHAT_MESSAGE_SENT', { sentAt: '2025-01-01T13:00:00' }],
		['CHAT_MESSAGE_SENT', { sentAt: '2025-01-01T13:00:00.5+0300' }],
		['CHAT_MESSAGE_SENT', { sentAt: '2025-01-01 13:00:00' }],
		['CHAT_MESSAGE_SENT', { sentAt: '2025-01-01' }],
		['CHAT_MESSAGE_SENT', { sentAt: 'yesterday' }],
		['ORDER_CREATED', { items: 'SKU-1' }],
		['ORDER_CREATED', { items: [{ offerId: '', count: 'two' }] }],
		['ORDER_UPDATED', { updateType: 'PRICE_UPDATED' }],
		['ORDER_RETURN_CREATED', { returnType: 'REFUND' }],
		['ORDER_RETURN_STATUS_UPDATED', { statuses: { refundStatus: 'DONE' } }],
		['ORDER_STATUS_UPDATED', { status: 5, substatus: 'SOMETHING_NEW' }],
	] as Array<[EventType, Record<string, unknown>]>)(
		'%s with %j is taken as sent',
		(type, change) => {
			const body = { ...samples[type], ...change };
			expect(parseNotification(body)).toEqual(takenAsSent(type, body));
		},
	);

	it('names every problem at once', () => {
		const parsed = parseNotification({
			notificationType: 'QUESTION_COMMENT_CREATED',
			answerId: 'x',
		});
		expect(parsed).toEqual({
			ok: false,
			message:
				'QUESTION_COMMENT_CREATED: answerId must be a whole number; got "x"; commentId is required',
		});
	});
});

describe('dates in the forms of ISO 8601', () => {
	const tenUtc = Date.parse('2025-01-01T10:00:00Z');

	it.each([
		'2025-01-01T10:00:00Z',
		'2025-01-01T10:00:00.000Z',
		'2025-01-01T13:00:00+03:00',
		'2025-01-01T13:00:00+0300',
		'2025-01-01T13:00:00+03',
		'2025-01-01T05:00:00-05:00',
		'20250101T100000Z',
		'2025-01-01t10:00z',
	])('%s is 10:00 UTC', (value) => {
		expect(instantOf(value)).toBe(tenUtc);
	});

	it.each(['2025-01-01T13:00:00', '2025-01-01 13:00:00', '2025-01-01T13:00', '20250101T130000'])(
		'%s, without an offset, is Moscow time (UTC+3): 10:00 UTC',
		(value) => {
			expect(instantOf(value)).toBe(tenUtc);
		},
	);

	it("does not depend on the n8n server's time zone", () => {
		const zone = process.env.TZ;
		try {
			process.env.TZ = 'America/New_York';
			expect(instantOf('2025-01-01T13:00:00')).toBe(tenUtc);
		} finally {
			if (zone === undefined) delete process.env.TZ;
			else process.env.TZ = zone;
		}
	});

	it('reads fractions and dates alone', () => {
		expect(instantOf('2025-01-01T10:00:00.213Z')).toBe(tenUtc + 213);
		expect(instantOf('2025-01-01T10:00:00,5Z')).toBe(tenUtc + 500);
		expect(instantOf('2025-01-01')).toBe(Date.parse('2024-12-31T21:00:00Z'));
	});

	it.each(['yesterday', '2025-13-01T00:00:00Z', '2025-01-01T10:61:00Z', '', 1735725600000, null])(
		'%j is not a date',
		(value) => {
			expect(instantOf(value)).toBeUndefined();
		},
	);
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

	it('read a date without an offset as Moscow time, so its redelivery in UTC is the same event', () => {
		const moscow = { ...samples.ORDER_UPDATED, updatedAt: '2025-01-01T13:00:00' };
		const utc = { ...samples.ORDER_UPDATED, updatedAt: '2025-01-01T10:00:00Z' };
		expect(eventKey('ORDER_UPDATED', moscow)).toBe(eventKey('ORDER_UPDATED', utc));
		const later = { ...samples.ORDER_UPDATED, updatedAt: '2025-01-01T14:00:00' };
		expect(eventKey('ORDER_UPDATED', later)).not.toBe(eventKey('ORDER_UPDATED', utc));
	});

	it('keep a date that is not one as its text, and an absent one as absent', () => {
		const odd = { ...samples.ORDER_UPDATED, updatedAt: 'вчера' };
		expect(eventKey('ORDER_UPDATED', odd)).toBe(eventKey('ORDER_UPDATED', { ...odd }));
		expect(eventKey('ORDER_UPDATED', odd)).toContain('|вчера');
		const { updatedAt: _u, ...undated } = samples.ORDER_UPDATED;
		expect(eventKey('ORDER_UPDATED', undated)).toBe(eventKey('ORDER_UPDATED', { ...undated }));
		expect(eventKey('ORDER_UPDATED', undated)).not.toBe(eventKey('ORDER_UPDATED', odd));
	});

	function accepted(body: unknown) {
		const parsed = parseNotification(body);
		if (!parsed.ok || parsed.kind === 'ping')
			throw new Error(`not accepted: ${JSON.stringify(body)}`);
		return parsed as Extract<ParsedNotification, { kind: 'event' | 'unknown' }>;
	}

	it('of a notification without businessId use the business the webhook settled on', () => {
		const { businessId: _b, ...body } = samples.CHAT_MESSAGE_SENT;
		expect(notificationKey(accepted(body), 1001)).toBe(
			notificationKey(accepted(samples.CHAT_MESSAGE_SENT)),
		);
		expect(notificationKey(accepted(body), 1002)).not.toBe(
			notificationKey(accepted(samples.CHAT_MESSAGE_SENT)),
		);
	});

	it('of a message are the same whatever names the sender used', () => {
		const { messageId, notificationType: _t, ...rest } = samples.CHAT_MESSAGE_SENT;
		const aliased = { ...rest, type: 'NEW_MESSAGE', message: { id: Number(messageId) } };
		expect(notificationKey(accepted(aliased))).toBe(
			notificationKey(accepted(samples.CHAT_MESSAGE_SENT)),
		);
	});

	it('of a type this release does not know follow its whole content', () => {
		const body = { notificationType: 'CHAT_DELETED', chatId: 1, at: { a: 1, b: 2 } };
		const reordered = { at: { b: 2, a: 1 }, chatId: 1, notificationType: 'CHAT_DELETED' };
		const key = notificationKey(accepted(body));
		expect(key).toMatch(/^CHAT_DELETED\|/);
		expect(notificationKey(accepted(reordered))).toBe(key);
		expect(notificationKey(accepted({ ...body, chatId: 2 }))).not.toBe(key);
		expect(notificationKey(accepted({ ...body, notificationType: 'CHAT_ARCHIVED' }))).not.toBe(key);
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

	it('has an All Events choice that is no type of the spec', () => {
		expect(ALL_EVENTS).toBe('*');
		expect(EVENT_TYPES).not.toContain(ALL_EVENTS);
		if (withSpec) expect(specTypes()).not.toContain(ALL_EVENTS);
	});
});
