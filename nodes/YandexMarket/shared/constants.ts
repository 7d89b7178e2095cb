import { name as packageName, version as packageVersion } from '../../../package.json';

/** Sent with every request so Market can tell which integration is calling (its docs ask for it). */
export const INTEGRATION_HEADER = 'X-Market-Integration';
export const INTEGRATION_NAME = `${packageName}/${packageVersion}`;
export { packageName, packageVersion };

export const CREDENTIAL_TYPE = 'yandexMarketApi';
export const DEFAULT_BASE_URL = 'https://api.partner.market.yandex.ru';

/** Limits from Market's OpenAPI description of the chat methods. */
export const LIMITS = {
	messageMinChars: 1,
	messageMaxChars: 4096,
	fileMaxBytes: 5 * 1024 * 1024,
	chatsPageMax: 20,
	historyPageMax: 100,
	/** Market allows at most 4 requests in flight per business. */
	parallelPerBusiness: 4,
} as const;

/**
 * The Market methods the package calls, by their operation IDs in Market's OpenAPI, with
 * each one's hourly quota per business (`x-resource-limit-config`). `sends` marks the
 * methods whose effect a buyer sees: those are never repeated when their outcome is unknown.
 */
export const MARKET_METHODS = {
	getChats: { hourlyLimit: 5000 },
	// Repeating createChat is harmless: Market returns the chat that exists.
	createChat: { hourlyLimit: 1000 },
	getChat: { hourlyLimit: 1000 },
	getChatHistory: { hourlyLimit: 10000 },
	sendMessageToChat: { hourlyLimit: 1000, sends: true },
	getChatMessage: { hourlyLimit: 1000 },
	sendFileToChat: { hourlyLimit: 1000, sends: true },
	getAuthTokenInfo: { hourlyLimit: 100 },
	getCampaigns: { hourlyLimit: 1000 },
} as const satisfies Record<string, { hourlyLimit: number; sends?: boolean }>;

export type MarketMethod = keyof typeof MARKET_METHODS;

/** How long the node waits by default for a spent hourly quota to reset before it fails the item. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_S = 60;
