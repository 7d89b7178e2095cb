/**
 * Every Market method the package calls, one descriptor each, by its operation ID in Market's
 * OpenAPI. The transport reads whether a repeat is safe, the pager where a list's entries are,
 * the errors the quota, the wording of an unknown outcome and what a 404 means, and Retry On
 * Fail's memory which calls create something.
 */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

/** Market's hourly quota per business: one amount, or one per subscription tier. */
export type HourlyLimit = number | Readonly<{ none: number; medium: number }>;

export interface MarketMethodSpec {
	method: IHttpRequestMethods;
	/** Path below the base URL; `{businessId}` is filled in. */
	path: string;
	/** `x-resource-limit-config`: requests per hour and business. */
	hourlyLimit: HourlyLimit;
	/** Lists: the most Market returns per page, and where a page's entries are in its answer. */
	pages?: { pageSize: number; entries: (body: IDataObject) => IDataObject[] };
	/** Lists that read entries by their IDs: the request field that takes them (not to be combined with filters). */
	byIds?: string;
	/**
	 * Reads by ID that Market may also limit to its default date window (the spec does not say):
	 * the window's length, and the entry's date. See `findById` in pager.ts.
	 */
	idsWindow?: { months: number; dateOf: (entry: IDataObject) => unknown };
	/**
	 * Set for methods that create or send something a buyer sees: a repeat after an unknown
	 * outcome (5xx, timeout, dropped connection) could create it twice, so it is reported, not
	 * repeated. `what` is what may exist now; `check` is how the seller finds out.
	 */
	creates?: { what: string; check: string };
	/** What Market does not know when it answers 404. */
	notFound: string;
}

const resultList =
	(key: string) =>
	(body: IDataObject): IDataObject[] => {
		const list = (body.result as IDataObject | undefined)?.[key];
		return Array.isArray(list) ? (list as IDataObject[]) : [];
	};

const CHAT_NOT_FOUND = 'this business, chat or message';

