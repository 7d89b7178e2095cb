/**
 * Seed reviews and questions: deterministic, dated before GOODS_FIXTURE_FACTS.goodsClock
 * (2026-11-21 09:30 Moscow time), the moment at which the facts about default windows hold.
 *
 *  - reviews:   business 1001 → feedbackIds 410001..410070: 410001..410060 published within the
 *               6 months before goodsClock (410001 latest, 70 hours apart), 410061..410068
 *               older, 410069..410070 deleted by their buyers. 1002 → 420001..420003,
 *               1003 → 430001.
 *  - comments:  commentId = feedbackId * 100 + k (k = 1, 2… in the order written).
 *  - questions: business 1001 → questionIds 610001..610062: 610001..610055 asked within the
 *               month before goodsClock (610001 latest), 610056..610061 older, 610062 deleted.
 *               1002 → 620001..620002, 1003 → 630001.
 *  - answers:   answerId = questionId * 100 + k; answer comments: commentId = answerId * 1000 + k.
 */
import { formatMsk, monthsBefore } from './time';

export type FeedbackCommentAuthorType = 'USER' | 'BUSINESS' | 'BRAND';
export type QuestionAuthorType = 'USER' | 'BUSINESS' | 'VENDOR' | 'BRAND';
/** GoodsFeedbackCommentStatusType and QuestionsTextContentModerationStatusType. */
export type TextStatus = 'PUBLISHED' | 'UNMODERATED' | 'BANNED' | 'DELETED';

export const FEEDBACK_COMMENT_AUTHOR_TYPES: readonly FeedbackCommentAuthorType[] = [
	'USER',
	'BUSINESS',
	'BRAND',
];
export const QUESTION_AUTHOR_TYPES: readonly QuestionAuthorType[] = [
	'USER',
	'BUSINESS',
	'VENDOR',
	'BRAND',
];

/** A review as the simulator keeps it; rendered as GoodsFeedbackDTO. */
export interface FeedbackRecord {
	feedbackId: number;
	businessId: number;
	offerId: string;
	orderId?: number;
	/** None: an anonymous review. */
	author?: string;
	rating: number;
	advantages?: string;
	disadvantages?: string;
	comment?: string;
	photos?: string[];
	videos?: string[];
	recommended?: boolean;
	/** Plus points paid for it; > 0 is what the `paid` filter means. */
	paidAmount?: number;
	/** ISO 8601 with offset: when the buyer wrote it. */
	createdAt: string;
	/** When it passed moderation: it is listed and notified from then. */
	publishedAt: string;
	needReaction: boolean;
	/** Deleted by the buyer or Market: left out of every list. */
	deleted?: boolean;
}

/** A comment on a review (or on another comment); rendered as GoodsFeedbackCommentDTO. */
export interface FeedbackCommentRecord {
	id: number;
	feedbackId: number;
	/** The comment it answers; none for answers to the review. */
	parentId?: number;
	text: string;
	author: { type: FeedbackCommentAuthorType; name: string };
	status: TextStatus;
	/** Whether the store may edit or delete it. */
	canModify: boolean;
	/** Not in Market's DTO; orders the comments and dates their notifications. */
	createdAt: string;
}

interface Votes {
	likes: number;
	dislikes: number;
}

/** A buyer's question; rendered as QuestionDTO. */
export interface QuestionRecord {
	id: number;
	businessId: number;
	offerId: string;
	categoryId?: number;
	text: string;
	author: { type: QuestionAuthorType; name: string };
	createdAt: string;
	votes: Votes;
	deleted?: boolean;
}

/** What answers and their comments have alike: a text of someone's, moderated, voted on. */
interface QuestionTextRecord {
	id: number;
	text: string;
	author: { type: QuestionAuthorType; name: string };
	status: TextStatus;
	/** Whether the store may edit or delete it. */
	canModify: boolean;
	createdAt: string;
	votes: Votes;
}

/** An answer to a question; rendered as AnswerDTO. */
export interface AnswerRecord extends QuestionTextRecord {
	questionId: number;
}

/** A comment on an answer; rendered as CommentDTO inside its answer. */
export interface AnswerCommentRecord extends QuestionTextRecord {
	answerId: number;
	/** The comment it answers, in the same answer. */
	parentId?: number;
}

