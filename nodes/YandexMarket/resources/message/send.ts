/** Message → Send: Market's sendMessageToChat (POST /v2/businesses/{businessId}/chats/message). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { LIMITS } from '../../shared/constants';
import { marketOperation } from '../../shared/run';
import { codePointLength, formatCount, invalidParameter } from '../../shared/validate';

const show = { resource: ['message'], operation: ['send'] };

export const messageSendOperation = marketOperation(
	{
		name: 'Send',
		value: 'send',
		action: 'Send a message',
		description: 'Send a text message to the buyer in a chat',
	},
	{
		operationId: 'sendMessageToChat',
		queryIds: { chatId: 'Chat ID' },
		prepare(request) {
			// Read here, not routed: see `queryIds` in shared/run.ts.
			const text = this.getNodeParameter('text', '');
			const node = this.getNode();
			const itemIndex = this.getItemIndex();
			const range = `${LIMITS.messageMinChars}–${LIMITS.messageMaxChars}`;
			if (typeof text !== 'string' || text.trim() === '') {
				throw invalidParameter(
					node,
					itemIndex,
					`Message text is empty; Yandex Market accepts ${range} characters`,
					'Fill in Text (text), or map it from an earlier node.',
				);
			}
			const length = codePointLength(text);
			if (length > LIMITS.messageMaxChars) {
				throw invalidParameter(
					node,
					itemIndex,
					`Message text is ${formatCount(length)} characters; Yandex Market accepts ${range}`,
					'Shorten the text (text), or split it into several messages. Market counts Unicode characters (code points): most emoji count as 1, a flag or a skin-toned emoji as 2 or more.',
				);
			}
			request.body = { message: text };
			// Messages to one chat go out one at a time, so the buyer reads them in item order.
			request.sequenceKey = `chat:${request.businessId}:${request.qs.chatId}`;
		},
		output: (_body, request) => ({
			status: 'OK',
			businessId: request.businessId,
			chatId: request.qs.chatId,
			text: (request.body as IDataObject).message,
		}),
	},
);

export const messageSendDescription: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		// Not `required`: n8n would then stop the run with a bare "Text is required"; the
		// node's own check says what Market accepts (1–4096 characters).
		displayOptions: { show },
		description: `The message to the buyer, ${LIMITS.messageMinChars}–${LIMITS.messageMaxChars} characters`,
	},
];
