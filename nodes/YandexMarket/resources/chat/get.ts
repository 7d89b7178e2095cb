import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';
import { runOperation } from '../../shared/run';

export const chatGetOperation: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	action: 'Get a chat',
	description: 'Get a chat: status, what it is about and the buyer',
	routing: {
		request: { method: 'GET', url: '/v2/businesses/{businessId}/chat' },
		send: { paginate: true },
		operations: {
			pagination: runOperation({
				output: (body, request) => ({
					...(body.result as IDataObject),
					businessId: request.businessId,
				}),
			}),
		},
	},
};