export interface GoodsFixtures {
	feedbacks: FeedbackRecord[];
	feedbackComments: FeedbackCommentRecord[];
	questions: QuestionRecord[];
	answers: AnswerRecord[];
	answerComments: AnswerCommentRecord[];
}

const DEMO = 1001;
const SECOND = 1002;
const FOREIGN = 1003;
const STORE_NAMES: Record<number, string> = {
	[DEMO]: 'Demo Store',
	[SECOND]: 'Second Store',
	[FOREIGN]: 'Foreign Store',
};

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;
const GOODS_CLOCK = Date.parse('2026-11-21T09:30:00+03:00');
/** Publication of the latest seed review, and the latest seed question. */
const FEEDBACK_LATEST = Date.parse('2026-11-20T17:00:00+03:00');
const QUESTION_LATEST = Date.parse('2026-11-20T16:00:00+03:00');

/** Business 1001's products: offerId → categoryId. */
const DEMO_OFFERS: ReadonlyArray<readonly [offerId: string, categoryId: number]> = [
	['KETTLE-01', 90599],
	['KETTLE-02', 90599],
	['IRON-01', 90568],
	['BLENDER-01', 90580],
	['BLENDER-02', 90580],
	['TOASTER-01', 90590],
];
/** Ratings of reviews 410001.. in turn: per 10, four 5s, three 4s and one each of 3, 2, 1. */
const RATINGS = [5, 4, 5, 3, 1, 5, 2, 4, 5, 4];
const PEOPLE = [
	'Анна К.',
	'Игорь С.',
	'Марина П.',
	'Олег Д.',
	'Светлана Р.',
	'Тимур Х.',
	'Юлия Б.',
];
const REVIEW_TEXTS: Record<
	number,
	readonly [advantages: string, disadvantages: string, comment: string]
> = {
	5: ['Быстро закипает, тихий', 'Не нашёл', 'Отличный товар, рекомендую!'],
	4: ['Хорошее качество сборки', 'Короткий шнур', 'В целом доволен покупкой.'],
	3: ['Цена', 'Шумный', 'Работает, но ожидал большего.'],
	2: ['Внешний вид', 'Пластик пахнет', 'Не понравился, думаю о возврате.'],
	1: ['Нет', 'Сломался через неделю', 'Ужасно! Не покупайте 😡'],
};
const STORE_REPLIES = [
	'Спасибо за отзыв! Рады, что товар понравился.',
	'Благодарим за оценку. Передадим замечания производителю.',
	'Сожалеем, что так вышло. Напишите нам в чат заказа — поможем.',
];
const BUYER_REPLIES = ['Спасибо за ответ!', 'Так и не решили проблему.', 'Согласен с автором.'];
const QUESTION_TEXTS = [
	'Какой объём у чайника?',
	'Есть ли защита от включения без воды?',
	'Подходит ли для индукционной плиты?',
	'Какая длина шнура?',
	'Есть ли гарантия и сколько месяцев?',
	'Можно ли мыть в посудомоечной машине?',
	'В комплекте есть запасной нож?',
];
const ANSWER_TEXTS: Record<QuestionAuthorType, string> = {
	BUSINESS: 'Здравствуйте! Да, всё верно, подробности в описании товара.',
	USER: 'Пользуюсь полгода — всё так.',
	VENDOR: 'Официальный ответ производителя: да, поддерживается.',
	BRAND: 'Бренд подтверждает: гарантия 12 месяцев.',
};
const AUTHOR_NAMES: Record<QuestionAuthorType, string> = {
	BUSINESS: STORE_NAMES[DEMO],
	USER: 'Покупатель',
	VENDOR: 'Производитель «Техно»',
	BRAND: 'Бренд «Техно»',
};

const votes = (id: number): Votes => ({ likes: (id * 7) % 13, dislikes: (id * 3) % 5 });

