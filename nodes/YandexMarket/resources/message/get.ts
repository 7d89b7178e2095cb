/** Message → Get: Market's getChatMessage (GET /v2/businesses/{businessId}/chats/message). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { attachmentOptions } from '../../shared/attachments';
import { marketOperation } from '../../shared/run';

const show = { resource: ['message'], operation: ['get'] };

export const messageGetOperation = marketOperation(
	{
		name: 'Get',
		value: 'get',
		action: 'Get a message',
		description: 'Get one message of a chat: text, sender and attached files',
	},
	{
		operationId: 'getChatMessage',
		attachments: true,
		queryIds: { chatId: 'Chat ID', messageId: 'Message ID' },
		output: (body, request) => ({
			chatId: request.qs.chatId,
			businessId: request.businessId,
			...(body.result as IDataObject),
		}),
	},
);

export const messageGetDescription: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1234',
		displayOptions: { show },
		description: 'The messageId, as Get History or the trigger give it',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: attachmentOptions,
	},
];
