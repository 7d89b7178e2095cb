/**
 * Market's notifications, as the notification spec (notification-api/openapi) describes
 * them: every type, its fields, and the fields that identify one event (for duplicate
 * detection). test/trigger/notifications.test.ts checks this table against the spec files.
 *
 * The spec is what Market promises, not all it sends, so a notification is refused only
 * when it cannot be processed: not a JSON object, no type, or without an ID that
 * identifies the event. Everything else is taken as it came: extra fields, another date
 * form, a missing date, a new value of a status, a type added after this release.
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';
import { idOf } from '../shared/validate';

/**
 * What a field is, and so what the trigger needs of it:
 * - `id`: BusinessId, CampaignId (int64 ≥ 1);
 * - `int64`: the other IDs (chat, message's chat, order, return, review, question…);
 * - `messageId`: a string by the spec; an integer is taken too;
 * - `dateTime`: ISO 8601; compared as an instant when it identifies the event;
 * - `returnStatuses`: NotificationUpdatedReturnStatusesDTO (identifies a return's update);
 * - `value`: anything else (items, statuses, enums): kept as sent, never checked.
 * An ID that identifies the event must be there and be an ID; every other field may be
 * absent or differ from the spec.
 */
export type FieldKind = 'id' | 'int64' | 'messageId' | 'dateTime' | 'returnStatuses' | 'value';

export interface NotificationSpec {
	/** Shown in the node's Events list. */
	label: string;
	description: string;
	/** Every property of the DTO besides notificationType (the spec requires them all). */
	fields: Readonly<Record<string, FieldKind>>;
	/** The fields that together identify one event: the same values = the same event. */
	identity: readonly string[];
}

