import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { searchBusinesses } from './listSearch/searchBusinesses';
import { properties, webhooks } from './trigger/descriptions';
import { runOnce } from './trigger/runOnce';
import { receiveNotification } from './trigger/webhook';

/**
 * Receives Yandex Market's API notifications (chats, orders, returns, reviews, questions).
 * - descriptions.ts: the parameters and the two webhooks (why two: see there);
 * - webhook.ts: what happens to one notification, step by step;
 * - runOnce.ts: the execution's first step, one execution per event across n8n processes;
 * - notifications.ts: the notification types, what makes one processable, event keys;
 * - business.ts: the business of a notification that names none;
 * - sourceIp.ts, duplicates.ts, details.ts, replies.ts: the steps' parts.
 */
export class YandexMarketTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Yandex Market Trigger',
		name: 'yandexMarketTrigger',
		icon: {
			light: 'file:../../icons/yandexMarket.svg',
			dark: 'file:../../icons/yandexMarket.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description:
			'Starts the workflow when Yandex Market sends a notification: new chats and messages, orders, returns, reviews, questions',
		defaults: { name: 'Yandex Market Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'yandexMarketApi', required: true }],
		webhooks,
		properties,
	};

	// The Business option's list.
	methods = { listSearch: { searchBusinesses } };

	// Market has no API to register the address: the seller pastes it in the cabinet.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveNotification.call(this);
	}

	// n8n runs it with the webhook's items when the execution starts (on a worker in queue mode).
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOnce.call(this);
	}
}
