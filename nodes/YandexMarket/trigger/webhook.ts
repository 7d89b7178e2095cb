/**
 * One notification from Market, from the request to the answer:
 *   address check (403) → body check (400: not processable) → PING (answered here)
 *   → event selected? (a type this release does not know: only with All Events)
 *   → business (400 when nothing tells it) → duplicate?
 *   → details / sender / author (500 when Market does not answer in time or lists nothing yet)
 *   → start the workflow, answer 200.
 * Only the last step starts the workflow; every other step answers and starts nothing.
 */
import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { attachmentsFor } from '../shared/attachments';
import {
	DEFAULT_SENDERS,
	timing,
	allSendersAllowed,
	fetchChat,
	fetchMessage,
	senderAllowed,
} from './details';
import { businessOf, type BusinessIdSource } from './business';
import { DEFAULT_AUTHORS, allAuthorsAllowed, fetchGoodsDetails, isGoodsEvent } from './goods';
import { detectorFor, storedKeys, syncStored } from './duplicates';
import {
	ALL_EVENTS,
	DEFAULT_EVENTS,
	NOTIFICATION_SPECS,
	notificationKey,
	parseNotification,
	type ParsedNotification,
} from './notifications';
import { okReply, sendError } from './replies';
import { isAllowedAddress, parseAllowList, rejectionMessage } from './sourceIp';

export interface TriggerOptions {
	fetchDetails: boolean;
	senders: string[];
	authors: string[];
	verifySourceIp: boolean;
	extraAllowedIps: string;
	ignoreDuplicates: boolean;
}

export function readOptions(raw: IDataObject): TriggerOptions {
	return {
		fetchDetails: raw.fetchDetails !== false,
		senders: Array.isArray(raw.senders) ? (raw.senders as string[]) : [...DEFAULT_SENDERS],
		authors: Array.isArray(raw.authors) ? (raw.authors as string[]) : [...DEFAULT_AUTHORS],
		verifySourceIp: raw.verifySourceIp !== false,
		extraAllowedIps: typeof raw.extraAllowedIps === 'string' ? raw.extraAllowedIps : '',
		ignoreDuplicates: raw.ignoreDuplicates !== false,
	};
}

/** Answer to a GET of the URL the seller pastes into Market (e.g. opened in a browser to check it). */
export function setupInfo(): IDataObject {
	return {
		message:
			'This is a Yandex Market Trigger of n8n. Paste this URL in the seller cabinet: Settings → API and modules → API notifications. Market sends its notifications to POST <this URL>/notification.',
	};
}

export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

