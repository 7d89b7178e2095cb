/**
 * The simulator's reviews: getGoodsFeedbacks, getGoodsFeedbackComments,
 * updateGoodsFeedbackComment, deleteGoodsFeedbackComment, skipGoodsFeedbacksReaction.
 * Every exchange is checked against the spec after each test (useGoodsSimulator).
 */
import { FIXTURE_FACTS, SIM_KEYS, createFixtures } from './server';
import {
	allPages,
	call,
	everyItem,
	expectError,
	poster,
	useGoodsSimulator,
	type CallOptions,
} from './testing';

const B = FIXTURE_FACTS.businesses.demo;
const F = FIXTURE_FACTS.demoFeedbacks;
const t = useGoodsSimulator();

const post = poster(t, `/v2/businesses/${B}/goods-feedback`);
const feedbacks = (body?: unknown, query = '', opts?: CallOptions) => post('', body, query, opts);
const comments = (body: unknown, query = '', opts?: CallOptions) =>
	post('/comments', body, query, opts);
const update = (body: unknown, opts?: CallOptions) => post('/comments/update', body, '', opts);
const remove = (body: unknown) => post('/comments/delete', body);
const skip = (body: unknown) => post('/skip-reaction', body);

const ids = (res: { body: any }) => res.body.result.feedbacks.map((f: any) => f.feedbackId);
const commentIds = (res: { body: any }) => res.body.result.comments.map((c: any) => c.id);
/** Every review of a listing, 50 a page. */
const listAll = (body: unknown = {}) => everyItem((query) => feedbacks(body, query), 'feedbacks');