export const NOTIFICATION_SPECS = {
	CHAT_CREATED: {
		label: 'Chat Created',
		description: 'A buyer started a new chat (output has the chat: what it is about and the buyer)',
		fields: { chatId: 'int64', businessId: 'id', createdAt: 'dateTime' },
		identity: ['businessId', 'chatId'],
	},
	CHAT_MESSAGE_SENT: {
		label: 'Chat Message Sent',
		description:
			'A new message in a chat (output has the message: text, sender, files). Only senders chosen in Senders start the workflow.',
		fields: { chatId: 'int64', messageId: 'messageId', businessId: 'id', sentAt: 'dateTime' },
		identity: ['businessId', 'chatId', 'messageId'],
	},
	CHAT_ARBITRAGE_STARTED: {
		label: 'Chat Arbitrage Started',
		description: 'A dispute started in a chat',
		fields: { chatId: 'int64', businessId: 'id', startedAt: 'dateTime' },
		identity: ['businessId', 'chatId', 'startedAt'],
	},
	CHAT_ARBITRAGE_FINISHED: {
		label: 'Chat Arbitrage Finished',
		description: 'A dispute in a chat ended',
		fields: { chatId: 'int64', businessId: 'id', finishedAt: 'dateTime' },
		identity: ['businessId', 'chatId', 'finishedAt'],
	},
	ORDER_CREATED: {
		label: 'Order Created',
		description: 'A new order',
		fields: { orderId: 'int64', campaignId: 'id', items: 'value', createdAt: 'dateTime' },
		identity: ['campaignId', 'orderId'],
	},
	ORDER_UPDATED: {
		label: 'Order Updated',
		description: 'The shipment or delivery date of an order changed',
		fields: {
			orderId: 'int64',
			campaignId: 'id',
			updateType: 'value',
			updatedAt: 'dateTime',
		},
		identity: ['campaignId', 'orderId', 'updateType', 'updatedAt'],
	},
	ORDER_STATUS_UPDATED: {
		label: 'Order Status Updated',
		description: 'The status of an order changed',
		fields: {
			orderId: 'int64',
			campaignId: 'id',
			status: 'value',
			substatus: 'value',
			updatedAt: 'dateTime',
		},
		identity: ['campaignId', 'orderId', 'status', 'substatus', 'updatedAt'],
	},
	ORDER_CANCELLED: {
		label: 'Order Cancelled',
		description: 'An order was cancelled',
		fields: { orderId: 'int64', campaignId: 'id', items: 'value', cancelledAt: 'dateTime' },
		identity: ['campaignId', 'orderId'],
	},
	ORDER_CANCELLATION_REQUEST: {
		label: 'Order Cancellation Requested',
		description: 'A buyer asked to cancel an order (DBS stores)',
		fields: { orderId: 'int64', campaignId: 'id', requestedAt: 'dateTime' },
		identity: ['campaignId', 'orderId', 'requestedAt'],
	},
	ORDER_RETURN_CREATED: {
		label: 'Return Created',
		description: 'A new return or non-purchase',
		fields: {
			orderId: 'int64',
			returnId: 'int64',
			returnType: 'value',
			campaignId: 'id',
			items: 'value',
			createdAt: 'dateTime',
		},
		identity: ['campaignId', 'orderId', 'returnId'],
	},
	ORDER_RETURN_STATUS_UPDATED: {
		label: 'Return Status Updated',
		description: 'The status of a return or non-purchase changed',
		fields: {
			orderId: 'int64',
			returnId: 'int64',
			campaignId: 'id',
			statuses: 'returnStatuses',
			updatedAt: 'dateTime',
		},
		identity: ['campaignId', 'orderId', 'returnId', 'statuses', 'updatedAt'],
	},
	GOODS_FEEDBACK_CREATED: {
		label: 'Review Created',
		description:
			'A new product review was published (output has the review: rating, texts, product, order, photos)',
		fields: {
			feedbackId: 'int64',
			businessId: 'id',
			createdAt: 'dateTime',
			publishedAt: 'dateTime',
		},
		identity: ['businessId', 'feedbackId'],
	},
	GOODS_FEEDBACK_COMMENT_CREATED: {
		label: 'Review Comment Created',
		description:
			'A new comment on a product review (output has the comment and its review). Only authors chosen in Authors start the workflow.',
		fields: { commentId: 'int64', businessId: 'id', createdAt: 'dateTime' },
		identity: ['businessId', 'commentId'],
	},
	QUESTION_CREATED: {
		label: 'Question Created',
		description:
			'A new question about a product (output has the question). Only authors chosen in Authors start the workflow.',
		fields: { questionId: 'int64', businessId: 'id', createdAt: 'dateTime' },
		identity: ['businessId', 'questionId'],
	},
	QUESTION_ANSWER_CREATED: {
		label: 'Question Answer Created',
		description:
			'A new answer to a question (output has the answer and its question). Only authors chosen in Authors start the workflow.',
		fields: { answerId: 'int64', businessId: 'id', createdAt: 'dateTime' },
		identity: ['businessId', 'answerId'],
	},
	QUESTION_COMMENT_CREATED: {
		label: 'Question Comment Created',
		description:
			'A new comment on an answer to a question (output has the comment, its answer and question). Only authors chosen in Authors start the workflow.',
		fields: { answerId: 'int64', commentId: 'int64', businessId: 'id', createdAt: 'dateTime' },
		identity: ['businessId', 'answerId', 'commentId'],
	},
} as const satisfies Record<string, NotificationSpec>;

export type EventType = keyof typeof NOTIFICATION_SPECS;

export const EVENT_TYPES = Object.keys(NOTIFICATION_SPECS) as EventType[];
export const DEFAULT_EVENTS: EventType[] = ['CHAT_CREATED', 'CHAT_MESSAGE_SENT'];
/** The Events choice that takes every notification, also of types this release does not know. */
export const ALL_EVENTS = '*';

/**
 * Names that other senders use for a type (a Market↔CRM bridge that runs against the real
 * API accepts NEW_MESSAGE for a new chat message).
 */
const TYPE_ALIASES: Readonly<Record<string, EventType>> = { NEW_MESSAGE: 'CHAT_MESSAGE_SENT' };

