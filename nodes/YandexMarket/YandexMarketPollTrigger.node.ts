import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { searchBusinesses } from './listSearch/searchBusinesses';
import { properties } from './poll/descriptions';
import { pollWatched } from './poll/poll';

/**
 * Asks Market for new chat messages, reviews or questions on n8n's poll schedule: for sellers
 * without a public URL.
 * - descriptions.ts: the parameters;
 * - poll.ts: one poll, from the cursor to the items;
 * - cursor.ts: what is new and what to read, kept across restarts in static data;
 * - goods.ts, goodsCursor.ts: the same for reviews and questions.
 */
export class YandexMarketPollTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Yandex Market Polling Trigger',
		name: 'yandexMarketPollTrigger',
		icon: {
			light: 'file:../../icons/yandexMarket.svg',
			dark: 'file:../../icons/yandexMarket.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: 'New chat messages, reviews or questions',
		description:
			'Starts the workflow for new messages in Yandex Market buyer chats, new reviews or new questions, asking Market on a schedule: no public URL needed',
		defaults: { name: 'Yandex Market Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'yandexMarketApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchBusinesses } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollWatched.call(this);
	}
}
