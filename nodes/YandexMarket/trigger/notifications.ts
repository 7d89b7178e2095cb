/**
 * Market's notifications, as the notification spec (notification-api/openapi) describes
 * them: every type, the fields each one must carry, and the fields that identify one event
 * (for duplicate detection). test/trigger/notifications.test.ts checks this table against
 * the spec files.
 */
import type { IDataObject } from 'n8n-workflow';

/** ReturnType. */
const RETURN_TYPES = ['UNREDEEMED', 'RETURN'] as const;
/** OrderUpdateType. */
const ORDER_UPDATE_TYPES = ['SHIPMENT_DATE_UPDATED', 'DELIVERY_DATE_UPDATED', 'UNKNOWN'] as const;
/** RefundStatusType. */
const REFUND_STATUSES = [
	'STARTED_BY_USER',
	'REFUND_IN_PROGRESS',
	'REFUNDED',
	'FAILED',
	'WAITING_FOR_DECISION',
	'DECISION_MADE',
	'REFUNDED_WITH_BONUSES',
	'REFUNDED_BY_SHOP',
	'CANCELLED',
	'REJECTED',
	'COMPLETE_WITHOUT_REFUND',
	'PREMODERATION_DISPUTE',
	'PREMODERATION_DECISION_WAITING',
	'PREMODERATION_DECISION_MADE',
	'PREMODERATION_SELECT_DELIVERY',
	'UNKNOWN',
] as const;
/** ReturnShipmentStatusType. */
const SHIPMENT_STATUSES = [
	'CREATED',
	'RECEIVED',
	'IN_TRANSIT',
	'READY_FOR_PICKUP',
	'PICKED',
	'LOST',
	'EXPIRED',
	'CANCELLED',
	'FULFILMENT_RECEIVED',
	'PREPARED_FOR_UTILIZATION',
	'NOT_IN_DEMAND',
	'UTILIZED',
	'READY_FOR_EXPROPRIATION',
	'RECEIVED_FOR_EXPROPRIATION',
	'UNKNOWN',
] as const;

/**
 * How a field is checked:
 * - `id`: integer ≥ 1 (BusinessId, CampaignId: int64, minimum 1);
 * - `int64`: any integer;
 * - `messageId`: the spec says string; an integer is accepted too, so that a
 *   representation change on Market's side does not turn real messages into 400s;
 * - `dateTime`: ISO 8601 with a UTC offset;
 * - `openEnum`: a non-empty string (OrderStatusType and OrderSubstatusType say
 *   "other values may be returned too");
 * - an array: one of these values;
 * - `items`: NotificationOrderItemDTO[] / NotificationReturnItemDTO[];
 * - `returnStatuses`: NotificationUpdatedReturnStatusesDTO.
 */
export type FieldRule =
	| 'id'
	| 'int64'
	| 'messageId'
	| 'dateTime'
	| 'openEnum'
	| 'items'
	| 'returnStatuses'
	| readonly string[];

export interface NotificationSpec {
	/** Shown in the node's Events list. */
	label: string;
	description: string;
	/** Every property of the DTO besides notificationType; all of them are required. */
	fields: Readonly<Record<string, FieldRule>>;
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
		fields: { orderId: 'int64', campaignId: 'id', items: 'items', createdAt: 'dateTime' },
		identity: ['campaignId', 'orderId'],
	},
	ORDER_UPDATED: {
		label: 'Order Updated',
		description: 'The shipment or delivery date of an order changed',
		fields: {
			orderId: 'int64',
			campaignId: 'id',
			updateType: ORDER_UPDATE_TYPES,
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
			status: 'openEnum',
			substatus: 'openEnum',
			updatedAt: 'dateTime',
		},
		identity: ['campaignId', 'orderId', 'status', 'substatus', 'updatedAt'],
	},
	ORDER_CANCELLED: {
		label: 'Order Cancelled',
		description: 'An order was cancelled',
		fields: { orderId: 'int64', campaignId: 'id', items: 'items', cancelledAt: 'dateTime' },
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
			returnType: RETURN_TYPES,
			campaignId: 'id',
			items: 'items',
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
		description: 'A new product review was published',
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
		description: 'A new comment on a product review',
		fields: { commentId: 'int64', businessId: 'id', createdAt: 'dateTime' },
		identity: ['businessId', 'commentId'],
	},
	QUESTION_CREATED: {
		label: 'Question Created',
		description: 'A new question about a product',
		fields: { questionId: 'int64', businessId: 'id', createdAt: 'dateTime' },
		identity: ['businessId', 'questionId'],
	},
	QUESTION_ANSWER_CREATED: {
		label: 'Question Answer Created',
		description: 'A new answer to a question',
		fields: { answerId: 'int64', businessId: 'id', createdAt: 'dateTime' },
		identity: ['businessId', 'answerId'],
	},
	QUESTION_COMMENT_CREATED: {
		label: 'Question Comment Created',
		description: 'A new comment on an answer to a question',
		fields: { answerId: 'int64', commentId: 'int64', businessId: 'id', createdAt: 'dateTime' },
		identity: ['businessId', 'answerId', 'commentId'],
	},
} as const satisfies Record<string, NotificationSpec>;

export type EventType = keyof typeof NOTIFICATION_SPECS;
/** NotificationType: every event type plus Market's check, PING. */
export type NotificationType = EventType | 'PING';