/** A type name as Market writes them (UPPER_SNAKE_CASE); any case is taken. */
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

export function isEventType(value: unknown): value is EventType {
	return (
		typeof value === 'string' && Object.prototype.hasOwnProperty.call(NOTIFICATION_SPECS, value)
	);
}

export function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type ParsedNotification =
	| { ok: true; kind: 'ping'; notification: IDataObject }
	| {
			ok: true;
			kind: 'event';
			type: EventType;
			/** The body as Market sent it. */
			notification: IDataObject;
			/**
			 * The body with the type's own name in notificationType and its IDs where the trigger
			 * reads them (a message ID sent inside `message`, IDs sent as text made numbers).
			 */
			fields: IDataObject;
			/** Fields of the type's DTO that the notification does not carry (businessId aside). */
			absent: string[];
	  }
	/** A type this release does not know: kept as it came. */
	| { ok: true; kind: 'unknown'; type: string; notification: IDataObject }
	| { ok: false; message: string };

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
	if (typeof value === 'object') return 'an object';
	return String(value);
}

const absentValue = (value: unknown) => value === undefined || value === null;

/** An integer, or a string of digits that is one (IDs sent as text); undefined otherwise. */
function integerOf(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
	if (typeof value !== 'string' || !/^\s*-?\d+\s*$/.test(value)) return undefined;
	const number = Number(value);
	return Number.isSafeInteger(number) ? number : undefined;
}

/** Reads one ID of the event; `problem` says what is wrong with it. */
function readId(
	name: string,
	kind: FieldKind,
	value: unknown,
): { value?: string | number; problem?: string } {
	if (absentValue(value)) return { problem: `${name} is required` };
	if (kind === 'messageId') {
		if (typeof value === 'string' && value.trim() !== '') return { value };
		const number = integerOf(value);
		return number !== undefined && number >= 0
			? { value: number }
			: { problem: `${name} must be a message ID (a string); got ${describe(value)}` };
	}
	if (kind === 'id') {
		const id = idOf(value);
		return id !== undefined
			? { value: id }
			: { problem: `${name} must be a whole number of 1 or more; got ${describe(value)}` };
	}
	const number = integerOf(value);
	return number !== undefined
		? { value: number }
		: { problem: `${name} must be a whole number; got ${describe(value)}` };
}

/** Where the body names its type: notificationType, or `type` when that is absent. */
function typeField(body: IDataObject): 'notificationType' | 'type' {
	return absentValue(body.notificationType) && !absentValue(body.type)
		? 'type'
		: 'notificationType';
}

/** A field's value, also where other senders put it (a message ID inside `message`). */
function valueOf(body: IDataObject, name: string): unknown {
	if (name === 'messageId' && absentValue(body.messageId) && isPlainObject(body.message)) {
		return body.message.messageId ?? body.message.id;
	}
	return body[name];
}

/**
 * Reads a request body: a JSON object with a notification type (notificationType, or
 * `type`). A known type must carry the IDs that identify its event; businessId may be
 * absent (the webhook finds it elsewhere). Fields the spec does not know are kept.
 */