describe('getGoodsFeedbacks', () => {
	it('lists the reviews published in the last 6 months, 25 a page, latest first', async () => {
		const res = await feedbacks();
		expect(res.status).toBe(200);
		expect(res.body.result.feedbacks).toHaveLength(25);
		expect(ids(res).slice(0, 3)).toEqual([410001, 410002, 410003]);
		expect(res.body.result.paging.nextPageToken).toEqual(expect.any(String));
		// A review with everything: order, photos, a video, texts.
		expect(res.body.result.feedbacks[2]).toEqual({
			feedbackId: 410003,
			createdAt: createFixtures().feedbacks[2].createdAt,
			needReaction: true,
			identifiers: { orderId: 7300003, offerId: 'IRON-01' },
			author: 'Марина П.',
			description: {
				advantages: 'Быстро закипает, тихий',
				disadvantages: 'Не нашёл',
				comment: 'Отличный товар, рекомендую!',
			},
			media: {
				photos: ['https://avatars.mds.yandex.net/get-marketpic/sim/410003-1/orig'],
				videos: ['https://video.market.yandex.ru/sim/410003.mp4'],
			},
			statistics: { rating: 5, commentsCount: 0, recommended: true },
		});
		// The body is optional: none and {} list the same.
		expect(ids(await feedbacks({}))).toEqual(ids(res));
	});

	it('pages at 50: every review of the window exactly once, none older or deleted', async () => {
		const pages = await allPages((query) => feedbacks(undefined, query), 'feedbacks');
		expect(pages.map((p) => p.length)).toEqual([50, F.inDefaultWindow - 50]);
		const all = pages.flat().map((f) => f.feedbackId);
		expect(new Set(all).size).toBe(F.inDefaultWindow);
		expect(all).toEqual(Array.from({ length: 60 }, (_, i) => F.latestId + i));
		for (const id of [...F.olderIds, ...F.deletedIds]) expect(all).not.toContain(id);
	});

	it.each([
		['reactionStatus NEED_REACTION', { reactionStatus: 'NEED_REACTION' }, F.needReaction],
		['reactionStatus ALL', { reactionStatus: 'ALL' }, F.inDefaultWindow],
		['ratingValues [1, 2]', { ratingValues: [1, 2] }, F.byRating[1] + F.byRating[2]],
		['ratingValues [5]', { ratingValues: [5] }, F.byRating[5]],
		['offerIds [KETTLE-01]', { offerIds: ['KETTLE-01'] }, F.perOffer],
		['offerIds [" IRON-01 ", BLENDER-02]', { offerIds: [' IRON-01 ', 'BLENDER-02'] }, 20],
		['paid true', { paid: true }, F.paid],
		['paid false', { paid: false }, F.inDefaultWindow - F.paid],
	])('filters exactly: %s', async (_, filter, count) => {
		const got = await listAll(filter);
		expect(got).toHaveLength(count);
		const f = filter as Record<string, any>;
		for (const r of got) {
			if (f.reactionStatus === 'NEED_REACTION') expect(r.needReaction).toBe(true);
			if (f.ratingValues) expect(f.ratingValues).toContain(r.statistics.rating);
			if (f.offerIds)
				expect(f.offerIds.map((o: string) => o.trim())).toContain(r.identifiers.offerId);
			if (f.paid !== undefined) expect((r.statistics.paidAmount ?? 0) > 0).toBe(f.paid);
		}
	});

	it('AND-s filters across fields', async () => {
		const got = await listAll({
			ratingValues: [4, 5],
			paid: true,
			reactionStatus: 'NEED_REACTION',
		});
		const expected = createFixtures()
			.feedbacks.filter(
				(f) =>
					f.feedbackId >= 410001 &&
					f.feedbackId <= 410060 &&
					f.rating >= 4 &&
					(f.paidAmount ?? 0) > 0 &&
					f.needReaction,
			)
			.map((f) => f.feedbackId);
		expect(expected.length).toBeGreaterThan(0);
		expect(got.map((f) => f.feedbackId)).toEqual(expected);
	});

	it('feedbackIds: those reviews whatever their date; deleted and unknown ones are left out', async () => {
		const res = await feedbacks({
			feedbackIds: [F.olderIds[7], 410005, F.deletedIds[0], FIXTURE_FACTS.unknownFeedbackId],
		});
		expect(ids(res)).toEqual([410005, F.olderIds[7]]);
		// Another business's review is not this one's.
		expect(ids(await feedbacks({ feedbackIds: [FIXTURE_FACTS.secondFeedbackIds[0]] }))).toEqual([]);
	});

	it('400 for feedbackIds with another filter, or more than 50', async () => {
		expectError(
			await feedbacks({ feedbackIds: [410001], paid: true, reactionStatus: 'ALL' }),
			400,
			'BAD_REQUEST',
			'body.feedbackIds cannot be combined with other filters (body.reactionStatus, body.paid)',
		);
		expectError(
			await feedbacks({ feedbackIds: Array.from({ length: 51 }, (_, i) => 410001 + i) }),
			400,
			'BAD_REQUEST',
			'body.feedbackIds must have at most 50 items, got 51',
		);
		expect(
			ids(
				await feedbacks(
					{ feedbackIds: Array.from({ length: 50 }, (_, i) => 410001 + i) },
					'?limit=50',
				),
			),
		).toHaveLength(50);
	});

	it.each([
		['limit=51', undefined, '?limit=51', 'Parameter limit must be an integer between 1 and 50'],
		['limit=0', undefined, '?limit=0', 'Parameter limit'],
		[
			'21 offerIds',
			{ offerIds: Array.from({ length: 21 }, (_, i) => `S${i}`) },
			'',
			'body.offerIds must have at most 20 items',
		],
		[
			'6 ratingValues',
			{ ratingValues: [1, 2, 3, 4, 5, 6] },
			'',
			'body.ratingValues must have at most 5 items',
		],
		[
			'duplicate ratingValues',
			{ ratingValues: [5, 5] },
			'',
			'body.ratingValues must not contain duplicates',
		],
		['empty offerIds', { offerIds: [] }, '', 'body.offerIds must not be empty'],
		['a blank offerId', { offerIds: ['  '] }, '', 'body.offerIds[0] must be 1 to 255'],
		[
			'reactionStatus READ',
			{ reactionStatus: 'READ' },
			'',
			'body.reactionStatus must be one of ALL, NEED_REACTION',
		],
		['paid "yes"', { paid: 'yes' }, '', 'body.paid must be a boolean'],
		[
			'a date without offset',
			{ dateTimeFrom: '2026-11-01T00:00:00' },
			'',
			'body.dateTimeFrom must be a date-time with an offset',
		],
		[
			'31 February',
			{ dateTimeTo: '2026-02-31T00:00:00Z' },
			'',
			'body.dateTimeTo must be a date-time',
		],
		['an array body', [1], '', 'Request body must be a JSON object'],
	])('400 naming the field: %s', async (_, body, query, message) => {
		expectError(await feedbacks(body, query), 400, 'BAD_REQUEST', message);
	});

	it('dateTimeFrom and dateTimeTo: both exclusive, at most 6 months apart', async () => {
		// 410010 and 410011 were published 70 hours apart.
		const fx = createFixtures().feedbacks;
		const at = (id: number) => fx.find((f) => f.feedbackId === id)!.publishedAt;
		const between = await listAll({ dateTimeFrom: at(410012), dateTimeTo: at(410009) });
		expect(between.map((f) => f.feedbackId)).toEqual([410010, 410011]);

		// Exactly 6 calendar months is allowed; a second more is not.
		const to = '2026-09-30T12:00:00+03:00';
		expect(
			(await feedbacks({ dateTimeFrom: '2026-03-30T12:00:00+03:00', dateTimeTo: to })).status,
		).toBe(200);
		expectError(
			await feedbacks({ dateTimeFrom: '2026-03-30T11:59:59+03:00', dateTimeTo: to }),
			400,
			'BAD_REQUEST',
			/at most 6 months apart: dateTimeFrom must not be before 2026-03-30T12:00:00\+03:00/,
		);
		// Without dateTimeTo the window ends now.
		expectError(
			await feedbacks({ dateTimeFrom: '2026-05-21T09:29:59+03:00' }),
			400,
			'BAD_REQUEST',
			/at most 6 months/,
		);
		expectError(
			await feedbacks({ dateTimeFrom: to, dateTimeTo: to }),
			400,
			'BAD_REQUEST',
			'body.dateTimeFrom must be before body.dateTimeTo',
		);
	});

	it('only dateTimeTo: the 6 months before it, which reaches the older reviews', async () => {
		const got = await listAll({ dateTimeTo: '2026-06-01T00:00:00+03:00' });
		const expected = createFixtures()
			.feedbacks.filter(
				(f) =>
					f.businessId === B &&
					!f.deleted &&
					Date.parse(f.publishedAt) > Date.parse('2025-12-01T00:00:00+03:00') &&
					Date.parse(f.publishedAt) < Date.parse('2026-06-01T00:00:00+03:00'),
			)
			.map((f) => f.feedbackId);
		expect(expected).toEqual(expect.arrayContaining([...F.olderIds.slice(0, 5)]));
		expect(got.map((f) => f.feedbackId)).toEqual(expected);
	});

	it('the default window moves with the clock', async () => {
		// A month later, the reviews published in the first month of the window have left it.
		t.now += 31 * 24 * 3_600_000;
		const got = (await listAll()).map((f) => f.feedbackId);
		expect(got).not.toContain(410060);
		expect(got).toContain(410001);
	});

	it('rejects tampered page tokens and those of other filters', async () => {
		const first = await feedbacks({ paid: true }, '?limit=5');
		const token = first.body.result.paging.nextPageToken;
		expect((await feedbacks({ paid: true }, `?limit=5&page_token=${token}`)).status).toBe(200);
		expectError(
			await feedbacks({ paid: false }, `?page_token=${token}`),
			400,
			'BAD_REQUEST',
			/pageToken/,
		);
		expectError(
			await feedbacks({ paid: true }, `?page_token=${token}x`),
			400,
			'BAD_REQUEST',
			/pageToken/,
		);
	});

	it('a review the buyer deletes leaves every list', async () => {
		t.sim.deleteFeedback(410001);
		expect(ids(await feedbacks({ feedbackIds: [410001] }))).toEqual([]);
		expect((await listAll()).map((f) => f.feedbackId)).not.toContain(410001);
		expectError(
			await comments({ feedbackId: 410001 }),
			404,
			'NOT_FOUND',
			'Feedback 410001 not found',
		);
		expect(commentIds(await comments({ commentIds: [F.buyerReply.storeCommentId] }))).toEqual([]);
	});

	it('serves each business its own reviews; 403 for businesses the key does not own', async () => {
		const res = await call(
			t.sim,
			'POST',
			`/v2/businesses/${FIXTURE_FACTS.businesses.second}/goods-feedback`,
		);
		expect(ids(res)).toEqual(FIXTURE_FACTS.secondFeedbackIds);
		expectError(
			await call(
				t.sim,
				'POST',
				`/v2/businesses/${FIXTURE_FACTS.businesses.foreign}/goods-feedback`,
			),
			403,
			'FORBIDDEN',
		);
	});

	it('reads with the read-only key; 403 for a key without the communication scope', async () => {
		expect((await feedbacks({}, '', { key: SIM_KEYS.readOnly })).status).toBe(200);
		expect((await comments({ feedbackId: 410001 }, '', { key: SIM_KEYS.readOnly })).status).toBe(
			200,
		);
		expectError(await feedbacks({}, '', { key: SIM_KEYS.noChatScope }), 403, 'FORBIDDEN');
	});
});

