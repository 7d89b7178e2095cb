/**
 * Reviews and questions across methods: the subscription tiers of the hourly limits, each
 * setting for a point the spec leaves open (and its environment default), and the buyer
 * actions of the admin API with the notifications they put in the outbox.
 */
import { FIXTURE_FACTS, GOODS_SETTINGS, startSimulator } from './server';
import { GOODS_CLOCK, call, everyItem, expectError, useGoodsSimulator, type Res } from './testing';

const B = FIXTURE_FACTS.businesses.demo;
const F = FIXTURE_FACTS.demoFeedbacks;
const Q = FIXTURE_FACTS.demoQuestions;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NEW_REVIEW = { businessId: B, offerId: 'KETTLE-01', rating: 5 };
const t = useGoodsSimulator();

/** A valid request of each method. */
const REQUESTS: Record<string, [path: string, body: unknown]> = {
	getGoodsFeedbacks: ['/v2/businesses/1001/goods-feedback', {}],
	getGoodsFeedbackComments: ['/v2/businesses/1001/goods-feedback/comments', { feedbackId: 410001 }],
	updateGoodsFeedbackComment: [
		'/v2/businesses/1001/goods-feedback/comments/update',
		{ feedbackId: 410002, comment: { text: 'Спасибо!' } },
	],
	deleteGoodsFeedbackComment: [
		'/v2/businesses/1001/goods-feedback/comments/delete',
		{ id: F.buyerReply.storeCommentId },
	],
	skipGoodsFeedbacksReaction: [
		'/v2/businesses/1001/goods-feedback/skip-reaction',
		{ feedbackIds: [410002] },
	],
	getGoodsQuestions: ['/v1/businesses/1001/goods-questions', {}],
	getGoodsQuestionAnswers: ['/v1/businesses/1001/goods-questions/answers', { questionId: 610001 }],
	updateGoodsQuestionTextEntity: [
		'/v1/businesses/1001/goods-questions/update',
		{ operationType: 'CREATE', parentEntityId: { id: 610004, type: 'QUESTION' }, text: 'Да.' },
	],
	getChats: ['/v2/businesses/1001/chats', {}],
};
const send = (op: string) => call(t.sim, 'POST', REQUESTS[op][0], { body: REQUESTS[op][1] });
const limitOf = (res: Res) => Number(res.headers.get('x-ratelimit-resource-limit'));
const remainingOf = (res: Res) => Number(res.headers.get('x-ratelimit-resource-remaining'));

/** The ids of every item of a listing, 50 a page. */
async function listIds(path: string, body: unknown, items: string, id: (x: any) => number) {
	const all = await everyItem((query) => call(t.sim, 'POST', path + query, { body }), items);
	return all.map(id);
}
const feedbacks = (body: unknown) =>
	call(t.sim, 'POST', `/v2/businesses/${B}/goods-feedback`, { body });
const feedbackIds = (body: unknown = {}) =>
	listIds(`/v2/businesses/${B}/goods-feedback`, body, 'feedbacks', (f) => f.feedbackId);
const commentIds = (feedbackId: number) =>
	listIds(`/v2/businesses/${B}/goods-feedback/comments`, { feedbackId }, 'comments', (c) => c.id);
const questionIds = (body: unknown = {}) =>
	listIds(
		`/v1/businesses/${B}/goods-questions`,
		body,
		'questions',
		(q) => q.questionIdentifiers.id,
	);
const answers = async (body: unknown) =>
	(await call(t.sim, 'POST', `/v1/businesses/${B}/goods-questions/answers?limit=50`, { body })).body
		.result.answers;
const reversed = <T>(xs: T[]) => [...xs].reverse();