/** Facts tests may rely on (all derived from the rules above; fixtures.test.ts checks them). */
export const GOODS_FIXTURE_FACTS = {
	/** The moment the facts hold at: tests pass it as the simulator's clock. */
	goodsClock: formatMsk(GOODS_CLOCK),
	demoOffers: Object.fromEntries(DEMO_OFFERS) as Record<string, number>,
	demoFeedbacks: {
		/** Listed by default (published within the 6 months before goodsClock), latest first. */
		inDefaultWindow: 60,
		latestId: 410001,
		/** Published before the default window: 410061..410068. */
		older: 8,
		olderIds: [410061, 410062, 410063, 410064, 410065, 410066, 410067, 410068],
		/** Deleted by their buyers: in no list. 410069 has a store comment. */
		deletedIds: [410069, 410070],
		/** Within the default window. */
		byRating: { 1: 6, 2: 6, 3: 6, 4: 18, 5: 24 } as Record<number, number>,
		perOffer: 10,
		needReaction: 30,
		paid: 15,
		/** Answered by the store (a BUSINESS comment): every third from 410001. */
		storeAnswered: 20,
		/** Read or skipped by the store without a comment. */
		skipped: 10,
		/**
		 * Written more than 6 months before goodsClock but published within them (15 days in
		 * moderation): in the default window when it filters on publication, not on creation
		 * (the only review that differs: 59 are in it then).
		 */
		lateModerated: {
			feedbackId: 410060,
			createdAt: '2026-05-17T14:26:00+03:00',
			publishedAt: '2026-06-01T14:26:00+03:00',
		},
		/** 55 comments: the store's answer and 54 replies, each to the one before. */
		longThread: { feedbackId: 410004, commentCount: 55 },
		/** The store's comment, then the author's reply to it (parentId). */
		buyerReply: { feedbackId: 410001, storeCommentId: 41000101, replyId: 41000102 },
		/** The store's comment Market banned: canModify false. */
		bannedStoreComment: { feedbackId: 410013, commentId: 41001301 },
		/** A BRAND comment, and a USER comment Market deleted (in no list). */
		brandComment: { feedbackId: 410006, commentId: 41000601 },
		deletedComment: { feedbackId: 410007, commentId: 41000702 },
	},
	secondFeedbackIds: [420001, 420002, 420003],
	foreignFeedbackId: 430001,
	demoQuestions: {
		/** Asked within the month before goodsClock (dates 2026-10-21..2026-11-21), latest first. */
		inDefaultWindow: 55,
		latestId: 610001,
		/** 610055, asked 2026-10-21 00:30: the first day of the default window. */
		firstDayId: 610055,
		/** 610056, asked 2026-10-20 23:30: the day before it. */
		dayBeforeId: 610056,
		older: 6,
		deletedId: 610062,
		byCategory: { 90599: 19, 90568: 9, 90580: 18, 90590: 9 } as Record<number, number>,
		/** In the default window: answered by the store (every fourth from 610001)… */
		storeAnswered: 14,
		/** …and with no answer at all (every fourth from 610004). */
		unanswered: 13,
		/** 55 answers by other buyers. */
		manyAnswers: { questionId: 610002, answerCount: 55 },
		/** The store's answer with 100 comments (the most an answer lists). */
		fullAnswer: { questionId: 610001, answerId: 61000101, commentCount: 100 },
		/** The store's answer Market banned: canModify false. */
		bannedStoreAnswer: { questionId: 610009, answerId: 61000901 },
		/** A buyer's answer: canModify false. */
		buyerAnswer: { questionId: 610006, answerId: 61000601 },
	},
	secondQuestionIds: [620001, 620002],
	foreignQuestionId: 630001,
	/** Ids handed out for what is created at run time. */
	firstCreatedFeedbackId: 490001,
	firstCreatedFeedbackCommentId: 90000001,
	firstCreatedQuestionId: 690001,
	firstCreatedAnswerId: 90000001,
	firstCreatedAnswerCommentId: 90000000001,
	unknownFeedbackId: 499999,
	unknownQuestionId: 699999,
} as const;

function reviewText(rating: number, withText: boolean) {
	if (!withText) return {};
	const [advantages, disadvantages, comment] = REVIEW_TEXTS[rating];
	return { advantages, disadvantages, comment };
}

function storeComment(feedback: FeedbackRecord, k: number, at: number): FeedbackCommentRecord {
	return {
		id: feedback.feedbackId * 100 + k,
		feedbackId: feedback.feedbackId,
		text: STORE_REPLIES[feedback.feedbackId % STORE_REPLIES.length],
		author: { type: 'BUSINESS', name: STORE_NAMES[feedback.businessId] },
		status: 'PUBLISHED',
		canModify: true,
		createdAt: formatMsk(at),
	};
}