describe('getGoodsFeedbackComments', () => {
	it("a review's comments, earliest first: the store's answer and the author's reply to it", async () => {
		const res = await comments({ feedbackId: F.buyerReply.feedbackId });
		expect(res.status).toBe(200);
		expect(res.body.result.comments).toEqual([
			{
				id: F.buyerReply.storeCommentId,
				text: expect.any(String),
				canModify: true,
				author: { type: 'BUSINESS', name: 'Demo Store' },
				status: 'PUBLISHED',
				feedbackId: F.buyerReply.feedbackId,
			},
			{
				id: F.buyerReply.replyId,
				text: expect.any(String),
				canModify: false,
				parentId: F.buyerReply.storeCommentId,
				author: { type: 'USER', name: 'Анна К.' },
				status: 'PUBLISHED',
				feedbackId: F.buyerReply.feedbackId,
			},
		]);
		expect(res.body.result.paging).toEqual({});
	});

	it('pages a thread of 55 comments at 50: each once, replies naming their parent', async () => {
		const pages = await allPages(
			(query) => comments({ feedbackId: F.longThread.feedbackId }, query),
			'comments',
		);
		expect(pages.map((p) => p.length)).toEqual([50, 5]);
		const all = pages.flat();
		expect(new Set(all.map((c) => c.id)).size).toBe(F.longThread.commentCount);
		all.slice(1).forEach((c, i) => expect(c.parentId).toBe(all[i].id));
		// commentsCount counts answers to the review only, not replies.
		const review = await feedbacks({ feedbackIds: [F.longThread.feedbackId] });
		expect(review.body.result.feedbacks[0].statistics.commentsCount).toBe(1);
	});

	it('commentIds: those comments of the business; deleted ones are left out', async () => {
		const res = await comments({
			commentIds: [F.brandComment.commentId, F.deletedComment.commentId, F.buyerReply.replyId, 42],
		});
		// Earliest written first: the brand's comment is on an older review.
		expect(commentIds(res)).toEqual([F.brandComment.commentId, F.buyerReply.replyId]);
		expect(res.body.result.comments[0].author).toEqual({ type: 'BRAND', name: 'Бренд «Техно»' });
		const withDeleted = await comments({ feedbackId: F.deletedComment.feedbackId });
		expect(commentIds(withDeleted)).not.toContain(F.deletedComment.commentId);
	});

	it('400 for both or neither of feedbackId and commentIds; 404 for a review not there', async () => {
		expectError(
			await comments({ feedbackId: 410001, commentIds: [1] }),
			400,
			'BAD_REQUEST',
			'body.commentIds cannot be combined with other filters (body.feedbackId)',
		);
		expectError(
			await comments({}),
			400,
			'BAD_REQUEST',
			'body.feedbackId or body.commentIds is required',
		);
		expectError(
			await comments({ commentIds: Array.from({ length: 51 }, (_, i) => i + 1) }),
			400,
			'BAD_REQUEST',
			/at most 50/,
		);
		expectError(await comments({ feedbackId: FIXTURE_FACTS.unknownFeedbackId }), 404, 'NOT_FOUND');
		expectError(
			await comments({ feedbackId: FIXTURE_FACTS.secondFeedbackIds[1] }),
			404,
			'NOT_FOUND',
		);
		expectError(
			await comments({ feedbackId: 410001 }, '?sourceType=PARTNER'),
			400,
			'BAD_REQUEST',
			/sourceType/,
		);
		expect((await comments({ feedbackId: 410001 }, '?sourceType=SELLER')).status).toBe(200);
	});
});

