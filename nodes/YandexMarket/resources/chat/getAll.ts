/** Chat → Get Many: Market's getChats (POST /v2/businesses/{businessId}/chats). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { LIMITS } from '../../shared/constants';
import { chatStatusOptions, returnAllAndLimit } from '../../shared/descriptions';
import { marketOperation } from '../../shared/run';
import { parseIdList } from '../../shared/validate';

const show = { resource: ['chat'], operation: ['getAll'] };

export const chatGetAllOperation = marketOperation(
	{
		name: 'Get Many',
		value: 'getAll',
		action: 'Get many chats',
		description: 'List chats with buyers, in the order Market returns them',
	},
	{
		operationId: 'getChats',
		prepare(request) {
			const body = request.body as IDataObject;
			const filters = this.getNodeParameter('filters', {}) as IDataObject;
			const node = this.getNode();
			const itemIndex = this.getItemIndex();
			// Order and return IDs go out as `contexts`: Market deprecated the `orderIds` filter.
			const contexts = [
				...parseIdList(node, itemIndex, filters.orderIds, 'Order ID', 'orderIds').map((id) => ({
					type: 'ORDER',
					id,
				})),
				...parseIdList(node, itemIndex, filters.returnIds, 'Return ID', 'returnIds').map((id) => ({
					type: 'RETURN',
					id,
				})),
			];
			if (contexts.length) body.contexts = contexts;
			// Market wants each filter absent or non-empty.
			for (const key of ['statuses', 'types', 'contextTypes']) {
				if (Array.isArray(body[key]) && (body[key] as unknown[]).length === 0) delete body[key];
			}
		},
		output: (body, request) =>
			(body.entries as IDataObject[]).map((chat) => ({ ...chat, businessId: request.businessId })),
	},
);

export const chatGetAllDescription: INodeProperties[] = [
	...returnAllAndLimit(show, 'chats', LIMITS.chatsPageMax),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Chat Types',
				name: 'types',
				type: 'multiOptions',
				default: [],
				options: [
					{ name: 'Chat With Buyer', value: 'CHAT' },
					{ name: 'Dispute (Arbitrage)', value: 'ARBITRAGE' },
				],
				routing: { send: { type: 'body', property: 'types' } },
			},
			{
				displayName: 'Context Types',
				name: 'contextTypes',
				type: 'multiOptions',
				default: [],
				description: 'What the chat is about',
				options: [
					{ name: 'Buyer-Started (Direct)', value: 'DIRECT' },
					{ name: 'Order', value: 'ORDER' },
					{ name: 'Return', value: 'RETURN' },
				],
				routing: { send: { type: 'body', property: 'contextTypes' } },
			},
			{
				displayName: 'Order IDs',
				name: 'orderIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 51234567, 51234568',
				description: 'Only chats about these orders (comma-separated)',
			},
			{
				displayName: 'Return IDs',
				name: 'returnIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1020304',
				description: 'Only chats about these returns (comma-separated)',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				default: [],
				options: chatStatusOptions,
				routing: { send: { type: 'body', property: 'statuses' } },
			},
		],
	},
];
