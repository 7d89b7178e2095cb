/** Chat → Get: Market's getChat (GET /v2/businesses/{businessId}/chat). */
import type { IDataObject } from 'n8n-workflow';
import { marketOperation } from '../../shared/run';

export const chatGetOperation = marketOperation(
	{
		name: 'Get',
		value: 'get',
		action: 'Get a chat',
		description: 'Get a chat: status, what it is about and the buyer',
	},
	{
		operationId: 'getChat',
		queryIds: { chatId: 'Chat ID' },
		output: (body, request) => ({
			...(body.result as IDataObject),
			businessId: request.businessId,
		}),
	},
);