describe('subscription tiers', () => {
	// The hourly amounts of x-resource-limit-config, tier none and tier medium (test/contract/
	// limits.test.ts compares the simulator's table with the spec).
	it.each([
		['getGoodsFeedbacks', 5000, 10000],
		['getGoodsFeedbackComments', 5000, 10000],
		['updateGoodsFeedbackComment', 1000, 1000],
		['deleteGoodsFeedbackComment', 1000, 1000],
		['skipGoodsFeedbacksReaction', 500, 1000],
		['getGoodsQuestions', 1000, 5000],
		['getGoodsQuestionAnswers', 1000, 5000],
		['updateGoodsQuestionTextEntity', 500, 1000],
		['getChats', 5000, 5000],
	])('%s reports %i an hour in tier none, %i in tier medium', async (op, none, medium) => {
		const first = await send(op);
		expect(first.status).toBe(200);
		expect([limitOf(first), remainingOf(first)]).toEqual([none, none - 1]);
		t.sim.reset();
		t.sim.subscriptionTier = 'medium';
		const second = await send(op);
		expect([limitOf(second), remainingOf(second)]).toEqual([medium, medium - 1]);
	});

	it('a tier change within the hour keeps what was used', async () => {
		for (let i = 0; i < 3; i++) await send('getGoodsQuestions');
		t.sim.subscriptionTier = 'medium';
		const medium = await send('getGoodsQuestions');
		expect([limitOf(medium), remainingOf(medium)]).toEqual([5000, 4996]);
		expect(t.sim.quotaRemaining('getGoodsQuestions', B)).toBe(4996);
		t.sim.subscriptionTier = 'none';
		expect(t.sim.quotaRemaining('getGoodsQuestions', B)).toBe(996);
	});

	it.each(['none', 'medium'] as const)(
		'420 once the hour is spent, with the limit of tier %s',
		async (tier) => {
			t.sim.subscriptionTier = tier;
			t.sim.setQuota('skipGoodsFeedbacksReaction', 1);
			expect(remainingOf(await send('skipGoodsFeedbacksReaction'))).toBe(0);
			const limited = await send('skipGoodsFeedbacksReaction');
			const amount = tier === 'none' ? 500 : 1000;
			expectError(
				limited,
				420,
				'LIMIT_EXCEEDED',
				`Hourly limit of ${amount} requests to skipGoodsFeedbacksReaction is exhausted`,
			);
			expect([limitOf(limited), remainingOf(limited)]).toEqual([amount, 0]);
		},
	);
});

