import type { INodeProperties, INodePropertyOptions, IWebhookDescription } from 'n8n-workflow';
import { attachmentOptions } from '../shared/attachments';
import { businessIdLocator } from '../shared/descriptions';
import { ALL_EVENTS, EVENT_TYPES, NOTIFICATION_SPECS } from './notifications';
import { MARKET_RANGES } from './sourceIp';

/**
 * Market posts to `<the URL set in the seller cabinet>/notification`. So:
 * - `default` receives `POST …/webhook/<id>/notification`; its URL is hidden in the
 *   editor, because it is not the one to paste;
 * - `setup` is `GET …/webhook/<id>`, the URL to paste. n8n lists it under "Webhook URLs"
 *   (Production URL), ready to copy; opened in a browser it says what it is for, which
 *   also shows that the address and its certificate are reachable.
 */
export const webhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		path: 'notification',
		ndvHideUrl: true,
		// The answer is the node's `webhookResponse` (SendNotificationResponse). Without this,
		// n8n 2.41 answers a run started with responseMode onReceived with the text
		// "firstEntryJson" (its default for responseData), which Market would not accept.
		responseData: '',
	},
	{
		name: 'setup',
		httpMethod: 'GET',
		responseMode: 'onReceived',
		path: '',
		isFullPath: true,
		ndvHideMethod: true,
	},
];

const eventOptions: INodePropertyOptions[] = [
	...EVENT_TYPES.map((type) => ({
		name: NOTIFICATION_SPECS[type].label,
		value: type,
		description: NOTIFICATION_SPECS[type].description,
	})),
	{
		name: 'All Events',
		value: ALL_EVENTS,
		description:
			'Every notification Market sends. Types added by Market after this release of the node start the workflow with the notification as it came; without this choice they are acknowledged and ignored.',
	},
].sort((a, b) => a.name.localeCompare(b.name));

/** Who may start the workflow; shared with the Polling Trigger. */
export const sendersOption: INodeProperties = {
	displayName: 'Senders',
	name: 'senders',
	type: 'multiOptions',
	options: [
		{ name: 'Buyer', value: 'CUSTOMER', description: 'The buyer (CUSTOMER)' },
		{ name: 'Market', value: 'MARKET', description: 'Yandex Market (MARKET)' },
		{
			name: 'Store',
			value: 'PARTNER',
			description: "Your store, including this workflow's own replies (PARTNER)",
		},
		{ name: 'Support', value: 'SUPPORT', description: "Market's support (SUPPORT)" },
	],
	default: ['CUSTOMER'],
	description:
		"Chat Message Sent starts the workflow only for messages from these senders. Market notifies about the store's own messages too, so keep Store out of it when the workflow replies, or it will answer itself in a loop. Market's notification does not say who wrote, so the node reads the message to check, even with Fetch Details off.",
};

/** Who may start the workflow with a review, comment, question or answer (goods.ts). */
export const authorsOption: INodeProperties = {
	displayName: 'Authors',
	name: 'authors',
	type: 'multiOptions',
	options: [
		{
			name: 'Brand',
			value: 'BRAND',
			description: "The product's brand (BRAND): comments on reviews, answers, comments",
		},
		{
			name: 'Buyer',
			value: 'USER',
			description:
				'Buyers and other Market users (USER): every review, and their comments, questions and answers',
		},
		{
			name: 'Manufacturer',
			value: 'VENDOR',
			description: "The product's manufacturer (VENDOR): answers and comments on questions",
		},
		{
			name: 'Store',
			value: 'BUSINESS',
			description: "Your store (BUSINESS), including this workflow's own replies and answers",
		},
	],
	default: ['USER'],
	description:
		"Review Comment Created, Question Created, Question Answer Created and Question Comment Created start the workflow only for entries by these authors (a review is always a buyer's). Market's notification does not say who wrote, so the node reads the entry to check, even with Fetch Details off. Keep Store out when the workflow replies, or its own reply, notified back by Market, starts it again.",
};

export const properties: INodeProperties[] = [
	{
		displayName:
			'Open Webhook URLs at the top, choose Production URL and paste it into the Yandex Market seller cabinet: Settings → API and modules → API notifications. Paste it as it is: Market adds /notification to it itself. Market only sends to HTTPS addresses with a certificate from a public authority (not self-signed), and checks the address with a PING that must be answered within 1 second, so publish this workflow before you save the address in Market.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		options: eventOptions,
		default: ['CHAT_CREATED', 'CHAT_MESSAGE_SENT'],
		description:
			'Which notifications start the workflow. Choose the same types in the seller cabinet. Others, and types Market adds after this release unless All Events is chosen, are acknowledged to Market and start nothing.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			authorsOption,
			{
				...businessIdLocator,
				required: false,
				description:
					"For notifications that come without businessId when the credential's API key reaches several businesses (with a key of one business, the node finds it itself). The output's businessIdSource says where the business came from.",
			},
			{
				...attachmentOptions[0],
				description: `${attachmentOptions[0].description} Needs Fetch Details on. The downloads must fit in the 10 s Market waits for an answer; a file that does not keeps its link.`,
			},
			{
				displayName: 'Extra Allowed IPs',
				name: 'extraAllowedIps',
				type: 'string',
				default: '',
				placeholder: 'e.g. 203.0.113.7, 198.51.100.0/24',
				description:
					"Addresses or CIDR ranges, separated by commas, that may send notifications besides Yandex Market's own (for tests from your own machine, for example). Used while Verify Source IP is on.",
			},
			{
				displayName: 'Fetch Details',
				name: 'fetchDetails',
				type: 'boolean',
				default: true,
				description:
					'Whether to read from Market what the notification points to: the message (text, sender, files) for Chat Message Sent, the chat (order or return, buyer) for Chat Created, the review, comment, question or answer with what it belongs to for the review and question events. Without it the output is the notification as Market sent it (with the sender or author when Senders or Authors needed it read).',
			},
			{
				displayName: 'Ignore Duplicates',
				name: 'ignoreDuplicates',
				type: 'boolean',
				default: true,
				description:
					'Whether to start the workflow only once when Market delivers the same event more than once',
			},
			attachmentOptions[1],
			sendersOption,
			{
				displayName: 'Verify Source IP',
				name: 'verifySourceIp',
				type: 'boolean',
				default: true,
				description: `Whether to accept notifications only from Yandex Market's addresses (${MARKET_RANGES.join(', ')}); others get 403. Behind a reverse proxy n8n must trust it (N8N_PROXY_HOPS) to see the real address.`,
			},
		],
	},
];