export function parseNotification(body: unknown): ParsedNotification {
	if (!isPlainObject(body)) {
		return {
			ok: false,
			message: `The body must be a JSON object with notificationType; got ${
				typeof body === 'string' ? 'text' : describe(body)
			}`,
		};
	}
	const field = typeField(body);
	const raw = body[field];
	if (absentValue(raw)) return { ok: false, message: 'notificationType is required' };
	if (typeof raw !== 'string' || !TYPE_NAME.test(raw.trim())) {
		return {
			ok: false,
			message: `${field} must be a notification type such as CHAT_MESSAGE_SENT; got ${describe(raw)}`,
		};
	}
	const name = raw.trim().toUpperCase();
	if (name === 'PING') return { ok: true, kind: 'ping', notification: body };
	const type = TYPE_ALIASES[name] ?? name;
	if (!isEventType(type)) return { ok: true, kind: 'unknown', type, notification: body };

	const spec: NotificationSpec = NOTIFICATION_SPECS[type];
	const fields: IDataObject = { ...body, notificationType: type };
	const absent: string[] = [];
	const problems: string[] = [];
	for (const [name, kind] of Object.entries(spec.fields)) {
		const value = valueOf(body, name);
		const needed = spec.identity.includes(name) && ['id', 'int64', 'messageId'].includes(kind);
		// businessId may come from the credential or the node instead (webhook.ts).
		if (needed && !(name === 'businessId' && absentValue(value))) {
			const id = readId(name, kind, value);
			if (id.problem) problems.push(id.problem);
			else fields[name] = id.value;
		}
		// A missing businessId is filled in, and the item says from where (businessIdSource).
		if (absentValue(value) && name !== 'businessId') absent.push(name);
	}
	if (problems.length > 0) return { ok: false, message: `${type}: ${problems.join('; ')}` };
	return { ok: true, kind: 'event', type, notification: body, fields, absent };
}

/** Market's own time zone: a date and time without an offset is Moscow time (UTC+3). */
const MARKET_OFFSET_MINUTES = 180;
/** ISO 8601, extended or basic: a date, optionally a time (T or a space), optionally an offset. */
const ISO_8601 =
	/^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** The instant an ISO 8601 date and time stands for (epoch ms), or undefined when it is not one. */
export function instantOf(value: unknown): number | undefined {
	const match = typeof value === 'string' ? ISO_8601.exec(value.trim()) : null;
	if (!match) return undefined;
	const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
	const parts = [y, mo, d, h, mi, s].map(Number);
	const [, month, day, hour, minute, second] = parts;
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60)
		return undefined;
	let offset = MARKET_OFFSET_MINUTES;
	if (zone && zone.toUpperCase() === 'Z') offset = 0;
	else if (zone) {
		const digits = zone.slice(1).replace(':', '');
		const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
		offset = zone.startsWith('-') ? -minutes : minutes;
	}
	const ms = Math.round(Number(`0.${fraction || '0'}`) * 1000);
	const utc = Date.UTC(parts[0], month - 1, day, hour, minute, second, ms);
	return utc - offset * 60_000;
}

function identityValue(kind: FieldKind | undefined, value: unknown): string {
	if (kind === 'dateTime') {
		const instant = instantOf(value);
		if (instant !== undefined) return String(instant);
	}
	if (kind === 'returnStatuses' && isPlainObject(value)) {
		return `${String(value.refundStatus ?? '')}/${String(value.shipmentStatus ?? '')}`;
	}
	return String(value);
}

/**
 * A stable key for one event: its type and identifying fields (times compared as
 * instants, so `…Z` and `…+03:00` of the same moment are the same event).
 */
export function eventKey(type: EventType, fields: IDataObject): string {
	const spec: NotificationSpec = NOTIFICATION_SPECS[type];
	return [
		type,
		...spec.identity.map((field) => identityValue(spec.fields[field], fields[field])),
	].join('|');
}

/** JSON with the keys of every object in order, so that the same content reads the same. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (isPlainObject(value)) {
		const keys = Object.keys(value).sort();
		return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/**
 * The key of what a notification reports, for duplicate detection: a known event by its
 * identifying fields (with the business the webhook settled on when the notification had
 * none), a type this release does not know by its whole content.
 */
export function notificationKey(
	parsed: Extract<ParsedNotification, { kind: 'event' | 'unknown' }>,
	businessId?: number,
): string {
	if (parsed.kind === 'unknown') {
		const digest = createHash('sha256').update(canonical(parsed.notification)).digest('base64');
		return `${parsed.type}|${digest}`;
	}
	const { fields } = parsed;
	return eventKey(parsed.type, absentValue(fields.businessId) ? { ...fields, businessId } : fields);
}