export const MARKET_METHODS = {
	getChats: {
		method: 'POST',
		path: '/v2/businesses/{businessId}/chats',
		hourlyLimit: 5000,
		pages: { pageSize: 20, entries: resultList('chats') },
		notFound: CHAT_NOT_FOUND,
	},
	// Repeating createChat is harmless: Market returns the chat that exists.
	createChat: {
		method: 'POST',
		path: '/v2/businesses/{businessId}/chats/new',
		hourlyLimit: 1000,
		notFound: 'this business, order or return',
	},
	getChat: {
		method: 'GET',
		path: '/v2/businesses/{businessId}/chat',
		hourlyLimit: 1000,
		notFound: CHAT_NOT_FOUND,
	},
	getChatHistory: {
		method: 'POST',
		path: '/v2/businesses/{businessId}/chats/history',
		hourlyLimit: 10000,
		pages: { pageSize: 100, entries: resultList('messages') },
		notFound: CHAT_NOT_FOUND,
	},
	sendMessageToChat: {
		method: 'POST',
		path: '/v2/businesses/{businessId}/chats/message',
		hourlyLimit: 1000,
		creates: {
			what: 'the message may have been delivered',
			check: 'Check the chat with Chat → Get History before sending the message again.',
		},
		notFound: CHAT_NOT_FOUND,
	},
	getChatMessage: {
		method: 'GET',
		path: '/v2/businesses/{businessId}/chats/message',
		hourlyLimit: 1000,
		notFound: CHAT_NOT_FOUND,
	},
	sendFileToChat: {
		method: 'POST',
		path: '/v2/businesses/{businessId}/chats/file/send',
		hourlyLimit: 1000,
		creates: {
			what: 'the file may have been delivered',
			check: 'Check the chat with Chat → Get History before sending the file again.',
		},
		notFound: CHAT_NOT_FOUND,
	},
	getGoodsFeedbacks: {
		method: 'POST',
		path: '/v2/businesses/{businessId}/goods-feedback',
		hourlyLimit: { none: 5000, medium: 10000 },
		pages: { pageSize: 50, entries: resultList('feedbacks') },
		byIds: 'feedbackIds',
		notFound: 'this business or review',
	},
	getGoodsFeedbackComments: {
		method: 'POST',
		path: '/v2/businesses/{businessId}/goods-feedback/comments',
		hourlyLimit: { none: 5000, medium: 10000 },
		pages: { pageSize: 50, entries: resultList('comments') },
		byIds: 'commentIds',
		notFound: 'this business, review or comment',
	},
	// Creates a reply without `comment.id`, edits one with it: either way not repeated blindly.
	updateGoodsFeedbackComment: {
		method: 'POST',
		path: '/v2/businesses/{businessId}/goods-feedback/comments/update',
		hourlyLimit: 1000,
		creates: {
			// Also edits (comment.id set): the wording covers both.
			what: 'the reply (or its edit) may have been published',
			check: "Check the review's comments with Review → Get Comments before trying again.",
		},
		notFound: 'this business, review or comment',
	},
	deleteGoodsFeedbackComment: {
		method: 'POST',
		path: '/v2/businesses/{businessId}/goods-feedback/comments/delete',
		hourlyLimit: 1000,
		notFound: 'this business or comment',
	},
	skipGoodsFeedbacksReaction: {
		method: 'POST',
		path: '/v2/businesses/{businessId}/goods-feedback/skip-reaction',
		hourlyLimit: { none: 500, medium: 1000 },
		notFound: 'this business or review',
	},
	getGoodsQuestions: {
		method: 'POST',
		path: '/v1/businesses/{businessId}/goods-questions',
		hourlyLimit: { none: 1000, medium: 5000 },
		pages: { pageSize: 50, entries: resultList('questions') },
		byIds: 'questionIds',
		idsWindow: { months: 1, dateOf: (question) => question.createdAt },
		notFound: 'this business or question',
	},
	getGoodsQuestionAnswers: {
		method: 'POST',
		path: '/v1/businesses/{businessId}/goods-questions/answers',
		hourlyLimit: { none: 1000, medium: 5000 },
		pages: { pageSize: 50, entries: resultList('answers') },
		byIds: 'answerIds',
		notFound: 'this business, question or answer',
	},
	// CREATE adds an answer or a comment on every call; UPDATE and DELETE are not repeated blindly either.
	updateGoodsQuestionTextEntity: {
		method: 'POST',
		path: '/v1/businesses/{businessId}/goods-questions/update',
		hourlyLimit: { none: 500, medium: 1000 },
		creates: {
			// One method creates, edits and deletes answers and comments.
			what: 'the answer or comment may have been published, changed or deleted',
			check: "Check the question's answers with Question → Get Answers before trying again.",
		},
		notFound: 'this business, question, answer or comment',
	},
	getAuthTokenInfo: {
		method: 'POST',
		path: '/v2/auth/token',
		hourlyLimit: 100,
		notFound: 'this API key',
	},
	getCampaigns: {
		method: 'GET',
		path: '/v2/campaigns',
		hourlyLimit: 1000,
		notFound: "this API key's stores",
	},
} as const satisfies Record<string, MarketMethodSpec>;

export type MarketMethod = keyof typeof MARKET_METHODS;

/** The descriptor of a method, widened (the table above keeps its literal types). */
export function methodSpec(method: MarketMethod): MarketMethodSpec {
	return MARKET_METHODS[method] as MarketMethodSpec;
}

/** The body that asks a list method for the one entry with this ID (e.g. `{ feedbackIds: [id] }`). */
export function oneByIdBody(method: MarketMethod, id: unknown): IDataObject {
	const field = methodSpec(method).byIds;
	if (!field) throw new Error(`${method} does not read entries by their IDs`);
	return { [field]: [id] };
}

/** Whether a call of the method may be repeated when its outcome is unknown. */
export function isRepeatable(method: MarketMethod): boolean {
	return methodSpec(method).creates === undefined;
}

/** The method's path with the business filled in. */
export function methodPath(method: MarketMethod, businessId?: number): string {
	return methodSpec(method).path.replace('{businessId}', String(businessId ?? ''));
}