describe('updateGoodsFeedbackComment', () => {
	const reply = (feedbackId: number, comment: Record<string, unknown>, opts?: CallOptions) =>
		update({ feedbackId, comment }, opts);

	it("creates the store's comment every time (not idempotent), and the review needs no reaction", async () => {
		const feedbackId = 410002;
		expect(
			(await feedbacks({ feedbackIds: [feedbackId] })).body.result.feedbacks[0].needReaction,
		).toBe(true);
		const first = await reply(feedbackId, { text: 'Спасибо за отзыв!' });
		const second = await reply(feedbackId, { text: 'Спасибо за отзыв!' });
		expect(first.status).toBe(200);
		expect(first.body.result).toEqual({
			id: FIXTURE_FACTS.firstCreatedFeedbackCommentId,
			text: 'Спасибо за отзыв!',
			canModify: true,
			author: { type: 'BUSINESS', name: 'Demo Store' },
			status: 'PUBLISHED',
			feedbackId,
		});
		expect(second.body.result.id).toBe(FIXTURE_FACTS.firstCreatedFeedbackCommentId + 1);
		const review = (await feedbacks({ feedbackIds: [feedbackId] })).body.result.feedbacks[0];
		expect(review.needReaction).toBe(false);
		expect(review.statistics.commentsCount).toBe(2);
		expect(commentIds(await comments({ feedbackId }))).toEqual([
			first.body.result.id,
			second.body.result.id,
		]);
		// Market notifies the store's own comments too.
		expect(t.sim.state.notifications).toEqual([
			{
				notificationType: 'GOODS_FEEDBACK_COMMENT_CREATED',
				commentId: first.body.result.id,
				businessId: B,
				createdAt: FIXTURE_FACTS.goodsClock,
			},
			{
				notificationType: 'GOODS_FEEDBACK_COMMENT_CREATED',
				commentId: second.body.result.id,
				businessId: B,
				createdAt: FIXTURE_FACTS.goodsClock,
			},
		]);
	});

	it('answers a comment with parentId; 404 for a parent not on that review', async () => {
		const res = await reply(F.buyerReply.feedbackId, {
			parentId: F.buyerReply.replyId,
			text: 'Рады помочь!',
		});
		expect(res.body.result).toMatchObject({
			parentId: F.buyerReply.replyId,
			feedbackId: F.buyerReply.feedbackId,
		});
		expectError(
			await reply(410002, { parentId: F.buyerReply.replyId, text: 'x' }),
			404,
			'NOT_FOUND',
			`Comment ${F.buyerReply.replyId} not found on feedback 410002`,
		);
	});

	it('edits a comment of the store by id (parentId then ignored); 400 for what it may not modify', async () => {
		const id = F.buyerReply.storeCommentId;
		const res = await reply(F.buyerReply.feedbackId, {
			id,
			parentId: 1,
			text: 'Исправленный ответ',
		});
		expect(res.body.result).toMatchObject({ id, text: 'Исправленный ответ' });
		expect(res.body.result.parentId).toBeUndefined();
		expect(t.sim.state.notifications).toEqual([]);
		expect(commentIds(await comments({ feedbackId: F.buyerReply.feedbackId }))).toEqual([
			id,
			F.buyerReply.replyId,
		]);
		expectError(
			await reply(F.buyerReply.feedbackId, { id: F.buyerReply.replyId, text: 'x' }),
			400,
			'BAD_REQUEST',
			'canModify is false',
		);
		expectError(
			await reply(F.bannedStoreComment.feedbackId, {
				id: F.bannedStoreComment.commentId,
				text: 'x',
			}),
			400,
			'BAD_REQUEST',
			'canModify is false',
		);
		expectError(await reply(410002, { id, text: 'x' }), 404, 'NOT_FOUND');
	});

	it.each([
		[
			'a link to another site',
			'Подробнее на https://shop.example.com/item',
			/links other than to Market/,
		],
		['a www address', 'Заходите на www.myshop.ru', /links other than to Market/],
		['a bare domain', 'Все модели на myshop.ru', /links other than to Market/],
		['a Cyrillic domain', 'Наш сайт: магазин.рф', /links other than to Market/],
		['an e-mail address', 'Пишите: help@myshop.ru', /e-mail/],
		['a phone number', 'Звоните +7 (999) 123-45-67', /phone/],
		['a toll-free number', 'Горячая линия 8 800 555-35-35', /phone/],
	])('400 for %s in the text', async (_, text, message) => {
		expectError(await reply(410002, { text }), 400, 'BAD_REQUEST', message);
		expect(t.sim.state.notifications).toEqual([]);
	});

	it.each([
		['a link to Market', 'Смотрите https://market.yandex.ru/product--chainik/123'],
		['a link to Market ending a sentence', 'Все модели на market.yandex.ru.'],
		['an order number', 'Заказ 7000101 передан в доставку.'],
		['abbreviations', 'Т.е. всё в порядке, см. инструкцию.'],
		['4,096 emoji', '😀'.repeat(4096)],
	])('accepts %s', async (_, text) => {
		expect((await reply(410002, { text })).status).toBe(200);
	});

	it('400 for texts out of 1..4096 code points and missing fields; 404 for an unknown review', async () => {
		expectError(
			await reply(410002, { text: '' }),
			400,
			'BAD_REQUEST',
			'body.comment.text must be 1 to 4096 characters long, got 0',
		);
		expectError(await reply(410002, { text: '😀'.repeat(4097) }), 400, 'BAD_REQUEST', 'got 4097');
		expectError(await reply(410002, {}), 400, 'BAD_REQUEST', 'body.comment.text is required');
		expectError(
			await update({ comment: { text: 'x' } }),
			400,
			'BAD_REQUEST',
			'body.feedbackId is required',
		);
		expectError(
			await update({ feedbackId: 410002 }),
			400,
			'BAD_REQUEST',
			'body.comment is required',
		);
		expectError(await reply(FIXTURE_FACTS.unknownFeedbackId, { text: 'x' }), 404, 'NOT_FOUND');
		expectError(await reply(410002, { text: 'x' }, { key: SIM_KEYS.readOnly }), 403, 'FORBIDDEN');
	});
});

