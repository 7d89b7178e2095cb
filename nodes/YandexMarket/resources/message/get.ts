import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { runOperation } from '../../shared/run';

const show = { resource: ['message'], operation: ['get'] };

export const messageGetOperation: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	action: 'Get a message',
	description: 'Get one message of a chat: text, sender and attached files',
	routing: {
		request: { method: 'GET', url: '/v2/businesses/{businessId}/chats/message' },
		send: { paginate: true },
		operations: {
			pagination: runOperation({
				output: (body, request) => ({
					chatId: request.qs.chatId,
					businessId: request.businessId,
					...(body.result as IDataObject),
				}),
			}),
		},
	},
};

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
		routing: { send: { type: 'query', property: 'messageId' } },
	},
];
