/** The simulator's public types: its options, what it records, its state and its admin API. */
import type {
	ChatContextType,
	ChatRecord,
	ChatStatus,
	ChatType,
	CustomerRecord,
	Fixtures,
	MessageRecord,
	SenderType,
} from './fixtures';
import type { GoodsAdmin, MarketNotification, GoodsSettings } from './goodsTypes';
import type { MultipartPart } from './multipart';

export type { MultipartPart };

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

export type OperationId =
	| 'getChats'
	| 'createChat'
	| 'getChat'
	| 'getChatHistory'
	| 'sendMessageToChat'
	| 'getChatMessage'
	| 'sendFileToChat'
	| 'getAuthTokenInfo'
	| 'getCampaigns'
	| 'getGoodsFeedbacks'
	| 'getGoodsFeedbackComments'
	| 'updateGoodsFeedbackComment'
	| 'deleteGoodsFeedbackComment'
	| 'skipGoodsFeedbacksReaction'
	| 'getGoodsQuestions'
	| 'getGoodsQuestionAnswers'
	| 'updateGoodsQuestionTextEntity';

/**
 * The seller's subscription level, which picks the hourly limits of x-resource-limit-config.
 * The spec names two tiers, `none` and `medium`; chat methods have the same amount in both.
 */
export type SubscriptionTier = 'none' | 'medium';
export const SUBSCRIPTION_TIERS: readonly SubscriptionTier[] = ['none', 'medium'];

/**
 * The order in which getChats lists chats, which Market's spec does not state:
 * - `activity`: latest `updatedAt` first (ties: higher chatId first), the default;
 * - `creation`: newest `createdAt` first;
 * - `idAsc`: lowest chatId first;
 * - `shuffled`: a new random order for every listing (its pages follow that listing's order).
 */
export type ChatOrder = 'activity' | 'creation' | 'idAsc' | 'shuffled';
export const CHAT_ORDERS: readonly ChatOrder[] = ['activity', 'creation', 'idAsc', 'shuffled'];

/** Reviews' and questions' settings (goodsTypes.ts) are options too. */
export interface SimulatorOptions extends Partial<GoodsSettings> {
	/** 0 (default) picks a free port. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Seed data; default createFixtures(). The simulator works on a deep copy. */
	fixtures?: Fixtures;
	/** Remaining hourly units per method at start (and after reset), instead of the spec amount. */
	quotas?: Partial<Record<OperationId, number>>;
	/** Max in-flight requests per business (per key for non-business methods); more → 420. Default 4. */
	maxParallel?: number;
	/** Artificial delay per request in ms (held while occupying a parallel slot). Default 0. */
	latencyMs?: number;
	/** Clock for message/chat timestamps and rate-limit windows. Default Date.now. */
	clock?: () => number;
	/** Called after each answer is sent (benchmarks use it to shape quota windows). */
	afterReply?: (record: RecordedRequest) => void;
	/**
	 * Host name in attachment URLs (default: the one it listens on). `localhost` puts the
	 * files on another origin than the API, as Market's file server is.
	 */
	fileHost?: string;
	/** The OAuth token that files with access 'oauth' accept. Default SIM_FILE_TOKEN. */
	fileOAuthToken?: string;
	/** Delay in ms before a file download is answered. Default 0. */
	fileLatencyMs?: number;
	/** getChats' order; default the YM_SIM_CHAT_ORDER environment variable, else `activity`. */
	chatOrder?: ChatOrder;
	/** Seed of the `shuffled` order's random listings. Default 1. */
	chatOrderSeed?: number;
	/** Which tier's hourly limits apply; default YM_SIM_SUBSCRIPTION_TIER, else `none`. */
	subscriptionTier?: SubscriptionTier;
}

/** Who may download an attachment: anyone with the link, a valid Api-Key, or an OAuth token. */
export type FileAccess = 'open' | 'apiKey' | 'oauth';

/** One request for an attachment (not an API call). */
export interface FileRequest {
	fileId: string;
	/** Lower-cased names. */
	headers: Record<string, string>;
	status: number;
}

export interface RecordedRequest {
	/** 1, 2, 3… in arrival order (`requests` is in the same order). */
	seq: number;
	operationId: OperationId | null;
	method: string;
	/** Path without the query string. */
	path: string;
	query: Record<string, string>;
	/** Lower-cased names, raw values (repeated headers joined with ", "). */
	headers: Record<string, string>;
	rawBody: Buffer;
	/** Parsed body when the content type is JSON and it parses. */
	json?: unknown;
	/** Parts when the content type is multipart/form-data and it parses. */
	multipart?: MultipartPart[];
	/** 0 while the request is still in flight. */
	status: number;
	/** Lower-cased names. */
	responseHeaders: Record<string, string>;
	/** The JSON value sent back (a Buffer when failNext injected a non-JSON body). */
	responseBody: unknown;
	startedAt: number;
	endedAt: number;
}

export interface SentMessage {
	businessId: number;
	chatId: number;
	messageId: number;
	message: string;
	at: string;
}

export interface SentFile {
	businessId: number;
	chatId: number;
	messageId: number;
	filename: string;
	contentType?: string;
	size: number;
	data: Buffer;
	at: string;
}

export interface CreatedChat {
	businessId: number;
	chatId: number;
	context: { type: 'ORDER' | 'RETURN'; id: number };
}

