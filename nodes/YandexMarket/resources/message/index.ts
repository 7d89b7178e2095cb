import type { INodeProperties } from 'n8n-workflow';
import { messageGetDescription, messageGetOperation } from './get';
import { messageSendOperation } from './send';
import { messageSendFileDescription, messageSendFileOperation } from './sendFile';

const showForMessage = { resource: ['message'] };

export const messageDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showForMessage },
		options: [messageGetOperation, messageSendOperation, messageSendFileOperation],
		default: 'send',
	},
	...messageSendFileDescription,
	...messageGetDescription,
];
