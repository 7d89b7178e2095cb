import type { INodeProperties } from 'n8n-workflow';
import { reviewDeleteReplyOperation } from './deleteReply';
import { reviewGetOperation } from './get';
import { reviewGetAllDescription, reviewGetAllOperation } from './getAll';
import { reviewGetCommentsDescription, reviewGetCommentsOperation } from './getComments';
import { reviewReplyDescription, reviewReplyOperation } from './reply';
import { feedbackIdField } from './shared';
import { reviewSkipReactionOperation } from './skipReaction';
import { commentIdField, reviewUpdateReplyOperation } from './updateReply';

/** The IDs come before the node's shared Text field (shared/descriptions.ts), the rest after it. */
export const reviewIdFields: INodeProperties[] = [
	feedbackIdField(['get', 'getComments', 'reply', 'updateReply', 'skipReaction']),
	commentIdField(['updateReply', 'deleteReply']),
];

export const reviewDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['review'] } },
		options: [
			reviewDeleteReplyOperation,
			reviewGetOperation,
			reviewGetCommentsOperation,
			reviewGetAllOperation,
			reviewSkipReactionOperation,
			reviewReplyOperation,
			reviewUpdateReplyOperation,
		],
		default: 'getAll',
	},
	...reviewReplyDescription,
	...reviewGetAllDescription,
	...reviewGetCommentsDescription,
];
