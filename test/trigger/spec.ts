/**
 * Market's notification spec (notification-api/openapi) for the trigger's tests:
 * - `dtoValidator(type)`: an Ajv validator of one notification type's DTO (the request
 *   body's `oneOf` cannot be used as is: PingNotificationDTO requires nothing, so every
 *   body matches it and one more, and Ajv has no OpenAPI discriminator mapping);
 * - `dtoFields(type)`: the DTO's properties and required fields, to compare with the node;
 * - `replyContract()`: the contract checker (test/contract) pointed at the notification
 *   spec, for the node's answers (200/400/500 bodies); `replyChecker()` asserts with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as yaml from 'js-yaml';
import { loadContract, type Contract } from '../contract/openapi';
import { NOTIFICATION_SPEC_DIR, describeWithSpecs, specsFor } from '../contract/specs';
import type { RecordedRequest } from '../simulator/server';

export { NOTIFICATION_SPEC_DIR, describeWithSpecs, specsFor };

const SCHEMAS = path.join(NOTIFICATION_SPEC_DIR, 'components', 'schemas');

type Obj = Record<string, any>;

function load(name: string): Obj {
	return yaml.load(fs.readFileSync(path.join(SCHEMAS, name), 'utf8')) as Obj;
}

/** OpenAPI 3.0 → JSON Schema for Ajv: `$ref: ./X.yaml` → `X.yaml`, documentation dropped. */
function convert(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(convert);
	if (typeof node !== 'object' || node === null) return node;
	const out: Obj = {};
	for (const [k, v] of Object.entries(node as Obj)) {
		if (k === '$ref' && typeof v === 'string') out.$ref = path.basename(v);
		else if (k === 'description' || k === 'example' || k === 'discriminator' || k.startsWith('x-'))
			continue;
		else if (k === 'properties') {
			out.properties = Object.fromEntries(
				Object.entries(v as Obj).map(([name, s]) => [name, convert(s)]),
			);
		} else out[k] = convert(v);
	}
	return out;
}

let ajv: Ajv | undefined;

function getAjv(): Ajv {
	if (ajv) return ajv;
	ajv = new Ajv({ strict: false, allErrors: true });
	addFormats(ajv);
	ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
	for (const file of fs.readdirSync(SCHEMAS).filter((f) => f.endsWith('.yaml'))) {
		ajv.addSchema({ ...(convert(load(file)) as Obj), $id: file });
	}
	return ajv;
}

/** The DTO file of a notification type, from SendNotificationRequest's discriminator mapping. */
export function dtoFile(type: string): string {
	const mapping = load('SendNotificationRequest.yaml').discriminator.mapping as Record<
		string,
		string
	>;
	const ref = mapping[type];
	if (!ref) throw new Error(`no DTO for ${type} in SendNotificationRequest's mapping`);
	return path.basename(ref);
}

/** The notification types of NotificationType, PING included. */
export function specTypes(): string[] {
	return load('NotificationType.yaml').enum as string[];
}

export function dtoValidator(type: string): ValidateFunction {
	const validate = getAjv().getSchema(dtoFile(type));
	if (!validate) throw new Error(`schema ${dtoFile(type)} not loaded`);
	return validate;
}

/** Ajv's errors, readable. */
export function dtoErrors(type: string, body: unknown): string[] {
	const validate = dtoValidator(type);
	const notificationType = getAjv().getSchema('NotificationType.yaml')!;
	const errors: string[] = [];
	if (!validate(body))
		errors.push(...(validate.errors ?? []).map((e) => `${e.instancePath || 'body'} ${e.message}`));
	if (!notificationType((body as Obj)?.notificationType))
		errors.push('notificationType is not a NotificationType');
	return errors;
}

export function dtoFields(type: string): { properties: string[]; required: string[] } {
	const dto = load(dtoFile(type));
	return {
		properties: Object.keys(dto.properties ?? {}),
		required: (dto.required ?? []) as string[],
	};
}

/** The contract checker of test/contract, on the notification spec. */
export function replyContract(): Contract {
	return loadContract(NOTIFICATION_SPEC_DIR);
}

/**
 * Asserts that an answer of the trigger to a notification is one the spec allows. Without the
 * specs it checks nothing: under CI that fails (specsFor), elsewhere the summary lists `what`.
 */
export function replyChecker(
	what: string,
): (request: unknown, status: number, answerBody: unknown) => void {
	const contract = specsFor(what) ? replyContract() : undefined;
	return (request, status, answerBody) => {
		if (!contract) return;
		expect(contract.validateResponse(exchange(request, status, answerBody))).toEqual([]);
	};
}

