/** Chat → Get History: Market's getChatHistory (POST /v2/businesses/{businessId}/chats/history). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { attachmentOptions } from '../../shared/attachments';
import { LIMITS } from '../../shared/constants';
import { returnAllAndLimit } from '../../shared/descriptions';
import { marketOperation } from '../../shared/run';
import { parseId } from '../../shared/validate';

const show = { resource: ['chat'], operation: ['getHistory'] };

export const chatGetHistoryOperation = marketOperation(
	{
		name: 'Get History',
		value: 'getHistory',
		action: 'Get the messages of a chat',
		description: 'Get the messages of a chat, one item per message',
	},
	{
		operationId: 'getChatHistory',
		attachments: true,
		queryIds: { chatId: 'Chat ID' },
		prepare(request) {
			const options = this.getNodeParameter('options', {}) as IDataObject;
			const from = options.messageIdFrom;
			request.body =
				from === undefined || from === ''
					? {}
					: {
							messageIdFrom: parseId(
								this.getNode(),
								this.getItemIndex(),
								from,
								'Starting Message ID',
								'messageIdFrom',
							),
						};
		},
		output: (body, request) => {
			const context = (body.result as IDataObject | undefined)?.context;
			return (body.entries as IDataObject[]).map((message) => ({
				chatId: request.qs.chatId,
				businessId: request.businessId,
				...message,
				context,
			}));
		},
	},
);

export const chatGetHistoryDescription: INodeProperties[] = [
	...returnAllAndLimit(show, 'messages', LIMITS.historyPageMax),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			...attachmentOptions,
			{
				displayName: 'Starting Message ID',
				name: 'messageIdFrom',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1234',
				description:
					'Return this message and the ones after it. Keep the last messageId you handled to fetch only what is new.',
			},
		],
	},
];