describe('deleteGoodsFeedbackComment', () => {
	it("deletes the store's comment: it leaves the lists and the count; then 404", async () => {
		const { feedbackId, storeCommentId } = F.buyerReply;
		expect(await remove({ id: storeCommentId })).toMatchObject({
			status: 200,
			body: { status: 'OK' },
		});
		expect(commentIds(await comments({ feedbackId }))).toEqual([F.buyerReply.replyId]);
		const review = (await feedbacks({ feedbackIds: [feedbackId] })).body.result.feedbacks[0];
		expect(review.statistics.commentsCount).toBe(0);
		expectError(await remove({ id: storeCommentId }), 404, 'NOT_FOUND');
	});

	it("400 for comments the store may not modify; 404 for other businesses' and unknown ones", async () => {
		expectError(
			await remove({ id: F.buyerReply.replyId }),
			400,
			'BAD_REQUEST',
			'canModify is false',
		);
		expectError(
			await remove({ id: F.bannedStoreComment.commentId }),
			400,
			'BAD_REQUEST',
			'canModify is false',
		);
		expectError(
			await remove({ id: FIXTURE_FACTS.secondFeedbackIds[1] * 100 + 1 }),
			404,
			'NOT_FOUND',
		);
		expectError(await remove({ id: 1 }), 404, 'NOT_FOUND');
		expectError(await remove({}), 400, 'BAD_REQUEST', 'body.id is required');
	});
});