function buyerComment(feedback: FeedbackRecord, k: number, at: number): FeedbackCommentRecord {
	return {
		id: feedback.feedbackId * 100 + k,
		feedbackId: feedback.feedbackId,
		text: BUYER_REPLIES[(feedback.feedbackId + k) % BUYER_REPLIES.length],
		author: { type: 'USER', name: feedback.author ?? 'Покупатель' },
		status: 'PUBLISHED',
		canModify: false,
		createdAt: formatMsk(at),
	};
}

/** Business 1001's reviews and their comments. */
function demoFeedbacks(out: GoodsFixtures): void {
	for (let i = 0; i < 60; i++) {
		const published = FEEDBACK_LATEST - i * 70 * HOUR - (i % 3) * 17 * MINUTE;
		const moderation = i === 59 ? 15 * DAY : ((i * 7) % 5) * 9 * HOUR + 20 * MINUTE;
		const rating = RATINGS[i % 10];
		const storeAnswered = i % 3 === 0;
		const feedback: FeedbackRecord = {
			feedbackId: 410001 + i,
			businessId: DEMO,
			offerId: DEMO_OFFERS[i % 6][0],
			...(i % 2 === 0 ? { orderId: 7_300_001 + i } : {}),
			...(i % 11 === 10 ? {} : { author: PEOPLE[i % PEOPLE.length] }),
			rating,
			...reviewText(rating, i % 13 !== 12),
			...(i % 5 === 2
				? {
						photos: Array.from(
							{ length: 1 + (i % 2) },
							(_, n) =>
								`https://avatars.mds.yandex.net/get-marketpic/sim/${410001 + i}-${n + 1}/orig`,
						),
					}
				: {}),
			...(i % 20 === 2 ? { videos: [`https://video.market.yandex.ru/sim/${410001 + i}.mp4`] } : {}),
			...(rating === 3 ? {} : { recommended: rating >= 4 }),
			...(i % 4 === 1 ? { paidAmount: 150 + (i % 3) * 50 } : {}),
			createdAt: formatMsk(published - moderation),
			publishedAt: formatMsk(published),
			needReaction: !storeAnswered && i % 6 !== 4,
		};
		out.feedbacks.push(feedback);

		const comments: FeedbackCommentRecord[] = [];
		const next = () => comments.length + 1;
		if (storeAnswered) {
			const store = storeComment(feedback, next(), published + 3 * HOUR);
			if (i === 12) Object.assign(store, { status: 'BANNED', canModify: false });
			if (i === 15) store.status = 'UNMODERATED';
			comments.push(store);
		}
		if (i === 3) {
			// A long thread: each reply answers the one before, buyer and store in turn.
			for (let k = 1; k < 55; k++) {
				const at = published + 3 * HOUR + k * HOUR;
				const reply =
					k % 2 === 1 ? buyerComment(feedback, next(), at) : storeComment(feedback, next(), at);
				reply.parentId = comments[comments.length - 1].id;
				comments.push(reply);
			}
		} else if (i % 9 === 0) {
			const reply = buyerComment(feedback, next(), published + 6 * HOUR);
			reply.parentId = comments[0].id;
			comments.push(reply);
		}
		if (i === 5) {
			comments.push({
				...buyerComment(feedback, next(), published + 2 * HOUR),
				text: 'Бренд благодарит за отзыв и дарит промокод в личном кабинете Маркета.',
				author: { type: 'BRAND', name: 'Бренд «Техно»' },
			});
		}
		if (i === 6)
			comments.push({ ...buyerComment(feedback, next(), published + HOUR), status: 'DELETED' });
		if (i % 10 === 7) {
			// Another buyer answers the review itself.
			comments.push({
				...buyerComment(feedback, next(), published + 4 * HOUR),
				author: { type: 'USER', name: 'Другой покупатель' },
			});
		}
		out.feedbackComments.push(...comments);
	}

	const windowStart = monthsBefore(GOODS_CLOCK, 6);
	for (let j = 0; j < 8; j++) {
		const published = windowStart - (10 + j * 20) * DAY;
		const feedback: FeedbackRecord = {
			feedbackId: 410061 + j,
			businessId: DEMO,
			offerId: DEMO_OFFERS[j % 6][0],
			author: PEOPLE[j % PEOPLE.length],
			rating: RATINGS[j],
			...reviewText(RATINGS[j], true),
			createdAt: formatMsk(published - HOUR),
			publishedAt: formatMsk(published),
			needReaction: j % 2 === 1,
		};
		out.feedbacks.push(feedback);
		if (j % 2 === 0) out.feedbackComments.push(storeComment(feedback, 1, published + 3 * HOUR));
	}

	for (const [k, hoursAgo] of [5, 45].entries()) {
		const published = FEEDBACK_LATEST - hoursAgo * HOUR;
		const feedback: FeedbackRecord = {
			feedbackId: 410069 + k,
			businessId: DEMO,
			offerId: DEMO_OFFERS[k][0],
			author: PEOPLE[k],
			rating: 1,
			...reviewText(1, true),
			createdAt: formatMsk(published - HOUR),
			publishedAt: formatMsk(published),
			needReaction: k === 1,
			deleted: true,
		};
		out.feedbacks.push(feedback);
		if (k === 0) out.feedbackComments.push(storeComment(feedback, 1, published + HOUR));
	}
}