describe('settings for what the spec leaves open', () => {
	it('feedbackOrder: latest published first, earliest first, latest written first, or shuffled per listing', async () => {
		const desc = await feedbackIds();
		expect(desc[0]).toBe(F.latestId);
		t.sim.feedbackOrder = 'publishedAsc';
		expect(await feedbackIds()).toEqual(reversed(desc));
		// Published a minute ago after a week in moderation, and two minutes ago after a day.
		const now = t.now;
		const late = t.sim.addFeedback({
			...NEW_REVIEW,
			publishedAt: new Date(now - 60_000).toISOString(),
			moderationMs: 7 * DAY,
		});
		const early = t.sim.addFeedback({
			...NEW_REVIEW,
			publishedAt: new Date(now - 120_000).toISOString(),
			moderationMs: DAY,
		});
		t.sim.feedbackOrder = 'publishedDesc';
		const byPublication = await feedbackIds();
		expect(byPublication.slice(0, 2)).toEqual([late.feedbackId, early.feedbackId]);
		t.sim.feedbackOrder = 'createdDesc';
		const byWriting = await feedbackIds();
		const written = (id: number) =>
			Date.parse(t.sim.state.feedbacks.find((f) => f.feedbackId === id)!.createdAt);
		expect(byWriting.map(written)).toEqual(byWriting.map(written).sort((a, b) => b - a));
		expect(byWriting.indexOf(late.feedbackId)).toBeGreaterThan(byWriting.indexOf(early.feedbackId));
		expect([...byWriting].sort()).toEqual([...byPublication].sort());
		t.sim.feedbackOrder = 'shuffled';
		const first = await feedbackIds();
		const second = await feedbackIds();
		// Each listing has every review once, in an order of its own.
		expect([...first].sort()).toEqual([...byPublication].sort());
		expect([...second].sort()).toEqual([...byPublication].sort());
		expect(first).not.toEqual(second);
		expect(first).not.toEqual(byPublication);
	});

	it('feedbackCommentOrder: the thread earliest first, or latest first', async () => {
		const asc = await commentIds(F.longThread.feedbackId);
		expect(asc[0]).toBe(F.longThread.feedbackId * 100 + 1);
		t.sim.feedbackCommentOrder = 'publishedDesc';
		expect(await commentIds(F.longThread.feedbackId)).toEqual(reversed(asc));
	});

	it('feedbackDateFilter: the window applies to the publication or to the writing', async () => {
		const { feedbackId, createdAt, publishedAt } = F.lateModerated;
		const writtenThen = {
			dateTimeFrom: new Date(Date.parse(createdAt) - HOUR).toISOString(),
			dateTimeTo: new Date(Date.parse(createdAt) + HOUR).toISOString(),
		};
		expect(await feedbackIds()).toContain(feedbackId);
		expect(await feedbackIds(writtenThen)).toEqual([]);
		t.sim.feedbackDateFilter = 'created';
		const byCreation = await feedbackIds();
		expect(byCreation).toHaveLength(F.inDefaultWindow - 1);
		expect(byCreation).not.toContain(feedbackId);
		expect(await feedbackIds(writtenThen)).toEqual([feedbackId]);
		// Still listed in order of publication.
		expect(publishedAt > createdAt).toBe(true);
		expect(byCreation[0]).toBe(F.latestId);
	});

	it('questionOrder: the order without `sort`; `sort` decides when given', async () => {
		const desc = await questionIds();
		expect(desc[0]).toBe(Q.latestId);
		t.sim.questionOrder = 'createdAsc';
		expect(await questionIds()).toEqual(reversed(desc));
		expect(await questionIds({ sort: 'CREATED_AT_DESC' })).toEqual(desc);
		t.sim.questionOrder = 'shuffled';
		const shuffled = await questionIds();
		expect([...shuffled].sort()).toEqual([...desc].sort());
		expect(shuffled).not.toEqual(desc);
	});

	it('questionSort: `sort` is applied, or ignored for `questionOrder`', async () => {
		const desc = await questionIds();
		t.sim.questionOrder = 'createdAsc';
		t.sim.questionSort = 'ignored';
		expect(await questionIds({ sort: 'CREATED_AT_DESC' })).toEqual(reversed(desc));
		t.sim.questionSort = 'honored';
		expect(await questionIds({ sort: 'CREATED_AT_DESC' })).toEqual(desc);
	});

	it('moderationDelay: a review or question written that long before it is listed, unless the call says', async () => {
		const now = GOODS_CLOCK;
		const createdOf = (iso: string) => Date.parse(iso);
		expect(
			createdOf(t.sim.addFeedback({ businessId: B, offerId: 'KETTLE-01', rating: 5 }).createdAt),
		).toBe(now);
		t.sim.moderationDelay = 'days';
		const review = t.sim.addFeedback({ businessId: B, offerId: 'KETTLE-01', rating: 5 });
		expect(createdOf(review.createdAt)).toBe(now - 3 * 24 * HOUR);
		expect(createdOf(review.publishedAt)).toBe(now);
		const question = t.sim.addQuestion({ businessId: B, offerId: 'KETTLE-01' });
		expect(createdOf(question.createdAt)).toBe(now - 3 * 24 * HOUR);
		t.sim.moderationDelay = 'minutes';
		const quick = t.sim.addFeedback({
			businessId: B,
			offerId: 'KETTLE-01',
			rating: 5,
			moderationMs: 0,
		});
		expect(createdOf(quick.createdAt)).toBe(now);
		expect(createdOf(t.sim.addQuestion({ businessId: B, offerId: 'KETTLE-01' }).createdAt)).toBe(
			now - 600_000,
		);
	});

	it('answerOrder: answers and the comments in each, earliest or latest first', async () => {
		const asc = await listIds(
			`/v1/businesses/${B}/goods-questions/answers`,
			{ questionId: Q.manyAnswers.questionId },
			'answers',
			(a) => a.id,
		);
		const [full] = await answers({ answerIds: [Q.fullAnswer.answerId] });
		t.sim.answerOrder = 'createdDesc';
		expect(
			await listIds(
				`/v1/businesses/${B}/goods-questions/answers`,
				{ questionId: Q.manyAnswers.questionId },
				'answers',
				(a) => a.id,
			),
		).toEqual(reversed(asc));
		const [fullDesc] = await answers({ answerIds: [Q.fullAnswer.answerId] });
		expect(fullDesc.comments.map((c: any) => c.id)).toEqual(
			reversed(full.comments.map((c: any) => c.id)),
		);
	});

	it('questionNeedAnswer: no answer of the store, or no answer at all', async () => {
		const waiting = async () =>
			(
				await call(t.sim, 'POST', `/v1/businesses/${B}/goods-questions`, {
					body: { needAnswer: true },
				})
			).body.result.totalCount;
		expect(await waiting()).toBe(Q.inDefaultWindow - Q.storeAnswered);
		t.sim.questionNeedAnswer = 'noAnswer';
		expect(await waiting()).toBe(Q.unanswered);
	});

	it('questionIdsWindow: questionIds find older questions, or only within the window', async () => {
		const old = FIXTURE_FACTS.demoQuestions.dayBeforeId + 1;
		expect(await questionIds({ questionIds: [old, Q.latestId] })).toEqual([Q.latestId, old]);
		// Dates given explicitly still apply.
		expect(await questionIds({ questionIds: [old, Q.latestId], dateFrom: '2026-11-01' })).toEqual([
			Q.latestId,
		]);
		t.sim.questionIdsWindow = 'apply';
		expect(await questionIds({ questionIds: [old, Q.latestId] })).toEqual([Q.latestId]);
	});

	describe('answerCommentCap: a comment on an answer with 100', () => {
		const comment = () =>
			call(t.sim, 'POST', `/v1/businesses/${B}/goods-questions/update`, {
				body: {
					operationType: 'CREATE',
					parentEntityId: { id: Q.fullAnswer.answerId, type: 'ANSWER' },
					text: 'Сто первый',
				},
			});
		const shown = async () =>
			(await answers({ answerIds: [Q.fullAnswer.answerId] }))[0].comments.map((c: any) => c.id);

		it('refuse: 400, from the API and the admin API alike', async () => {
			expectError(await comment(), 400, 'BAD_REQUEST', /already has 100 comments/);
			expect(() => t.sim.addAnswerComment(Q.fullAnswer.answerId)).toThrow(/100 comments/);
			expect(t.sim.state.notifications).toEqual([]);
		});

		it.each([
			['first', false],
			['latest', true],
		] as const)('%s: added; the answer lists 100, the new one %s', async (cap, newShown) => {
			t.sim.answerCommentCap = cap;
			const res = await comment();
			expect(res.status).toBe(200);
			const ids = await shown();
			expect(ids).toHaveLength(100);
			expect(ids.includes(res.body.result.entity.id)).toBe(newShown);
			expect(ids.includes(Q.fullAnswer.answerId * 1000 + 1)).toBe(!newShown);
		});
	});

	describe('environment defaults', () => {
		const saved = { ...process.env };
		afterEach(() => {
			for (const s of Object.values(GOODS_SETTINGS)) delete process.env[s.env];
			delete process.env.YM_SIM_SUBSCRIPTION_TIER;
			Object.assign(process.env, saved);
		});

		it('each setting and the tier from its variable; options win over them', async () => {
			process.env.YM_SIM_FEEDBACK_ORDER = 'shuffled';
			process.env.YM_SIM_FEEDBACK_DATE = 'created';
			process.env.YM_SIM_QUESTION_ORDER = 'createdAsc';
			process.env.YM_SIM_SUBSCRIPTION_TIER = 'medium';
			const sim = await startSimulator({ questionOrder: 'shuffled' });
			try {
				expect(sim).toMatchObject({
					feedbackOrder: 'shuffled',
					feedbackDateFilter: 'created',
					questionOrder: 'shuffled',
					subscriptionTier: 'medium',
					// Unset: the defaults.
					feedbackCommentOrder: 'publishedAsc',
					answerOrder: 'createdAsc',
					questionNeedAnswer: 'noStoreAnswer',
					questionIdsWindow: 'bypass',
					answerCommentCap: 'refuse',
					questionSort: 'honored',
					moderationDelay: 'none',
				});
			} finally {
				await sim.close();
			}
		});

		it.each(Object.entries(GOODS_SETTINGS))(
			'%s: a value it does not know stops the start, naming the variable',
			async (_, setting) => {
				process.env[setting.env] = 'sideways';
				await expect(startSimulator()).rejects.toThrow(
					`${setting.env} must be one of ${setting.values.join(', ')}, got 'sideways'`,
				);
			},
		);
	});
});

