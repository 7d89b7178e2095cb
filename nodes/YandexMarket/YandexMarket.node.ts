import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { searchBusinesses } from './listSearch/searchBusinesses';
import { searchChats } from './listSearch/searchChats';
import { chatDescription } from './resources/chat';
import { messageDescription } from './resources/message';
import { questionDescription, questionIdFields } from './resources/question';
import { reviewDescription, reviewIdFields } from './resources/review';
import { DEFAULT_BASE_URL } from './shared/constants';
import {
	businessIdLocator,
	chatIdLocator,
	maxRateLimitWait,
	textField,
} from './shared/descriptions';

const RESOURCES = [chatDescription, messageDescription, reviewDescription, questionDescription];

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
			'={{ {"chat:create":"Create a chat","chat:get":"Get a chat","chat:getHistory":"Get the messages of a chat","chat:getAll":"Get many chats","message:get":"Get a message","message:send":"Send a message","message:sendFile":"Send a file","review:deleteReply":"Delete the store\'s reply to a review","review:get":"Get a review","review:getComments":"Get the comments of a review","review:getAll":"Get many reviews","review:skipReaction":"Mark a review as handled","review:reply":"Reply to a review","review:updateReply":"Update the store\'s reply to a review","question:answer":"Answer a question","question:comment":"Comment on an answer to a question","question:deleteAnswer":"Delete the store\'s answer to a question","question:get":"Get a question","question:getAnswers":"Get the answers to a question","question:getAll":"Get many questions","question:updateAnswer":"Update the store\'s answer to a question"}[$parameter["resource"] + ":" + $parameter["operation"]] }}',
		description: 'Read and answer Yandex Market buyer chats, product reviews and questions',
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
					{ name: 'Question', value: 'question' },
					{ name: 'Review', value: 'review' },
				],
				default: 'chat',
			},
			// Each resource's Operation first, then the fields several operations share, declared
			// once: n8n's RoutingNode resolves every declared property for every item.
			...RESOURCES.map(([operation]) => operation),
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
			...reviewIdFields,
			...questionIdFields,
			textField,
			...chatDescription.slice(1),
			...messageDescription.slice(1),
			...reviewDescription.slice(1),
			...questionDescription.slice(1),
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
