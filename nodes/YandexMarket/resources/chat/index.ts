import type { INodeProperties } from 'n8n-workflow';
import { businessIdLocator, chatIdLocator } from '../../shared/descriptions';
import { chatCreateDescription, chatCreateOperation } from './create';
import { chatGetOperation } from './get';
import { chatGetAllDescription, chatGetAllOperation } from './getAll';
import { chatGetHistoryDescription, chatGetHistoryOperation } from './getHistory';

const showForChat = { resource: ['chat'] };

export const chatDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showForChat },
		options: [chatCreateOperation, chatGetOperation, chatGetHistoryOperation, chatGetAllOperation],
		default: 'getAll',
	},
	{ ...businessIdLocator, displayOptions: { show: showForChat } },
	{
		...chatIdLocator,
		displayOptions: { show: { ...showForChat, operation: ['get', 'getHistory'] } },
	},
	...chatGetAllDescription,
	...chatCreateDescription,
	...chatGetHistoryDescription,
];
