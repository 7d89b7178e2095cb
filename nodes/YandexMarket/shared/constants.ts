import { name as packageName, version as packageVersion } from '../../../package.json';
import { MARKET_METHODS } from './methods';

/** Sent with every request so Market can tell which integration is calling (its docs ask for it). */
export const INTEGRATION_HEADER = 'X-Market-Integration';
export const INTEGRATION_NAME = `${packageName}/${packageVersion}`;
export { packageName, packageVersion };

export const CREDENTIAL_TYPE = 'yandexMarketApi';
export const DEFAULT_BASE_URL = 'https://api.partner.market.yandex.ru';

/** Limits from Market's OpenAPI descriptions (chats, goods-feedback, goods-questions). */
export const LIMITS = {
	messageMinChars: 1,
	messageMaxChars: 4096,
	/** GoodsFeedbackCommentText. */
	replyMaxChars: 4096,
	/** updateGoodsQuestionTextEntity's `text`. */
	answerMaxChars: 5000,
	fileMaxBytes: 5 * 1024 * 1024,
	chatsPageMax: MARKET_METHODS.getChats.pages.pageSize,
	historyPageMax: MARKET_METHODS.getChatHistory.pages.pageSize,
	/** Market allows at most 4 requests in flight per business. */
	parallelPerBusiness: 4,
} as const;

/** How long the node waits by default for a spent hourly quota to reset before it fails the item. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_S = 60;