describe('buyer actions and the notifications outbox', () => {
	it('addFeedback: published now after its moderation, listed first, notified once', async () => {
		const review = t.sim.addFeedback({
			businessId: B,
			offerId: 'KETTLE-01',
			rating: 4,
			comment: 'Хороший чайник',
			moderationMs: 3 * 24 * HOUR,
		});
		expect(review).toMatchObject({
			feedbackId: FIXTURE_FACTS.firstCreatedFeedbackId,
			createdAt: '2026-11-18T09:30:00+03:00',
			publishedAt: FIXTURE_FACTS.goodsClock,
			needReaction: true,
		});
		expect(t.sim.state.notifications).toEqual([
			{
				notificationType: 'GOODS_FEEDBACK_CREATED',
				feedbackId: review.feedbackId,
				businessId: B,
				createdAt: '2026-11-18T09:30:00+03:00',
				publishedAt: FIXTURE_FACTS.goodsClock,
			},
		]);
		// The default window ends now, exclusive: a minute later it is the latest.
		t.now += 60_000;
		expect((await feedbackIds())[0]).toBe(review.feedbackId);
		const [dto] = (await feedbacks({ feedbackIds: [review.feedbackId] })).body.result.feedbacks;
		expect(dto).toEqual({
			feedbackId: review.feedbackId,
			createdAt: review.createdAt,
			needReaction: true,
			identifiers: { offerId: 'KETTLE-01' },
			description: { comment: 'Хороший чайник' },
			statistics: { rating: 4, commentsCount: 0 },
		});
		expect(t.sim.addFeedback({ businessId: B, offerId: 'X', rating: 1 }).feedbackId).toBe(
			review.feedbackId + 1,
		);
	});

	it('addFeedback refuses what Market would not have', () => {
		const base = { businessId: B, offerId: 'X' };
		expect(() => t.sim.addFeedback({ ...base, rating: 6 })).toThrow(/rating must be 1 to 5/);
		expect(() => t.sim.addFeedback({ ...base, rating: 5, businessId: 9 })).toThrow(/no business/);
		expect(() =>
			t.sim.addFeedback({ ...base, rating: 5, publishedAt: '2026-11-22T00:00:00+03:00' }),
		).toThrow(/later than now/);
		expect(t.sim.state.notifications).toEqual([]);
	});

	it('addFeedbackComment: a reply to a comment, readable by the id its notification gives', async () => {
		const c = t.sim.addFeedbackComment(F.buyerReply.feedbackId, {
			parentId: F.buyerReply.storeCommentId,
			text: 'И ещё вопрос',
		});
		const [n] = t.sim.state.notifications;
		expect(n).toEqual({
			notificationType: 'GOODS_FEEDBACK_COMMENT_CREATED',
			commentId: c.id,
			businessId: B,
			createdAt: FIXTURE_FACTS.goodsClock,
		});
		const res = await call(t.sim, 'POST', `/v2/businesses/${B}/goods-feedback/comments`, {
			body: { commentIds: [c.id] },
		});
		expect(res.body.result.comments).toEqual([
			{
				id: c.id,
				text: 'И ещё вопрос',
				canModify: false,
				parentId: F.buyerReply.storeCommentId,
				author: { type: 'USER', name: 'Анна К.' },
				status: 'PUBLISHED',
				feedbackId: F.buyerReply.feedbackId,
			},
		]);
	});

	it('addQuestion, addAnswer, addAnswerComment: each notified and readable by its ids', async () => {
		t.now += HOUR;
		const q = t.sim.addQuestion({ businessId: B, offerId: 'IRON-01', categoryId: 90568 });
		const a = t.sim.addAnswer(q.id, { authorType: 'VENDOR', text: 'Да, есть.' });
		const c = t.sim.addAnswerComment(a.id, { text: 'Спасибо!' });
		const at = '2026-11-21T10:30:00+03:00';
		expect(t.sim.state.notifications).toEqual([
			{ notificationType: 'QUESTION_CREATED', questionId: q.id, businessId: B, createdAt: at },
			{ notificationType: 'QUESTION_ANSWER_CREATED', answerId: a.id, businessId: B, createdAt: at },
			{
				notificationType: 'QUESTION_COMMENT_CREATED',
				answerId: a.id,
				commentId: c.id,
				businessId: B,
				createdAt: at,
			},
		]);
		expect([q.id, a.id, c.id]).toEqual([
			FIXTURE_FACTS.firstCreatedQuestionId,
			FIXTURE_FACTS.firstCreatedAnswerId,
			FIXTURE_FACTS.firstCreatedAnswerCommentId,
		]);
		expect((await questionIds())[0]).toBe(q.id);
		expect(await answers({ answerIds: [a.id] })).toEqual([
			expect.objectContaining({
				questionId: q.id,
				author: { type: 'VENDOR', name: 'Производитель' },
				canModify: false,
				comments: [expect.objectContaining({ id: c.id, answerId: a.id, text: 'Спасибо!' })],
			}),
		]);
	});

	it('deleteQuestion and deleteFeedback: left out of every list', async () => {
		t.sim.deleteQuestion(Q.latestId);
		t.sim.deleteFeedback(F.latestId);
		expect(await questionIds()).not.toContain(Q.latestId);
		expect(await feedbackIds()).not.toContain(F.latestId);
		expectError(
			await call(t.sim, 'POST', `/v1/businesses/${B}/goods-questions/answers`, {
				body: { questionId: Q.latestId },
			}),
			404,
			'NOT_FOUND',
		);
	});

	it('reset empties the outbox and restores reviews and questions', async () => {
		t.sim.addQuestion({ businessId: B, offerId: 'IRON-01' });
		t.sim.deleteFeedback(F.latestId);
		t.sim.reset();
		expect(t.sim.state.notifications).toEqual([]);
		expect(await feedbackIds()).toHaveLength(F.inDefaultWindow);
		expect(await questionIds()).toHaveLength(Q.inDefaultWindow);
		expect(t.now).toBe(GOODS_CLOCK);
	});
});