describe('skipGoodsFeedbacksReaction and needReaction', () => {
	it('skipping sets needReaction to false for those reviews only', async () => {
		const before = await listAll({ reactionStatus: 'NEED_REACTION' });
		const skipped = before.slice(0, 3).map((f) => f.feedbackId);
		expect(await skip({ feedbackIds: skipped })).toMatchObject({
			status: 200,
			body: { status: 'OK' },
		});
		const after = await listAll({ reactionStatus: 'NEED_REACTION' });
		expect(after.map((f) => f.feedbackId)).toEqual(before.slice(3).map((f) => f.feedbackId));
	});

	it('404 naming the reviews not there, and nothing changes; 400 for none or more than 50', async () => {
		expectError(
			await skip({ feedbackIds: [410002, F.deletedIds[1], FIXTURE_FACTS.unknownFeedbackId] }),
			404,
			'NOT_FOUND',
			`Feedbacks not found: ${F.deletedIds[1]}, ${FIXTURE_FACTS.unknownFeedbackId}`,
		);
		expect((await feedbacks({ feedbackIds: [410002] })).body.result.feedbacks[0].needReaction).toBe(
			true,
		);
		expectError(await skip({}), 400, 'BAD_REQUEST', 'body.feedbackIds is required');
		expectError(await skip({ feedbackIds: [] }), 400, 'BAD_REQUEST');
		expectError(
			await skip({ feedbackIds: Array.from({ length: 51 }, (_, i) => 410001 + i) }),
			400,
			'BAD_REQUEST',
			/at most 50/,
		);
	});

	it("a buyer's comment leaves needReaction as it is; the store's comment from the cabinet clears it", async () => {
		const review = t.sim.addFeedback({ businessId: B, offerId: 'KETTLE-01', rating: 2 });
		t.sim.addFeedbackComment(review.feedbackId, { text: 'Дополню: ещё и течёт.' });
		const read = async () =>
			(await feedbacks({ feedbackIds: [review.feedbackId] })).body.result.feedbacks[0].needReaction;
		expect(await read()).toBe(true);
		t.sim.addFeedbackComment(review.feedbackId, { authorType: 'BUSINESS', text: 'Заменим товар.' });
		expect(await read()).toBe(false);
	});
});