/** Live data. Mutated in place; reset() restores the fixtures into the same object. */
export interface SimState extends Fixtures {
	/** Messages sent through sendMessageToChat, in order. */
	sentMessages: SentMessage[];
	/** Files sent through sendFileToChat, with their exact bytes. */
	sentFiles: SentFile[];
	/** Chats created through createChat (not ones that already existed). */
	createdChats: CreatedChat[];
	/**
	 * Ids of attachment files downloaded from `GET <url>/files/<id>` (payload URLs).
	 * Those downloads are not API calls, so they are not in `requests`.
	 */
	downloads: string[];
	/** Every attachment request, answered or refused, with its headers. */
	fileRequests: FileRequest[];
	/**
	 * The outbox: the notifications Market would have posted to the store, in order (reviews,
	 * questions and their comments and answers, the store's own included).
	 */
	notifications: MarketNotification[];
}

export interface AddChatInput {
	businessId: number;
	/** Default 'DIRECT' (a chat the buyer started). */
	contextType?: ChatContextType;
	/** For ORDER/RETURN chats; an unknown order is added to state.orders. */
	orderId?: number;
	/** For RETURN chats; an unknown return is added to state.returns. */
	returnId?: number;
	campaignId?: number;
	customer?: CustomerRecord;
	type?: ChatType;
	status?: ChatStatus;
	chatId?: number;
	createdAt?: string;
}

export interface AddMessageInput {
	/** Default 'CUSTOMER' (simulates a buyer writing). */
	sender?: SenderType;
	message?: string;
	/** Attachments; each becomes a payload entry served at /files/<id>. */
	files?: { name: string; data?: Buffer | string; contentType?: string; access?: FileAccess }[];
	createdAt?: string;
	/** An ID of one's own (e.g. lower than others already there: a message that shows up late). */
	messageId?: number;
	/**
	 * Chat status afterwards. Default: CUSTOMER → WAITING_FOR_PARTNER,
	 * PARTNER → WAITING_FOR_CUSTOMER, others leave it unchanged.
	 */
	status?: ChatStatus;
}

/** Reviews and questions: buyer actions and the settings for what the spec leaves open (goodsTypes.ts). */
export interface Simulator extends GoodsAdmin, GoodsSettings {
	url: string;
	port: number;
	requests: RecordedRequest[];
	state: SimState;
	/** Clears the record, restores fixtures, quotas, counters and injected faults. */
	reset(): void;
	/** Sets the remaining hourly units of a method for every business (sticky until reset). */
	setQuota(op: OperationId, remaining: number): void;
	/** Remaining hourly units of a method for a business (or an Api-Key for non-business methods). */
	quotaRemaining(op: OperationId, scope: number | string): number;
	/** The next `times` (default 1) authorised calls of `op` answer `status` with `body` (default ApiErrorResponse). */
	failNext(op: OperationId, status: number, times?: number, body?: unknown): void;
	/** The next `times` (default 1) authorised calls of `op` meet `fault`. */
	injectFault(op: OperationId, fault: FaultSpec, times?: number): void;
	/**
	 * The hourly quota of `op` is spent until `until` (epoch ms), for every business: calls
	 * answer 420 with Remaining 0 and that Until; afterwards the quota is whole again.
	 */
	spendQuotaUntil(op: OperationId, until: number): void;
	/**
	 * As spendQuotaUntil, for `ms` from the method's next call on (which is refused): a window
	 * that opens when a client gets there, however long it took to start.
	 */
	spendQuotaFromFirstCall(op: OperationId, ms: number): void;
	/** Adds a chat (e.g. a buyer starting a DIRECT chat). */
	addChat(input: AddChatInput): ChatRecord;
	/** Appends a message to a chat (default: the buyer writes) and updates the chat. */
	addMessage(chatId: number, input?: AddMessageInput): MessageRecord;
	/** Removes an attachment file: its link then answers 404. */
	deleteFile(url: string): void;
	/** Removes a message, as if it were deleted. */
	deleteMessage(chatId: number, messageId: number): void;
	setChatStatus(chatId: number, status: ChatStatus): void;
	/** getChats' order from now on (see ChatOrder). */
	chatOrder: ChatOrder;
	/**
	 * The tier whose hourly limits apply from now on; the current window keeps what it used
	 * (its Remaining moves by the difference of the two amounts).
	 */
	subscriptionTier: SubscriptionTier;
	/** A chat's messages, oldest first. */
	messagesOf(chatId: number): MessageRecord[];
	close(): Promise<void>;
}

/** A fault injected into the next calls of a method (see `injectFault`). */
export interface FaultSpec {
	/** The status to answer (default: the operation's own when `process`, else 500). */
	status?: number;
	/** The body: a JSON value, or a string/Buffer sent as is (not JSON). Default ApiErrorResponse. */
	body?: unknown;
	/** Run the operation first (a send is delivered), then answer with the fault. */
	process?: boolean;
	/** Drop the connection instead of answering. */
	reset?: boolean;
	/** Hold the answer this long (ms), as a slow Market does. */
	delayMs?: number;
	/** X-RateLimit-Resource-Remaining and -Until (epoch ms) to report. */
	remaining?: number;
	until?: number;
	/** How many calls pass untouched before the fault applies (e.g. 1: the 2nd page fails). */
	after?: number;
}
