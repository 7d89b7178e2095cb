/**
 * What a notification only points to: the message of CHAT_MESSAGE_SENT and the chat of
 * CHAT_CREATED. Fetched through the action node's transport (marketRequest), which signs
 * the request, keeps Market's per-business parallel limit and maps errors without the key.
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { marketRequest } from '../YandexMarket/shared/transport';

/**
 * Market waits 10 s for an answer to a notification. The details must be in well before
 * that, leaving time for n8n to start the execution; otherwise the node answers 500 and
 * Market delivers the event again.
 */
export const DETAILS_TIMEOUT_MS = 5000;

/** The budget in use (tests shorten it). */
export const timing = { detailsTimeoutMs: DETAILS_TIMEOUT_MS };

/** ChatMessageSenderType. */
export const SENDERS = ['CUSTOMER', 'PARTNER', 'MARKET', 'SUPPORT'] as const;
export type Sender = (typeof SENDERS)[number];
export const DEFAULT_SENDERS: Sender[] = ['CUSTOMER'];

export class DetailsTimeoutError extends Error {
	constructor(what: string, ms: number) {
		super(`Yandex Market did not send ${what} within ${ms / 1000} s`);
	}
}

/** Resolves like `promise`, or rejects with DetailsTimeoutError after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([
			promise,
			new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new DetailsTimeoutError(what, ms)), ms);
			}),
		]);
	} finally {
		clearTimeout(timer);
	}
}

function resultOf(body: IDataObject): IDataObject {
	const result = body.result;
	return typeof result === 'object' && result !== null && !Array.isArray(result)
		? (result as IDataObject)
		: {};
}

/** GET /v2/businesses/{businessId}/chats/message: text, sender, files (ChatMessageDTO). */
export async function fetchMessage(
	this: IWebhookFunctions,
	businessId: number,
	chatId: number,
	messageId: string | number,
	timeoutMs = timing.detailsTimeoutMs,
): Promise<IDataObject> {
	const request = marketRequest.call(this, {
		method: 'GET',
		url: `/v2/businesses/${businessId}/chats/message`,
		qs: { chatId, messageId },
		businessId,
		timeout: timeoutMs,
	});
	return resultOf(
		(await withTimeout(request, timeoutMs, `message ${messageId} of chat ${chatId}`)).body,
	);
}

/** GET /v2/businesses/{businessId}/chat: context (order/return, customer), type, status (ChatFullDTO). */
export async function fetchChat(
	this: IWebhookFunctions,
	businessId: number,
	chatId: number,
	timeoutMs = timing.detailsTimeoutMs,
): Promise<IDataObject> {
	const request = marketRequest.call(this, {
		method: 'GET',
		url: `/v2/businesses/${businessId}/chat`,
		qs: { chatId },
		businessId,
		timeout: timeoutMs,
	});
	return resultOf((await withTimeout(request, timeoutMs, `chat ${chatId}`)).body);
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
