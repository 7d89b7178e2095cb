/** Market's methods as the simulator serves them: routes, scopes and hourly limits. */
import type { ApiKeyScope } from './fixtures';
import type { OperationId, SubscriptionTier } from './types';

// ---------------------------------------------------------------------------
// Operations: routes, scopes and limits (from the spec's x-auth-scopes and
// x-resource-limit-config of each path).
// ---------------------------------------------------------------------------

export interface OperationSpec {
	id: OperationId;
	method: 'GET' | 'POST';
	/** Path template as in the spec. */
	path: string;
	/** Api-Key scopes that may call it. */
	scopes: readonly ApiKeyScope[];
	/**
	 * Requests per hour (x-resource-limit-config amount): one number when every tier has it,
	 * else the amount of each tier (the simulator's `subscriptionTier` picks one).
	 */
	hourlyLimit: HourlyLimit;
	/** Whether the path has {businessId} (limits and parallelism are per business). */
	businessScoped: boolean;
}

const CHAT_READ: readonly ApiKeyScope[] = ['ALL_METHODS', 'ALL_METHODS_READ_ONLY', 'COMMUNICATION'];
const CHAT_WRITE: readonly ApiKeyScope[] = ['ALL_METHODS', 'COMMUNICATION'];
// getAuthTokenInfo and getCampaigns list every scope there is.
const ANY_SCOPE: readonly ApiKeyScope[] = [
	'ALL_METHODS',
	'ALL_METHODS_READ_ONLY',
	'SETTINGS_MANAGEMENT',
	'FINANCE_AND_ACCOUNTING',
	'OFFERS_AND_CARDS_MANAGEMENT',
	'OFFERS_AND_CARDS_MANAGEMENT_READ_ONLY',
	'PRICING',
	'PRICING_READ_ONLY',
	'INVENTORY_AND_ORDER_PROCESSING',
	'INVENTORY_AND_ORDER_PROCESSING_READ_ONLY',
	'PROMOTION',
	'PROMOTION_READ_ONLY',
	'COMMUNICATION',
	'SUPPLIES_MANAGEMENT_READ_ONLY',
];

export type HourlyLimit = number | Readonly<Record<SubscriptionTier, number>>;

/** A method's hourly amount in a tier. */
export function hourlyAmount(spec: OperationSpec, tier: SubscriptionTier): number {
	return typeof spec.hourlyLimit === 'number' ? spec.hourlyLimit : spec.hourlyLimit[tier];
}

const op = (
	id: OperationId,
	method: 'GET' | 'POST',
	path: string,
	scopes: readonly ApiKeyScope[],
	hourlyLimit: HourlyLimit,
): OperationSpec => ({
	id,
	method,
	path,
	scopes,
	hourlyLimit,
	businessScoped: path.includes('{businessId}'),
});

export const OPERATIONS: Readonly<Record<OperationId, OperationSpec>> = {
	getChats: op('getChats', 'POST', '/v2/businesses/{businessId}/chats', CHAT_READ, 5000),
	createChat: op('createChat', 'POST', '/v2/businesses/{businessId}/chats/new', CHAT_WRITE, 1000),
	getChat: op('getChat', 'GET', '/v2/businesses/{businessId}/chat', CHAT_READ, 1000),
	getChatHistory: op(
		'getChatHistory',
		'POST',
		'/v2/businesses/{businessId}/chats/history',
		CHAT_READ,
		10000,
	),
	sendMessageToChat: op(
		'sendMessageToChat',
		'POST',
		'/v2/businesses/{businessId}/chats/message',
		CHAT_WRITE,
		1000,
	),
	getChatMessage: op(
		'getChatMessage',
		'GET',
		'/v2/businesses/{businessId}/chats/message',
		CHAT_READ,
		1000,
	),
	sendFileToChat: op(
		'sendFileToChat',
		'POST',
		'/v2/businesses/{businessId}/chats/file/send',
		CHAT_WRITE,
		1000,
	),
	getAuthTokenInfo: op('getAuthTokenInfo', 'POST', '/v2/auth/token', ANY_SCOPE, 100),
	getCampaigns: op('getCampaigns', 'GET', '/v2/campaigns', ANY_SCOPE, 1000),
	// Reviews (/v2) and questions (/v1): the same read and write scopes as chats.
	getGoodsFeedbacks: op(
		'getGoodsFeedbacks',
		'POST',
		'/v2/businesses/{businessId}/goods-feedback',
		CHAT_READ,
		{ none: 5000, medium: 10000 },
	),
	getGoodsFeedbackComments: op(
		'getGoodsFeedbackComments',
		'POST',
		'/v2/businesses/{businessId}/goods-feedback/comments',
		CHAT_READ,
		{ none: 5000, medium: 10000 },
	),
	updateGoodsFeedbackComment: op(
		'updateGoodsFeedbackComment',
		'POST',
		'/v2/businesses/{businessId}/goods-feedback/comments/update',
		CHAT_WRITE,
		1000,
	),
	deleteGoodsFeedbackComment: op(
		'deleteGoodsFeedbackComment',
		'POST',
		'/v2/businesses/{businessId}/goods-feedback/comments/delete',
		CHAT_WRITE,
		1000,
	),
	skipGoodsFeedbacksReaction: op(
		'skipGoodsFeedbacksReaction',
		'POST',
		'/v2/businesses/{businessId}/goods-feedback/skip-reaction',
		CHAT_WRITE,
		{ none: 500, medium: 1000 },
	),
	getGoodsQuestions: op(
		'getGoodsQuestions',
		'POST',
		'/v1/businesses/{businessId}/goods-questions',
		CHAT_READ,
		{ none: 1000, medium: 5000 },
	),
	getGoodsQuestionAnswers: op(
		'getGoodsQuestionAnswers',
		'POST',
		'/v1/businesses/{businessId}/goods-questions/answers',
		CHAT_READ,
		{ none: 1000, medium: 5000 },
	),
	updateGoodsQuestionTextEntity: op(
		'updateGoodsQuestionTextEntity',
		'POST',
		'/v1/businesses/{businessId}/goods-questions/update',
		CHAT_WRITE,
		{ none: 500, medium: 1000 },
	),
};

/** SendFileToChatRequest: "Максимальный размер файла — 5 Мбайт". */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** SendMessageToChatRequest.message maxLength (Unicode code points, as JSON Schema counts). */
export const MAX_MESSAGE_LENGTH = 4096;
/** GoodsFeedbackCommentText maxLength (code points). */
export const MAX_FEEDBACK_COMMENT_LENGTH = 4096;
/** QuestionsTextContent maxLength (code points). */
export const MAX_QUESTION_TEXT_LENGTH = 5000;
/** PageLimit50: the page size of the review and question lists (default 25). */
export const GOODS_PAGE_LIMIT = { max: 50, default: 25 } as const;
/** Hard cap on a request body the simulator reads (well above a 5 MB file plus multipart overhead). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
export const HOUR_MS = 3_600_000;

export interface Route {
	spec: OperationSpec;
	regex: RegExp;
}

export const ROUTES: Route[] = Object.values(OPERATIONS).map((spec) => ({
	spec,
	regex: new RegExp('^' + spec.path.replace('{businessId}', '([^/]+)') + '$'),
}));
