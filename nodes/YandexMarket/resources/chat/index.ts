import type { INodeProperties } from 'n8n-workflow';
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
	...chatGetAllDescription,
	...chatCreateDescription,
	...chatGetHistoryDescription,
];