export async function receiveNotification(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const startedAt = new Date();
	if (this.getWebhookName() === 'setup') return { webhookResponse: setupInfo() };

	const rawOptions = this.getNodeParameter('options', {}) as IDataObject;
	const options = readOptions(rawOptions);
	const node = this.getNode();

	if (options.verifySourceIp) {
		const request = this.getRequestObject();
		const { ranges, invalid } = parseAllowList(options.extraAllowedIps);
		if (invalid.length > 0) {
			this.logger.warn(
				`Yandex Market Trigger "${node.name}": Extra Allowed IPs has entries that are not IP addresses or CIDR ranges: ${invalid.join(', ')}`,
			);
		}
		if (!isAllowedAddress(request.ip, ranges)) {
			const forwarded = request.headers?.['x-forwarded-for'];
			const message = rejectionMessage({
				ip: request.ip,
				ips: request.ips,
				forwardedFor: Array.isArray(forwarded) ? forwarded.join(', ') : forwarded,
			});
			this.logger.warn(`Yandex Market Trigger "${node.name}": ${message}`);
			return sendError(this, 403, 'UNKNOWN', message);
		}
	}

	const parsed = parseNotification(this.getBodyData());
	if (!parsed.ok) return sendError(this, 400, 'WRONG_EVENT_FORMAT', parsed.message);
	if (parsed.kind === 'ping') return { webhookResponse: okReply(startedAt) };

	const workflowId = this.getWorkflow().id ?? '';
	const detector = detectorFor(`${this.getMode()}|${workflowId}|${node.id ?? node.name}`);
	const staticData = this.getWorkflowStaticData('node');
	// Static data repeats what memory knows; see duplicates.ts for why every call writes it.
	const persist = () => {
		if (options.ignoreDuplicates) syncStored(staticData, detector.startedKeys());
	};

	const events = this.getNodeParameter('events', DEFAULT_EVENTS) as string[];
	if (!events.includes(ALL_EVENTS) && !events.includes(parsed.type)) {
		persist();
		return { webhookResponse: okReply(startedAt) };
	}
	// Market waits 10 s for the answer: learning the business and reading the details share one budget.
	const deadline = startedAt.getTime() + timing.detailsTimeoutMs;

	let business: { businessId: number; source: BusinessIdSource } | undefined;
	if (parsed.kind === 'event' && 'businessId' in NOTIFICATION_SPECS[parsed.type].fields) {
		const outcome = await businessOf.call(
			this,
			parsed.fields.businessId,
			rawOptions.businessId,
			deadline,
		);
		if ('problem' in outcome) {
			return sendError(this, 400, 'WRONG_EVENT_FORMAT', `${parsed.type}: ${outcome.problem}`);
		}
		if ('lookupError' in outcome) {
			const message = `${parsed.type} has no businessId, and Yandex Market could not be asked which business the API key reaches: ${errorText(outcome.lookupError)}. Market will deliver the notification again.`;
			this.logger.warn(`Yandex Market Trigger "${node.name}": ${message}`);
			return sendError(this, 500, 'UNKNOWN', message);
		}
		business = outcome;
	}

	// Claim the event before the details are read, so a second delivery arriving meanwhile waits.
	const key = notificationKey(parsed, business?.businessId);
	let commit = () => {};
	let release = () => {};
	if (options.ignoreDuplicates) {
		const stored = storedKeys(staticData)[key];
		if (stored !== undefined) detector.remember(key, stored);
		const claim = await detector.claim(key, timing.detailsTimeoutMs + 1000);
		if (claim.status === 'duplicate') {
			persist();
			return { webhookResponse: okReply(startedAt) };
		}
		if (claim.status === 'busy') {
			return sendError(
				this,
				500,
				'UNKNOWN',
				'The same event is being processed by an earlier delivery that has not finished yet; deliver it again later.',
			);
		}
		commit = claim.commit;
		release = claim.release;
	}

	let details: IDataObject = {};
	if (parsed.kind === 'event' && business) {
		const { type, fields } = parsed;
		const { businessId } = business;
		const chatId = fields.chatId as number;
		try {
			if (
				type === 'CHAT_MESSAGE_SENT' &&
				(options.fetchDetails || !allSendersAllowed(options.senders))
			) {
				// The notification does not say who wrote: the message does.
				const message = await fetchMessage.call(
					this,
					businessId,
					chatId,
					fields.messageId as string | number,
					deadline - Date.now(),
				);
				if (!senderAllowed(message.sender, options.senders)) {
					commit();
					persist();
					return { webhookResponse: okReply(startedAt) };
				}
				details = options.fetchDetails ? message : { sender: message.sender };
			} else if (type === 'CHAT_CREATED' && options.fetchDetails) {
				details = await fetchChat.call(this, businessId, chatId, deadline - Date.now());
			} else if (
				isGoodsEvent(type) &&
				(options.fetchDetails || !allAuthorsAllowed(options.authors))
			) {
				// The notification does not say who wrote either: the entry does (goods.ts).
				const outcome = await fetchGoodsDetails.call(
					this,
					type,
					fields,
					{ businessId, deadline },
					{ full: options.fetchDetails, authors: options.authors },
				);
				if (outcome.skip) {
					commit();
					persist();
					return { webhookResponse: okReply(startedAt) };
				}
				details = outcome.details;
			}
		} catch (error) {
			release();
			const message = `Could not get the details of ${type} from Yandex Market: ${errorText(error)}. Market will deliver the notification again.`;
			this.logger.warn(`Yandex Market Trigger "${node.name}": ${message}`);
			return sendError(this, 500, 'UNKNOWN', message);
		}
	}

	commit();
	if (options.ignoreDuplicates) detector.markStarted(key);
	persist();
	let items: INodeExecutionData[] = [{ json: itemJson(parsed, details, business) }];
	if (parsed.type === 'CHAT_MESSAGE_SENT' && options.fetchDetails) {
		// A file that cannot be fetched in time keeps its link; the event still starts the workflow.
		items = await attachmentsFor.call(
			this,
			items,
			rawOptions,
			startedAt.getTime() + timing.attachmentsBudgetMs,
		);
	}
	return { workflowData: [items], webhookResponse: okReply(startedAt) };
}

/**
 * The item: the notification's fields (a type this release does not know: as it came), the
 * details read, and `notification` as Market sent it; businessId and chatId at the top, with
 * where the business came from and which of the type's fields the notification lacked.
 */
function itemJson(
	parsed: Extract<ParsedNotification, { kind: 'event' | 'unknown' }>,
	details: IDataObject,
	business?: { businessId: number; source: BusinessIdSource },
): IDataObject {
	const { notification } = parsed;
	if (parsed.kind === 'unknown') {
		return { ...notification, notificationType: parsed.type, notification };
	}
	const json: IDataObject = { ...parsed.fields, ...details, notification };
	if (business) {
		json.businessId = business.businessId;
		json.businessIdSource = business.source;
	}
	if (parsed.fields.chatId !== undefined) json.chatId = parsed.fields.chatId;
	if (parsed.absent.length > 0) json.absentFields = parsed.absent;
	return json;
}
