import type { INodeProperties } from 'n8n-workflow';
import { reviewDeleteReplyOperation } from './deleteReply';
import { reviewGetOperation } from './get';
import { reviewGetAllDescription, reviewGetAllOperation } from './getAll';
import { reviewGetCommentsDescription, reviewGetCommentsOperation } from './getComments';
import { reviewReplyDescription, reviewReplyOperation } from './reply';
import { feedbackIdField, replyTextField } from './shared';
import { reviewSkipReactionOperation } from './skipReaction';
import { commentIdField, reviewUpdateReplyOperation } from './updateReply';

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
	feedbackIdField(['get', 'getComments', 'reply', 'updateReply', 'skipReaction']),
	commentIdField(['updateReply', 'deleteReply']),
	replyTextField(['reply', 'updateReply']),
	...reviewReplyDescription,
	...reviewGetAllDescription,
	...reviewGetCommentsDescription,
];
