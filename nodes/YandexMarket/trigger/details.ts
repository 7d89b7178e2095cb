/**
 * What a notification only points to: the message of CHAT_MESSAGE_SENT and the chat of
 * CHAT_CREATED. Fetched through the shared transport (marketRequest), which signs the
 * request, keeps Market's limits, retries reads and maps errors without the key.
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import type { MarketMethod } from '../shared/methods';
import { asNodeError } from '../shared/errors';
import { marketRequest } from '../shared/transport';

/**
 * Market waits 10 s for an answer to a notification. The details must be in before that,
 * leaving time for n8n to start the execution (in queue mode: to put it in Redis' queue);
 * otherwise the node answers 500 and Market delivers the event again. 7 s, not less: in a
 * burst, with several n8n processes sharing Market's 4 parallel requests, a read may queue
 * for a slot for seconds (measured in test/e2e/queue.e2e.ts).
 */
export const DETAILS_TIMEOUT_MS = 7000;

/**
 * Download Attachments stops starting downloads this long after the notification came, so
 * that the answer still reaches Market within its 10 s; a file not fetched by then keeps its link.
 */
export const ATTACHMENTS_BUDGET_MS = 8000;

/** The budgets in use (tests shorten them). */
export const timing = {
	detailsTimeoutMs: DETAILS_TIMEOUT_MS,
	attachmentsBudgetMs: ATTACHMENTS_BUDGET_MS,
};

/** ChatMessageSenderType. */
export const SENDERS = ['CUSTOMER', 'PARTNER', 'MARKET', 'SUPPORT'] as const;
export type Sender = (typeof SENDERS)[number];
export const DEFAULT_SENDERS: Sender[] = ['CUSTOMER'];

function resultOf(body: IDataObject): IDataObject {
	const result = body.result;
	return typeof result === 'object' && result !== null && !Array.isArray(result)
		? (result as IDataObject)
		: {};
}

/** Whether Market refused over a limit (after the transport's own short waits). */
function overLimit(error: unknown): boolean {
	return String((error as { httpCode?: unknown })?.httpCode) === '420';
}

/**
 * The message (ChatMessageDTO: text, sender, files). Two methods serve it: getChatHistory
 * with `messageIdFrom` = the message and `limit` 1 (10,000 requests an hour) and
 * getChatMessage (1,000 an hour). History is asked first; when its quota is spent the
 * message is read from the other, so that a notification fails only with both spent.
 */
export async function fetchMessage(
	this: IWebhookFunctions,
	businessId: number,
	chatId: number,
	messageId: string | number,
	budgetMs = timing.detailsTimeoutMs,
): Promise<IDataObject> {
	// No waiting for an hourly reset here: Market would give up on the answer first.
	const common = { businessId, deadline: Date.now() + budgetMs, maxRateLimitWaitMs: 0 };
	const methods: MarketMethod[] = ['getChatHistory', 'getChatMessage'];
	let lastError: unknown;
	for (const method of methods) {
		try {
			if (method === 'getChatHistory') {
				const { body } = await marketRequest.call(this, {
					...common,
					operationId: method,
					qs: { chatId, limit: 1 },
					body: { messageIdFrom: Number(messageId) },
				});
				const [first] = (resultOf(body).messages as IDataObject[] | undefined) ?? [];
				// Not there (deleted, or history lags): the message method says what Market knows.
				if (first && String(first.messageId) === String(messageId)) return first;
				continue;
			}
			const { body } = await marketRequest.call(this, {
				...common,
				operationId: method,
				qs: { chatId, messageId },
			});
			return resultOf(body);
		} catch (error) {
			if (!overLimit(error)) throw asNodeError(this.getNode(), error);
			lastError = error;
		}
	}
	throw lastError;
}

/** GET /v2/businesses/{businessId}/chat (getChat): context (order/return, customer), type, status (ChatFullDTO). */
export async function fetchChat(
	this: IWebhookFunctions,
	businessId: number,
	chatId: number,
	budgetMs = timing.detailsTimeoutMs,
): Promise<IDataObject> {
	const { body } = await marketRequest.call(this, {
		operationId: 'getChat',
		qs: { chatId },
		businessId,
		deadline: Date.now() + budgetMs,
		maxRateLimitWaitMs: 0,
	});
	return resultOf(body);
}

/** Whether a message's sender is one the seller wants: `senders` empty means everyone. */
export function senderAllowed(sender: unknown, senders: readonly string[]): boolean {
	if (senders.length === 0) return true;
	return typeof sender === 'string' && senders.includes(sender);
}

/** Whether the Senders option lets every sender through (then the message need not be read to filter). */
export function allSendersAllowed(senders: readonly string[]): boolean {
	return senders.length === 0 || SENDERS.every((s) => senders.includes(s));
}
