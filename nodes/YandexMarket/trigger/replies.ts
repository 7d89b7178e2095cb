/**
 * Every answer to Market, shaped as the notification spec says: 200 SendNotificationResponse
 * `{version, name, time}`, otherwise SendNotificationErrorResponse `{error: {type, message}}`.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { packageName, packageVersion } from '../shared/constants';

/** NotificationApiErrorType. */
export type NotificationErrorType = 'UNKNOWN' | 'WRONG_EVENT_FORMAT' | 'DUPLICATED_EVENT';

/** SendNotificationResponse; `time` is when processing started, in UTC. */
export function okReply(startedAt: Date): IDataObject {
	return { version: packageVersion, name: packageName, time: startedAt.toISOString() };
}

export function errorReply(type: NotificationErrorType, message: string): IDataObject {
	return { error: { type, message } };
}

/** Answers with a status other than 200 and starts nothing. */
export function sendError(
	context: IWebhookFunctions,
	status: 400 | 403 | 500,
	type: NotificationErrorType,
	message: string,
): IWebhookResponseData {
	context.getResponseObject().status(status).json(errorReply(type, message));
	return { noWebhookResponse: true };
}