function otherFeedbacks(out: GoodsFixtures): void {
	[5, 2, 4].forEach((rating, k) => {
		const published = FEEDBACK_LATEST - (k * 30 + 10) * HOUR;
		const feedback: FeedbackRecord = {
			feedbackId: 420001 + k,
			businessId: SECOND,
			offerId: `SECOND-SKU-${k + 1}`,
			author: PEOPLE[k + 3],
			rating,
			...reviewText(rating, true),
			createdAt: formatMsk(published - 2 * HOUR),
			publishedAt: formatMsk(published),
			needReaction: k !== 1,
		};
		out.feedbacks.push(feedback);
		if (k === 1) out.feedbackComments.push(storeComment(feedback, 1, published + HOUR));
	});
	const published = FEEDBACK_LATEST - 3 * HOUR;
	out.feedbacks.push({
		feedbackId: 430001,
		businessId: FOREIGN,
		offerId: 'FOREIGN-SKU-1',
		rating: 4,
		...reviewText(4, true),
		createdAt: formatMsk(published - HOUR),
		publishedAt: formatMsk(published),
		needReaction: true,
	});
}

function answer(
	questionId: number,
	k: number,
	type: QuestionAuthorType,
	at: number,
	businessId = DEMO,
): AnswerRecord {
	const id = questionId * 100 + k;
	return {
		id,
		questionId,
		text: ANSWER_TEXTS[type],
		author: { type, name: type === 'BUSINESS' ? STORE_NAMES[businessId] : AUTHOR_NAMES[type] },
		status: 'PUBLISHED',
		canModify: type === 'BUSINESS',
		createdAt: formatMsk(at),
		votes: votes(id),
	};
}

function answerComment(
	a: AnswerRecord,
	k: number,
	type: QuestionAuthorType,
	at: number,
): AnswerCommentRecord {
	const id = a.id * 1000 + k;
	return {
		id,
		answerId: a.id,
		text: type === 'BUSINESS' ? 'Уточните, пожалуйста, модель.' : 'А если вода жёсткая?',
		author: { type, name: AUTHOR_NAMES[type] },
		status: 'PUBLISHED',
		canModify: type === 'BUSINESS',
		createdAt: formatMsk(at),
		votes: votes(id),
	};
}

function question(
	id: number,
	businessId: number,
	offer: readonly [string, number],
	at: number,
): QuestionRecord {
	return {
		id,
		businessId,
		offerId: offer[0],
		categoryId: offer[1],
		text: QUESTION_TEXTS[id % QUESTION_TEXTS.length],
		author: { type: 'USER', name: PEOPLE[id % PEOPLE.length] },
		createdAt: formatMsk(at),
		votes: votes(id),
	};
}

