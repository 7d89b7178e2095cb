/**
 * Reviews and questions: the settings for what Market's spec leaves open, the buyer actions of
 * the admin API, and the notifications the simulator puts in its outbox.
 */
import type {
	AnswerCommentRecord,
	AnswerRecord,
	FeedbackCommentAuthorType,
	FeedbackCommentRecord,
	FeedbackRecord,
	QuestionAuthorType,
	QuestionRecord,
	TextStatus,
} from './goodsFixtures';

// ---------------------------------------------------------------------------
// Settings: one for each point the spec leaves open. Each is a startSimulator option, a
// property of the simulator to change at run time, and an environment variable for a whole
// run (settings.ts lists the variables and defaults).
// ---------------------------------------------------------------------------

/**
 * The order of reviews (getGoodsFeedbacks) and of review comments (getGoodsFeedbackComments):
 * the spec says "in order of publication" without a direction.
 * - `publishedDesc`: latest published first; `publishedAsc`: earliest first;
 * - `createdDesc`: latest written first, which looks like the latest published first until a
 *   review is published out of the order it was written in;
 * - `shuffled`: a new random order for every listing (its pages follow that listing's order).
 * Comments carry no date; the simulator keeps when each was written.
 */
export type FeedbackOrder = 'publishedDesc' | 'publishedAsc' | 'createdDesc' | 'shuffled';
export const FEEDBACK_ORDERS: readonly FeedbackOrder[] = [
	'publishedDesc',
	'publishedAsc',
	'createdDesc',
	'shuffled',
];

/** Which date getGoodsFeedbacks' dateTimeFrom/dateTimeTo (and its default window) filter on. */
export type FeedbackDateFilter = 'published' | 'created';
export const FEEDBACK_DATE_FILTERS: readonly FeedbackDateFilter[] = ['published', 'created'];

/**
 * The order of questions when the request has no `sort`, and of answers and the comments in each
 * answer (the spec states none for those).
 */
export type QuestionOrder = 'createdDesc' | 'createdAsc' | 'shuffled';
export const QUESTION_ORDERS: readonly QuestionOrder[] = ['createdDesc', 'createdAsc', 'shuffled'];

/**
 * What getGoodsQuestions' `needAnswer: true` keeps: questions without an answer of the store
 * (`noStoreAnswer`), or questions without any answer (`noAnswer`).
 */
export type NeedAnswerRule = 'noStoreAnswer' | 'noAnswer';
export const NEED_ANSWER_RULES: readonly NeedAnswerRule[] = ['noStoreAnswer', 'noAnswer'];

/**
 * Whether getGoodsQuestions' date window (the default month included) applies to questions asked
 * for by `questionIds` (`apply`), or `questionIds` finds them whatever their date (`bypass`).
 */
export type QuestionIdsWindow = 'bypass' | 'apply';
export const QUESTION_IDS_WINDOWS: readonly QuestionIdsWindow[] = ['bypass', 'apply'];

/**
 * An answer lists at most 100 comments (AnswerDTO.comments maxItems). With 100 there, a new one is
 * refused with 400 (`refuse`), or is added and the answer shows its first 100 (`first`) or its
 * latest 100 (`latest`), in the answer order.
 */
export type AnswerCommentCap = 'refuse' | 'first' | 'latest';
export const ANSWER_COMMENT_CAPS: readonly AnswerCommentCap[] = ['refuse', 'first', 'latest'];

/**
 * Whether Market notifies the store's own comments and answers (author BUSINESS). The spec is
 * silent; it does notify the store's own chat messages. `notified` (default) or `silent`.
 */
export type OwnNotifications = 'notified' | 'silent';
export const OWN_NOTIFICATIONS: readonly OwnNotifications[] = ['notified', 'silent'];

/**
 * Whether getGoodsQuestions orders by its `sort` (`honored`), or lists in `questionOrder`
 * whatever `sort` says (`ignored`: a client that relies on `sort` is caught).
 */
export type QuestionSort = 'honored' | 'ignored';
export const QUESTION_SORTS: readonly QuestionSort[] = ['honored', 'ignored'];

/**
 * How long a buyer's review or question is in moderation, between when it is written
 * (`createdAt`) and when Market lists it, when the admin call does not say: `none`, `minutes`
 * (10 minutes) or `days` (3 days). Market states no bound.
 */
export type ModerationDelay = 'none' | 'minutes' | 'days';
export const MODERATION_DELAYS: readonly ModerationDelay[] = ['none', 'minutes', 'days'];
export const MODERATION_DELAY_MS: Record<ModerationDelay, number> = {
	none: 0,
	minutes: 10 * 60_000,
	days: 3 * 86_400_000,
};