export const EVENT_TYPES = Object.keys(NOTIFICATION_SPECS) as EventType[];
export const DEFAULT_EVENTS: EventType[] = ['CHAT_CREATED', 'CHAT_MESSAGE_SENT'];

export function isEventType(value: unknown): value is EventType {
	return (
		typeof value === 'string' && Object.prototype.hasOwnProperty.call(NOTIFICATION_SPECS, value)
	);
}

export type ParsedNotification =
	| { ok: true; type: 'PING'; notification: IDataObject }
	| { ok: true; type: EventType; notification: IDataObject }
	| { ok: false; message: string };

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
/** ShopSku: 1–255 characters, something besides spaces, no control characters except tab. */
const SHOP_SKU = /^(?=.*\S.*)[^\x00-\x08\x0A-\x1f\x7f]{1,255}$/;

export function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value);
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
	if (typeof value === 'object') return 'an object';
	return String(value);
}

/** Checks one field; returns what is wrong with it, or undefined. */
function checkField(name: string, rule: FieldRule, value: unknown): string | undefined {
	if (value === undefined || value === null) return `${name} is required`;
	if (Array.isArray(rule)) {
		return typeof value === 'string' && rule.includes(value)
			? undefined
			: `${name} must be one of ${rule.join(', ')}; got ${describe(value)}`;
	}
	switch (rule) {
		case 'id':
			return isInteger(value) && value >= 1
				? undefined
				: `${name} must be an integer of 1 or more; got ${describe(value)}`;
		case 'int64':
			return isInteger(value) ? undefined : `${name} must be an integer; got ${describe(value)}`;
		case 'messageId':
			return (typeof value === 'string' && value.trim() !== '') || (isInteger(value) && value >= 0)
				? undefined
				: `${name} must be a message ID (a string); got ${describe(value)}`;
		case 'dateTime':
			return typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))
				? undefined
				: `${name} must be a date and time in ISO 8601 with an offset (e.g. 2017-11-21T00:00:00.213Z); got ${describe(value)}`;
		case 'openEnum':
			return typeof value === 'string' && value !== ''
				? undefined
				: `${name} must be a string; got ${describe(value)}`;
		case 'items': {
			if (!Array.isArray(value)) return `${name} must be an array; got ${describe(value)}`;
			for (const [i, item] of value.entries()) {
				if (!isPlainObject(item)) return `${name}[${i}] must be an object; got ${describe(item)}`;
				if (typeof item.offerId !== 'string' || !SHOP_SKU.test(item.offerId)) {
					return `${name}[${i}].offerId must be your SKU (a string of 1–255 characters); got ${describe(item.offerId)}`;
				}
				if (!isInteger(item.count))
					return `${name}[${i}].count must be an integer; got ${describe(item.count)}`;
			}
			return undefined;
		}
		case 'returnStatuses': {
			if (!isPlainObject(value)) return `${name} must be an object; got ${describe(value)}`;
			for (const [field, allowed] of [
				['refundStatus', REFUND_STATUSES],
				['shipmentStatus', SHIPMENT_STATUSES],
			] as const) {
				const status = value[field];
				if (
					status !== undefined &&
					status !== null &&
					!(allowed as readonly unknown[]).includes(status)
				) {
					return `${name}.${field} must be one of ${allowed.join(', ')}; got ${describe(status)}`;
				}
			}
			return undefined;
		}
	}
	return undefined;
}

/**
 * Checks a request body against SendNotificationRequest: a JSON object whose
 * notificationType is one of NotificationType and which carries every required field
 * of that type's DTO with the right type. Fields the spec does not know are kept.
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
	const type = body.notificationType;
	if (type === undefined || type === null)
		return { ok: false, message: 'notificationType is required' };
	if (type === 'PING') return { ok: true, type: 'PING', notification: body };
	if (!isEventType(type)) {
		return {
			ok: false,
			message: `notificationType ${describe(type)} is not a notification type of Yandex Market (PING, ${EVENT_TYPES.join(', ')})`,
		};
	}
	const problems: string[] = [];
	for (const [name, rule] of Object.entries(NOTIFICATION_SPECS[type].fields) as Array<
		[string, FieldRule]
	>) {
		const problem = checkField(name, rule, body[name]);
		if (problem) problems.push(problem);
	}
	if (problems.length > 0) return { ok: false, message: `${type}: ${problems.join('; ')}` };
	return { ok: true, type, notification: body };
}

function identityValue(rule: FieldRule | undefined, value: unknown): string {
	if (rule === 'dateTime' && typeof value === 'string') return String(Date.parse(value));
	if (rule === 'returnStatuses' && isPlainObject(value)) {
		return `${String(value.refundStatus ?? '')}/${String(value.shipmentStatus ?? '')}`;
	}
	return String(value);
}

/**
 * A stable key for one event: its type and identifying fields (times compared as
 * instants, so `…Z` and `…+03:00` of the same moment are the same event).
 */
export function eventKey(type: EventType, notification: IDataObject): string {
	const spec: NotificationSpec = NOTIFICATION_SPECS[type];
	return [
		type,
		...spec.identity.map((field) => identityValue(spec.fields[field], notification[field])),
	].join('|');
}
