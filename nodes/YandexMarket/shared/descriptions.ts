import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { DEFAULT_MAX_RATE_LIMIT_WAIT_S, LIMITS } from './constants';

/** The editor's check of an ID typed "By ID"; the node checks again at run time (expressions). */
const wholeNumber = (label: string, field: string) => [
	{
		type: 'regex' as const,
		properties: {
			regex: '^\\s*[1-9][0-9]*\\s*$',
			errorMessage: `${label} (${field}) must be a whole number of 1 or more`,
		},
	},
];

export const businessIdLocator: INodeProperties = {
	displayName: 'Business',
	name: 'businessId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		'The seller cabinet (business) the chats belong to. In the seller cabinet it is the number in the address after /business/.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a business...',
			typeOptions: { searchListMethod: 'searchBusinesses', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 123456',
			validation: wholeNumber('Business ID', 'businessId'),
		},
	],
};

export const chatIdLocator: INodeProperties = {
	displayName: 'Chat',
	name: 'chatId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The chat with the buyer. Triggers and Get Many give it as chatId.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a chat...',
			typeOptions: { searchListMethod: 'searchChats', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 5678',
			validation: wholeNumber('Chat ID', 'chatId'),
		},
	],
};

/** "Return All" and "Limit" for a list operation; `pageSize` is Market's page maximum. */
export function returnAllAndLimit(
	show: Record<string, string[]>,
	what: string,
	pageSize: number,
): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			displayOptions: { show },
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			displayOptions: { show: { ...show, returnAll: [false] } },
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			hint: `Market returns at most ${pageSize} ${what} per request; the node asks for more pages as needed`,
		},
	];
}

/** How long an item may wait for a spent hourly quota of Market to reset, on every operation. */
export const maxRateLimitWait: INodeProperties = {
	displayName: 'Max Wait on Rate Limit (Seconds)',
	name: 'maxRateLimitWait',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: DEFAULT_MAX_RATE_LIMIT_WAIT_S,
	description:
		"When Market's hourly limit for a method is used up, the node waits up to this long for it to reset and then goes on; past it the item fails and nothing is sent. 0 fails at once. Short waits for Market's 4-requests-at-a-time limit are always made.",
};

/** ChatStatusType, as both Chat → Get Many and the Polling Trigger filter by it. */
export const chatStatusOptions: INodePropertyOptions[] = [
	{ name: 'Finished', value: 'FINISHED' },
	{ name: 'New', value: 'NEW' },
	{ name: 'Waiting for Arbiter', value: 'WAITING_FOR_ARBITER' },
	{ name: 'Waiting for Customer', value: 'WAITING_FOR_CUSTOMER' },
	{ name: 'Waiting for Market', value: 'WAITING_FOR_MARKET' },
	{ name: 'Waiting for Partner (Your Answer)', value: 'WAITING_FOR_PARTNER' },
];

/**
 * The text of a message, a review reply, or a question's answer or comment: one property for
 * all of them, because n8n's RoutingNode resolves every declared property by name for every
 * item (twice); three properties named `text` evaluated a Send's text expression six times.
 * Each operation checks its own limit before sending (not `required`: n8n would stop the run
 * with a bare "Text is required" instead of naming Market's limit).
 */
export const textField: INodeProperties = {
	displayName: 'Text',
	name: 'text',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	displayOptions: {
		show: {
			resource: ['message', 'review', 'question'],
			operation: ['send', 'reply', 'updateReply', 'answer', 'updateAnswer', 'comment'],
		},
	},
	description: `What the buyer reads: a message or a review reply of ${LIMITS.messageMinChars}–${LIMITS.messageMaxChars} characters, an answer or comment on a question of 1–${LIMITS.answerMaxChars}. Market refuses a review reply with the store's contacts (e-mail, phone) or links other than to Market.`,
};
