import type { INodeProperties } from 'n8n-workflow';
import { attachmentOptions } from '../shared/attachments';
import { businessIdLocator, chatStatusOptions } from '../shared/descriptions';
import { sendersOption } from '../trigger/descriptions';

export const properties: INodeProperties[] = [
	{
		displayName:
			'Needs no public URL: the node asks Market for what is new at the times set above (Poll Times). The first time the workflow is published it starts from that moment; later restarts go on where it stopped. With a public HTTPS address the Yandex Market Trigger gets events at once and spends no requests.',
		name: 'pollNotice',
		type: 'notice',
		default: '',
	},
	businessIdLocator,
	{
		displayName: 'Trigger On',
		name: 'events',
		type: 'multiOptions',
		options: [
			{
				name: 'New Chat Message',
				value: 'chatMessage',
				description: 'A message in a buyer chat (from the chosen senders)',
			},
			{
				name: 'New Question',
				value: 'question',
				description:
					'A buyer’s question about a product, once Market publishes it: one getGoodsQuestions request a quiet poll',
			},
			{
				name: 'New Review',
				value: 'review',
				description:
					'A product review, once Market publishes it (after moderation): one getGoodsFeedbacks request a quiet poll',
			},
		],
		default: ['chatMessage'],
		description:
			'What starts the workflow. Each item says what it is in notificationType (CHAT_MESSAGE_SENT, GOODS_FEEDBACK_CREATED, QUESTION_CREATED).',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [
			{
				...sendersOption,
				description:
					'Chat messages: only those from these senders start the workflow. Keep Store out of it when the workflow replies, or it will answer its own replies in a loop.',
			},
			{
				displayName: 'Chat Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: chatStatusOptions,
				default: [],
				description:
					'Chat messages: only those in chats with these statuses (as the poll finds them) start the workflow. Empty: chats of every status.',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: attachmentOptions,
	},
];
