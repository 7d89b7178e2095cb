import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { searchBusinesses } from './listSearch/searchBusinesses';
import { searchChats } from './listSearch/searchChats';
import { chatDescription } from './resources/chat';
import { messageDescription } from './resources/message';
import { DEFAULT_BASE_URL } from './shared/constants';
import { businessIdLocator, chatIdLocator, maxRateLimitWait } from './shared/descriptions';

export class YandexMarket implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Yandex Market',
		name: 'yandexMarket',
		icon: {
			light: 'file:../../icons/yandexMarket.svg',
			dark: 'file:../../icons/yandexMarket.dark.svg',
		},
		group: ['output'],
		version: 1,
		// The chosen operation's action, e.g. "Send a message", under the node on the canvas.
		subtitle:
			'={{ {"chat:create":"Create a chat","chat:get":"Get a chat","chat:getHistory":"Get the messages of a chat","chat:getAll":"Get many chats","message:get":"Get a message","message:send":"Send a message","message:sendFile":"Send a file"}[$parameter["resource"] + ":" + $parameter["operation"]] }}',
		description: 'Read and answer Yandex Market buyer chats',
		defaults: { name: 'Yandex Market' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'yandexMarketApi', required: true }],
		// Each operation's routing hands its request to shared/run.ts, which sends it with
		// n8n's routing request through shared/transport.ts (signing, limits, retries, errors).
		// A fixed base URL: n8n would resolve an expression here twice for every item. The
		// credential's Base URL, when it is another, is applied once per execution (shared/run.ts).
		requestDefaults: {
			baseURL: DEFAULT_BASE_URL,
			headers: { Accept: 'application/json' },
		},
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Chat', value: 'chat' },
					{ name: 'Message', value: 'message' },
				],
				default: 'chat',
			},
			// Each resource's Operation first, then the fields several operations share, declared
			// once: n8n's RoutingNode resolves every declared property for every item.
			chatDescription[0],
			messageDescription[0],
			businessIdLocator,
			{
				...chatIdLocator,
				displayOptions: {
					show: {
						resource: ['chat', 'message'],
						operation: ['get', 'getHistory', 'send', 'sendFile'],
					},
				},
			},
			...chatDescription.slice(1),
			...messageDescription.slice(1),
			maxRateLimitWait,
		],
	};

	methods = {
		listSearch: {
			searchBusinesses,
			searchChats,
		},
	};
}