export interface GoodsSettings {
	feedbackOrder: FeedbackOrder;
	feedbackCommentOrder: FeedbackOrder;
	feedbackDateFilter: FeedbackDateFilter;
	questionOrder: QuestionOrder;
	answerOrder: QuestionOrder;
	questionNeedAnswer: NeedAnswerRule;
	questionIdsWindow: QuestionIdsWindow;
	answerCommentCap: AnswerCommentCap;
	ownNotifications: OwnNotifications;
	questionSort: QuestionSort;
	moderationDelay: ModerationDelay;
}

// ---------------------------------------------------------------------------
// Notifications (notification-api: GoodsFeedback*NotificationDTO, Question*NotificationDTO)
// ---------------------------------------------------------------------------

export type MarketNotification =
	| {
			notificationType: 'GOODS_FEEDBACK_CREATED';
			feedbackId: number;
			businessId: number;
			createdAt: string;
			publishedAt: string;
	  }
	| {
			notificationType: 'GOODS_FEEDBACK_COMMENT_CREATED';
			commentId: number;
			businessId: number;
			createdAt: string;
	  }
	| {
			notificationType: 'QUESTION_CREATED';
			questionId: number;
			businessId: number;
			createdAt: string;
	  }
	| {
			notificationType: 'QUESTION_ANSWER_CREATED';
			answerId: number;
			businessId: number;
			createdAt: string;
	  }
	| {
			notificationType: 'QUESTION_COMMENT_CREATED';
			answerId: number;
			commentId: number;
			businessId: number;
			createdAt: string;
	  };

// ---------------------------------------------------------------------------
// Buyer actions (admin API)
// ---------------------------------------------------------------------------

export interface AddFeedbackInput {
	businessId: number;
	offerId: string;
	/** 1 to 5. */
	rating: number;
	advantages?: string;
	disadvantages?: string;
	comment?: string;
	/** The author's name; none: an anonymous review. */
	author?: string;
	orderId?: number;
	photos?: string[];
	videos?: string[];
	recommended?: boolean;
	/** Plus points the author got for it (a "paid" review when > 0). */
	paidAmount?: number;
	/** When it passed moderation and was published; default now (not later than now). */
	publishedAt?: string;
	/** When the buyer wrote it; default `publishedAt` minus `moderationMs`. */
	createdAt?: string;
	/** Time in moderation, between createdAt and publishedAt. Default: `moderationDelay`'s. */
	moderationMs?: number;
	feedbackId?: number;
}

export interface AddFeedbackCommentInput {
	/** Default: a buyer's short reply. */
	text?: string;
	/** The comment it answers; none: it answers the review. */
	parentId?: number;
	/** Default USER (another buyer or the author). */
	authorType?: FeedbackCommentAuthorType;
	authorName?: string;
	/** Default PUBLISHED. */
	status?: TextStatus;
	/** Default: true for BUSINESS (the store's own), else false. */
	canModify?: boolean;
	createdAt?: string;
}

export interface AddQuestionInput {
	businessId: number;
	offerId: string;
	categoryId?: number;
	/** Default: a buyer's question. */
	text?: string;
	authorName?: string;
	/** When the buyer asked it; it is listed from now on. Default: now less `moderationDelay`'s. */
	createdAt?: string;
	questionId?: number;
}

export interface AddAnswerInput {
	text?: string;
	/** Default USER (another buyer). */
	authorType?: QuestionAuthorType;
	authorName?: string;
	/** Default PUBLISHED. */
	status?: TextStatus;
	/** Default: true for BUSINESS, else false. */
	canModify?: boolean;
	createdAt?: string;
}

export interface AddAnswerCommentInput extends AddAnswerInput {
	/** The comment it answers, in the same answer. */
	parentId?: number;
}

/** Buyer (and Market) actions on reviews and questions; each notifies as Market would. */
export interface GoodsAdmin {
	/** A buyer's review, published (GOODS_FEEDBACK_CREATED once published). */
	addFeedback(input: AddFeedbackInput): FeedbackRecord;
	/** A comment on a review or on a comment (GOODS_FEEDBACK_COMMENT_CREATED). */
	addFeedbackComment(feedbackId: number, input?: AddFeedbackCommentInput): FeedbackCommentRecord;
	/** The buyer or Market deletes a review: it leaves every list, its comments too. */
	deleteFeedback(feedbackId: number): void;
	/** A buyer's question (QUESTION_CREATED). */
	addQuestion(input: AddQuestionInput): QuestionRecord;
	/** An answer by another user, the vendor, a brand… (QUESTION_ANSWER_CREATED). */
	addAnswer(questionId: number, input?: AddAnswerInput): AnswerRecord;
	/** A comment on an answer (QUESTION_COMMENT_CREATED). */
	addAnswerComment(answerId: number, input?: AddAnswerCommentInput): AnswerCommentRecord;
	/** The buyer or Market deletes a question: it leaves every list. */
	deleteQuestion(questionId: number): void;
}
