import type { INodeProperties } from 'n8n-workflow';
import { attachmentOptions } from '../shared/attachments';
import { businessIdLocator, chatStatusOptions } from '../shared/descriptions';
import { sendersOption } from '../trigger/descriptions';

export const properties: INodeProperties[] = [
	{
		displayName:
			'Needs no public URL: the node asks Market for new messages at the times set above (Poll Times). The first time the workflow is published it starts from that moment; later restarts go on where it stopped. With a public HTTPS address the Yandex Market Trigger gets messages at once and spends no requests.',
		name: 'pollNotice',
		type: 'notice',
		default: '',
	},
	businessIdLocator,
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
					'Only messages from these senders start the workflow. Keep Store out of it when the workflow replies, or it will answer its own replies in a loop.',
			},
			{
				displayName: 'Chat Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: chatStatusOptions,
				default: [],
				description:
					'Only messages in chats with these statuses (as the poll finds them) start the workflow. Empty: chats of every status.',
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