/** Business 1001's questions, answers and comments. */
function demoQuestions(out: GoodsFixtures): void {
	for (let q = 0; q < 55; q++) {
		const at =
			q === 54
				? Date.parse('2026-10-21T00:30:00+03:00')
				: QUESTION_LATEST - q * 13 * HOUR - (q % 4) * 7 * MINUTE;
		const qn = question(610001 + q, DEMO, DEMO_OFFERS[q % 6], at);
		out.questions.push(qn);
		if (q % 4 === 0) {
			const store = answer(qn.id, 1, 'BUSINESS', at + 2 * HOUR);
			if (q === 8) Object.assign(store, { status: 'BANNED', canModify: false });
			out.answers.push(store);
			if (q === 0) {
				// 100 comments, the store answering each buyer's.
				for (let k = 1; k <= 100; k++) {
					const c = answerComment(
						store,
						k,
						k % 2 ? 'USER' : 'BUSINESS',
						at + 2 * HOUR + k * 4 * MINUTE,
					);
					if (k % 2 === 0) c.parentId = store.id * 1000 + k - 1;
					out.answerComments.push(c);
				}
			} else if (q % 8 === 4) {
				const asked = answerComment(store, 1, 'USER', at + 3 * HOUR);
				const reply = answerComment(store, 2, 'BUSINESS', at + 4 * HOUR);
				reply.parentId = asked.id;
				out.answerComments.push(asked, reply);
			}
		} else if (q % 4 === 1) {
			const count = q === 1 ? 55 : 1;
			for (let k = 1; k <= count; k++)
				out.answers.push(answer(qn.id, k, 'USER', at + HOUR + k * 10 * MINUTE));
		} else if (q % 4 === 2) {
			out.answers.push(answer(qn.id, 1, q % 8 === 2 ? 'VENDOR' : 'BRAND', at + 5 * HOUR));
		}
	}
	const firstDay = Date.parse('2026-10-21T00:00:00+03:00');
	for (let k = 0; k < 6; k++) {
		const at = firstDay - 30 * MINUTE - k * 15 * DAY;
		const qn = question(610056 + k, DEMO, DEMO_OFFERS[k], at);
		out.questions.push(qn);
		if (k % 2 === 0) out.answers.push(answer(qn.id, 1, 'BUSINESS', at + 2 * HOUR));
	}
	out.questions.push({
		...question(610062, DEMO, DEMO_OFFERS[0], QUESTION_LATEST - 20 * HOUR),
		deleted: true,
	});
}

function otherQuestions(out: GoodsFixtures): void {
	for (let k = 0; k < 2; k++) {
		const at = QUESTION_LATEST - (k * 24 + 6) * HOUR;
		out.questions.push(question(620001 + k, SECOND, [`SECOND-SKU-${k + 1}`, 90599], at));
		if (k === 0) out.answers.push(answer(620001, 1, 'BUSINESS', at + HOUR, SECOND));
	}
	out.questions.push(
		question(630001, FOREIGN, ['FOREIGN-SKU-1', 90568], QUESTION_LATEST - 8 * HOUR),
	);
}

/** A fresh, independent copy of the default reviews and questions. */
export function createGoodsFixtures(): GoodsFixtures {
	const out = emptyGoods();
	demoFeedbacks(out);
	otherFeedbacks(out);
	demoQuestions(out);
	otherQuestions(out);
	return out;
}

export function emptyGoods(): GoodsFixtures {
	return { feedbacks: [], feedbackComments: [], questions: [], answers: [], answerComments: [] };
}

const copyAuthor = <T extends { author: object }>(r: T): T => ({ ...r, author: { ...r.author } });
const copyVotes = <T extends { author: object; votes: Votes }>(r: T): T => ({
	...copyAuthor(r),
	votes: { ...r.votes },
});

/** Deep copy of the reviews and questions of `f`. */
export function cloneGoodsFixtures(f: GoodsFixtures): GoodsFixtures {
	return {
		feedbacks: f.feedbacks.map((r) => {
			const copy = { ...r };
			if (r.photos) copy.photos = [...r.photos];
			if (r.videos) copy.videos = [...r.videos];
			return copy;
		}),
		feedbackComments: f.feedbackComments.map(copyAuthor),
		questions: f.questions.map(copyVotes),
		answers: f.answers.map(copyVotes),
		answerComments: f.answerComments.map(copyVotes),
	};
}
