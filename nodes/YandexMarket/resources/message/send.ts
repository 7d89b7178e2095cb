/** Message → Send: Market's sendMessageToChat (POST /v2/businesses/{businessId}/chats/message). */
import type { IDataObject } from 'n8n-workflow';
import { LIMITS } from '../../shared/constants';
import { marketOperation } from '../../shared/run';
import { checkText } from '../../shared/validate';

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
			const text = checkText(
				this.getNode(),
				this.getItemIndex(),
				this.getNodeParameter('text', ''),
				{
					label: 'Message text',
					displayName: 'Text',
					field: 'text',
					min: LIMITS.messageMinChars,
					max: LIMITS.messageMaxChars,
					tooLong: 'or split it into several messages',
				},
			);
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