/** A POST /notification exchange in the shape the contract checker reads. */
export function exchange(body: unknown, status: number, responseBody: unknown): RecordedRequest {
	const raw = Buffer.from(JSON.stringify(body));
	return {
		seq: 1,
		operationId: null,
		method: 'POST',
		path: '/notification',
		query: {},
		headers: { 'content-type': 'application/json' },
		rawBody: raw,
		json: body,
		status,
		responseHeaders: { 'content-type': 'application/json; charset=utf-8' },
		responseBody,
		startedAt: 0,
		endedAt: 0,
	};
}

/** A valid notification of every type (values as Market's examples have them). */
export function sampleNotifications(): Record<string, Obj> {
	const at = '2025-01-01T10:00:00.213Z';
	return {
		PING: { notificationType: 'PING', time: at },
		CHAT_CREATED: {
			notificationType: 'CHAT_CREATED',
			chatId: 101,
			businessId: 1001,
			createdAt: at,
		},
		CHAT_MESSAGE_SENT: {
			notificationType: 'CHAT_MESSAGE_SENT',
			chatId: 101,
			messageId: '101120',
			businessId: 1001,
			sentAt: at,
		},
		CHAT_ARBITRAGE_STARTED: {
			notificationType: 'CHAT_ARBITRAGE_STARTED',
			chatId: 127,
			businessId: 1001,
			startedAt: at,
		},
		CHAT_ARBITRAGE_FINISHED: {
			notificationType: 'CHAT_ARBITRAGE_FINISHED',
			chatId: 127,
			businessId: 1001,
			finishedAt: at,
		},
		ORDER_CREATED: {
			notificationType: 'ORDER_CREATED',
			orderId: 7000101,
			campaignId: 2001,
			items: [{ offerId: 'SKU-1', count: 2 }],
			createdAt: at,
		},
		ORDER_UPDATED: {
			notificationType: 'ORDER_UPDATED',
			orderId: 7000101,
			campaignId: 2001,
			updateType: 'DELIVERY_DATE_UPDATED',
			updatedAt: at,
		},
		ORDER_STATUS_UPDATED: {
			notificationType: 'ORDER_STATUS_UPDATED',
			orderId: 7000101,
			campaignId: 2001,
			status: 'PROCESSING',
			substatus: 'STARTED',
			updatedAt: at,
		},
		ORDER_CANCELLED: {
			notificationType: 'ORDER_CANCELLED',
			orderId: 7000101,
			campaignId: 2001,
			items: [{ offerId: 'SKU-1', count: 1 }],
			cancelledAt: at,
		},
		ORDER_CANCELLATION_REQUEST: {
			notificationType: 'ORDER_CANCELLATION_REQUEST',
			orderId: 7000101,
			campaignId: 2002,
			requestedAt: at,
		},
		ORDER_RETURN_CREATED: {
			notificationType: 'ORDER_RETURN_CREATED',
			orderId: 7000101,
			returnId: 880101,
			returnType: 'RETURN',
			campaignId: 2001,
			items: [{ offerId: 'SKU-1', count: 1 }],
			createdAt: at,
		},
		ORDER_RETURN_STATUS_UPDATED: {
			notificationType: 'ORDER_RETURN_STATUS_UPDATED',
			orderId: 7000101,
			returnId: 880101,
			campaignId: 2001,
			statuses: { refundStatus: 'REFUNDED', shipmentStatus: 'IN_TRANSIT' },
			updatedAt: at,
		},
		GOODS_FEEDBACK_CREATED: {
			notificationType: 'GOODS_FEEDBACK_CREATED',
			feedbackId: 555,
			businessId: 1001,
			createdAt: at,
			publishedAt: '2025-01-01T11:00:00Z',
		},
		GOODS_FEEDBACK_COMMENT_CREATED: {
			notificationType: 'GOODS_FEEDBACK_COMMENT_CREATED',
			commentId: 556,
			businessId: 1001,
			createdAt: at,
		},
		QUESTION_CREATED: {
			notificationType: 'QUESTION_CREATED',
			questionId: 77,
			businessId: 1001,
			createdAt: at,
		},
		QUESTION_ANSWER_CREATED: {
			notificationType: 'QUESTION_ANSWER_CREATED',
			answerId: 78,
			businessId: 1001,
			createdAt: at,
		},
		QUESTION_COMMENT_CREATED: {
			notificationType: 'QUESTION_COMMENT_CREATED',
			answerId: 78,
			commentId: 79,
			businessId: 1001,
			createdAt: at,
		},
	};
}
