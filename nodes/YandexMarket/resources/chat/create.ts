/** Chat → Create: Market's createChat (POST /v2/businesses/{businessId}/chats/new). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { marketOperation } from '../../shared/run';
import { parseId } from '../../shared/validate';

const show = { resource: ['chat'], operation: ['create'] };

export const chatCreateOperation = marketOperation(
	{
		name: 'Create',
		value: 'create',
		action: 'Create a chat',
		description:
			'Start a chat with the buyer of an order or a return. If one exists, Market returns it instead.',
	},
	{
		operationId: 'createChat',
		prepare(request) {
			const type = this.getNodeParameter('contextType') as string;
			const id = parseId(
				this.getNode(),
				this.getItemIndex(),
				this.getNodeParameter('contextId'),
				type === 'RETURN' ? 'Return ID' : 'Order ID',
				'contextId',
			);
			request.body = { context: { type, id } };
		},
		output: (body, request) => {
			const context = (request.body as IDataObject).context as IDataObject;
			return {
				chatId: (body.result as IDataObject)?.chatId,
				businessId: request.businessId,
				contextType: context.type,
				contextId: context.id,
			};
		},
	},
);

export const chatCreateDescription: INodeProperties[] = [
	{
		displayName: 'About',
		name: 'contextType',
		type: 'options',
		default: 'ORDER',
		displayOptions: { show },
		options: [
			{ name: 'Order', value: 'ORDER' },
			{ name: 'Return', value: 'RETURN', description: 'For FBY, FBS and Express stores' },
		],
		description: 'Whether the chat is about an order or a return',
	},
	{
		displayName: 'Order or Return ID',
		name: 'contextId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 51234567',
		displayOptions: { show },
		description: 'The ID of the order or return, as Market shows it',
	},
];
