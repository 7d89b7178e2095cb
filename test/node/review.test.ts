/**
 * The Review resource in n8n's engine against the simulator: every review once at the fewest
 * pages, filters exact, date ranges longer than Market takes split into windows, a reply
 * created once and skipped when the store has already answered, bad input refused before any
 * request, an unknown outcome never repeated, a spent quota waited out.
 */
import type { INode } from 'n8n-workflow';
import { checkReplyText } from '../../nodes/YandexMarket/resources/review/shared';
import { FIXTURE_FACTS } from '../simulator/fixtures';
import { byId, chatRequests as requestsOf, run, SIM_KEYS, useSimulator } from './setup';

const NODE = { name: 'Yandex Market' } as INode;

const CLOCK = Date.parse(FIXTURE_FACTS.goodsClock);
const { sim } = useSimulator({ clock: () => CLOCK });
const business = byId(FIXTURE_FACTS.businesses.demo);
const facts = FIXTURE_FACTS.demoFeedbacks;

const review = (
	operation: string,
	parameters: Record<string, unknown> = {},
	extra: Parameters<typeof run>[2] = {},
) =>
	run(
		sim(),
		{ resource: 'review', operation, businessId: business, ...parameters } as never,
		extra,
	);
const ids = (items: Array<{ json: Record<string, unknown> }>) =>
	items.map((i) => i.json.feedbackId);
/** The store's comments on a review in the simulator's state. */
const storeComments = (feedbackId: number) =>
	sim().state.feedbackComments.filter(
		(c) => c.feedbackId === feedbackId && c.author.type === 'BUSINESS',
	);
/** A review nobody has answered, in the default window. */
const unanswered = () =>
	sim().state.feedbacks.find(
		(f) =>
			f.businessId === FIXTURE_FACTS.businesses.demo &&
			!f.deleted &&
			Date.parse(f.publishedAt) > CLOCK - 150 * 86_400_000 &&
			!sim().state.feedbackComments.some((c) => c.feedbackId === f.feedbackId),
	)!;

describe('Review → Get Many', () => {
	it('Return All: every review of the default window once, in two pages of 50', async () => {
		const result = await review('getAll', { returnAll: true, filters: { reactionStatus: 'ALL' } });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(facts.inDefaultWindow);
		expect(new Set(ids(result.items)).size).toBe(facts.inDefaultWindow);
		expect(result.items.every((i) => i.json.businessId === 1001)).toBe(true);
		const calls = requestsOf(sim(), 'getGoodsFeedbacks');
		expect(calls.map((c) => c.query.limit)).toEqual(['50', '50']);
	});

	it('Limit asks for no more than it needs', async () => {
		const result = await review('getAll', {
			returnAll: false,
			limit: 7,
			filters: { reactionStatus: 'ALL' },
		});
		expect(result.items).toHaveLength(7);
		expect(requestsOf(sim(), 'getGoodsFeedbacks').map((c) => c.query.limit)).toEqual(['7']);
	});

	it.each([
		[
			'ratings 1 and 2',
			{ ratingValues: [1, 2], reactionStatus: 'ALL' },
			facts.byRating[1] + facts.byRating[2],
		],
		['need reaction', { reactionStatus: 'NEED_REACTION' }, facts.needReaction],
		['paid', { paid: true, reactionStatus: 'ALL' }, facts.paid],
	])('filter %s is exact', async (_what, filters, count) => {
		const result = await review('getAll', { returnAll: true, filters });
		expect(result.items).toHaveLength(count);
	});

	it('a range longer than 6 months is read in windows: every review in it once', async () => {
		const from = '2025-10-01T00:00:00+03:00';
		const to = FIXTURE_FACTS.goodsClock;
		const result = await review('getAll', {
			returnAll: true,
			filters: { reactionStatus: 'ALL', dateTimeFrom: from, dateTimeTo: to },
		});
		expect(result.error).toBeUndefined();
		const expected = sim()
			.state.feedbacks.filter(
				(f) =>
					f.businessId === 1001 &&
					!f.deleted &&
					Date.parse(f.publishedAt) > Date.parse(from) &&
					Date.parse(f.publishedAt) < Date.parse(to),
			)
			.map((f) => f.feedbackId)
			.sort();
		expect(expected.length).toBeGreaterThan(facts.inDefaultWindow);
		expect((ids(result.items) as number[]).sort()).toEqual(expected);
		const bodies = requestsOf(sim(), 'getGoodsFeedbacks').map(
			(r) => r.json as Record<string, string>,
		);
		expect(new Set(bodies.map((b) => b.dateTimeFrom)).size).toBeGreaterThanOrEqual(2);
	});

	it('a Limit over a range of several windows gets the latest reviews of the range', async () => {
		const from = '2025-10-01T00:00:00+03:00';
		const result = await review('getAll', {
			limit: 5,
			filters: { reactionStatus: 'ALL', dateTimeFrom: from, dateTimeTo: FIXTURE_FACTS.goodsClock },
		});
		const latest = sim()
			.state.feedbacks.filter((f) => f.businessId === 1001 && !f.deleted)
			.sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
		const newestListed = Math.max(...result.items.map((i) => Date.parse(String(i.json.createdAt))));
		expect(result.items).toHaveLength(5);
		// From the latest window: published within the 6 months before To.
		expect(newestListed).toBeGreaterThan(Date.parse(latest[0].publishedAt) - 180 * 86_400_000);
	});

	it('more than 20 offer IDs are refused before any request, naming the field and the limit', async () => {
		const offerIds = Array.from({ length: 21 }, (_, i) => `SKU-${i}`).join(',');
		const result = await review('getAll', { returnAll: true, filters: { offerIds } });
		expect(result.error?.message).toMatch(/offerIds.*21.*at most 20/);
		expect(sim().requests).toHaveLength(0);
	});
});

describe('Review → Get and Get Comments', () => {
	it('Get returns the review with its IDs; an unknown one is a clear error', async () => {
		const result = await review('get', { feedbackId: String(facts.latestId) });
		expect(result.items[0].json).toMatchObject({ feedbackId: facts.latestId, businessId: 1001 });
		expect(requestsOf(sim(), 'getGoodsFeedbacks')[0].json).toEqual({
			feedbackIds: [facts.latestId],
		});
		const missing = await review('get', { feedbackId: '999999999' });
		expect(missing.error?.message).toMatch(/no review 999999999/);
	});

	it('Get Comments: all 55 of a long thread, each with commentId and feedbackId', async () => {
		const { feedbackId, commentCount } = facts.longThread;
		const result = await review('getComments', { feedbackId, returnAll: true });
		expect(result.items).toHaveLength(commentCount);
		expect(result.items.every((i) => i.json.feedbackId === feedbackId && i.json.commentId)).toBe(
			true,
		);
		expect(requestsOf(sim(), 'getGoodsFeedbackComments')).toHaveLength(2);
	});
});

describe('Review → Reply', () => {
	it('publishes the reply once: one read, one create; the review no longer needs a reaction', async () => {
		const target = unanswered();
		const result = await review('reply', {
			feedbackId: target.feedbackId,
			text: 'Спасибо за отзыв!',
		});
		expect(result.error).toBeUndefined();
		const [created] = storeComments(target.feedbackId);
		expect(result.items[0].json).toMatchObject({
			businessId: 1001,
			feedbackId: target.feedbackId,
			commentId: created.id,
			skipped: false,
		});
		expect(sim().requests.map((r) => r.operationId)).toEqual([
			'getGoodsFeedbackComments',
			'updateGoodsFeedbackComment',
		]);
		expect(
			sim().state.feedbacks.find((f) => f.feedbackId === target.feedbackId)!.needReaction,
		).toBe(false);
	});

	it('skips a review the store has answered: nothing sent, the existing reply in the item', async () => {
		const { feedbackId, storeCommentId } = facts.buyerReply;
		const result = await review('reply', { feedbackId, text: 'Ещё раз спасибо' });
		expect(result.items[0].json).toMatchObject({
			skipped: true,
			commentId: storeCommentId,
			feedbackId,
		});
		expect(chatRequestsCount('updateGoodsFeedbackComment')).toBe(0);
	});

	it("answers a buyer's comment (parentId) even when the review itself is answered, then skips a second time", async () => {
		const { feedbackId, replyId } = facts.buyerReply;
		const first = await review('reply', {
			feedbackId,
			parentId: String(replyId),
			text: 'Рады помочь',
		});
		expect(first.items[0].json.skipped).toBe(false);
		const second = await review('reply', {
			feedbackId,
			parentId: String(replyId),
			text: 'Рады помочь',
		});
		expect(second.items[0].json).toMatchObject({
			skipped: true,
			commentId: first.items[0].json.commentId,
		});
		expect(
			sim().state.feedbackComments.filter(
				(c) => c.parentId === replyId && c.author.type === 'BUSINESS',
			),
		).toHaveLength(1);
	});

	it('the same review in three items of one run gets one reply: the others see it and skip', async () => {
		const target = unanswered();
		const result = await review(
			'reply',
			{ feedbackId: '={{ $json.review }}', text: 'Спасибо за отзыв!' },
			{ input: [1, 2, 3].map(() => ({ json: { review: target.feedbackId } })) },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.skipped)).toEqual([false, true, true]);
		expect(storeComments(target.feedbackId)).toHaveLength(1);
	});

	it('a store reply that moderation refused does not count: a new one is published', async () => {
		const { feedbackId, commentId } = facts.bannedStoreComment;
		const result = await review('reply', { feedbackId, text: 'Спасибо за отзыв!' });
		expect(result.items[0].json.skipped).toBe(false);
		expect(result.items[0].json.commentId).not.toBe(commentId);
	});

	it('with Skip If Already Answered off: one request, and a second reply is published', async () => {
		const { feedbackId } = facts.buyerReply;
		const before = storeComments(feedbackId).length;
		const result = await review('reply', { feedbackId, text: 'Дополнение', skipIfAnswered: false });
		expect(result.items[0].json.skipped).toBe(false);
		expect(sim().requests.map((r) => r.operationId)).toEqual(['updateGoodsFeedbackComment']);
		expect(storeComments(feedbackId)).toHaveLength(before + 1);
	});

	it.each([
		['an empty text', '  ', /Reply text is empty; Yandex Market accepts 1–4096/],
		['4,097 characters', '😀'.repeat(4097), /4 097 characters; Yandex Market accepts 1–4096/],
		[
			'a link to another site',
			'Смотрите https://myshop.example.com/sale',
			/link to myshop\.example\.com/,
		],
		['an e-mail address', 'Пишите на help@myshop.ru', /e-mail address/],
	])('refuses %s before any request', async (_what, text, message) => {
		const result = await review('reply', { feedbackId: unanswered().feedbackId, text });
		expect(result.error?.message).toMatch(message);
		expect(sim().requests).toHaveLength(0);
	});

	it.each([
		'Пишите в t.me/myshop',
		'WhatsApp: wa.me/79991234567',
		'Наш сайт shop.io',
		'vk.cc/aBc12',
		'Заходите на myshop.store!',
		'http://shop.example/x',
	])('refuses a contact link in %j before any request', async (text) => {
		const result = await review('reply', { feedbackId: unanswered().feedbackId, text });
		expect(result.error?.message).toMatch(/Reply text \(text\) contains a link to /);
		expect(sim().requests).toHaveLength(0);
	});

	it.each([
		'Спасибо.Ждём вас снова',
		'Размер 42.5, рост 170',
		'Все наши товары: market.yandex.ru/business--shop/1 и т.д.',
		'Thanks a lot.See you',
	])('takes %j for text, not for a link', (text) => {
		expect(checkReplyText(NODE, 0, text)).toBe(text);
	});

	it('accepts 4,096 emoji and a link to Market', async () => {
		const target = unanswered();
		const ok = await review('reply', {
			feedbackId: target.feedbackId,
			text: 'Все модели: https://market.yandex.ru/business--shop/1 ' + '😀'.repeat(4000),
		});
		expect(ok.error).toBeUndefined();
	});

	it('refuses an ID that is not a whole number, naming the field', async () => {
		const result = await review('reply', { feedbackId: 'abc', text: 'Спасибо' });
		expect(result.error?.message).toMatch(/Review ID \(feedbackId\) must be a whole number/);
		expect(sim().requests).toHaveLength(0);
	});

	it('a 500 after Market published the reply is not repeated, by the node or by Retry On Fail', async () => {
		const target = unanswered();
		sim().injectFault('updateGoodsFeedbackComment', { status: 500, process: true }, 1);
		const once = await review('reply', { feedbackId: target.feedbackId, text: 'Спасибо!' });
		expect(once.error?.message).toMatch(/may have been published, so it was not sent again/);

		// Retry On Fail: the retry's read finds the reply published, and the item says which.
		const other = unanswered();
		sim().injectFault('updateGoodsFeedbackComment', { status: 500, process: true }, 3);
		const retried = await review(
			'reply',
			{ feedbackId: other.feedbackId, text: 'Спасибо!' },
			{ retry: { maxTries: 3, waitBetweenTries: 0 } },
		);
		expect(retried.error).toBeUndefined();
		const [published] = storeComments(other.feedbackId);
		expect(retried.items[0].json).toMatchObject({ skipped: true, commentId: published.id });
		expect(chatRequestsCount('updateGoodsFeedbackComment')).toBe(2);
		expect(storeComments(target.feedbackId)).toHaveLength(1);
		expect(storeComments(other.feedbackId)).toHaveLength(1);
	});

	it('without Skip If Already Answered, Retry On Fail reports the unknown outcome instead of sending again', async () => {
		const target = unanswered();
		sim().injectFault('updateGoodsFeedbackComment', { status: 500, process: true }, 3);
		const result = await review(
			'reply',
			{ feedbackId: target.feedbackId, text: 'Спасибо!', skipIfAnswered: false },
			{ retry: { maxTries: 3, waitBetweenTries: 0 } },
		);
		expect(result.error?.message).toMatch(/may have been published, so it was not sent again/);
		expect(chatRequestsCount('updateGoodsFeedbackComment')).toBe(1);
		expect(storeComments(target.feedbackId)).toHaveLength(1);
	});
});

describe('Review → Update Reply, Delete Reply, Mark as Handled', () => {
	it('edits and deletes the store’s reply, and marks a review handled', async () => {
		const { feedbackId, storeCommentId } = facts.buyerReply;
		const updated = await review('updateReply', {
			feedbackId,
			commentId: String(storeCommentId),
			text: 'Исправлено',
		});
		expect(updated.items[0].json).toMatchObject({ commentId: storeCommentId, feedbackId });
		expect(sim().state.feedbackComments.find((c) => c.id === storeCommentId)!.text).toBe(
			'Исправлено',
		);

		const deleted = await review('deleteReply', { commentId: String(storeCommentId) });
		expect(deleted.items[0].json).toEqual({
			status: 'OK',
			businessId: 1001,
			commentId: storeCommentId,
			deleted: true,
		});

		const target = unanswered();
		const handled = await review('skipReaction', { feedbackId: target.feedbackId });
		expect(handled.items[0].json).toMatchObject({
			feedbackId: target.feedbackId,
			needReaction: false,
		});
		expect(
			sim().state.feedbacks.find((f) => f.feedbackId === target.feedbackId)!.needReaction,
		).toBe(false);
	});

	it('the key appears in no output', async () => {
		const result = await review('getAll', { returnAll: true, filters: { reactionStatus: 'ALL' } });
		expect(JSON.stringify(result.items)).not.toContain(SIM_KEYS.communication);
	});
});

function chatRequestsCount(operationId: string): number {
	return requestsOf(sim(), operationId).length;
}

describe('Review → Reply on Market’s clock', () => {
	// Market's quota window is waited out in real time: this simulator keeps the real clock.
	const live = useSimulator();

	it('a spent quota is waited out and the reply created once', async () => {
		const target = live
			.sim()
			.state.feedbacks.find(
				(f) =>
					f.businessId === 1001 &&
					!f.deleted &&
					!live.sim().state.feedbackComments.some((c) => c.feedbackId === f.feedbackId),
			)!;
		live.sim().spendQuotaFromFirstCall('updateGoodsFeedbackComment', 1500);
		const result = await run(live.sim(), {
			resource: 'review',
			operation: 'reply',
			businessId: business,
			feedbackId: String(target.feedbackId),
			text: 'Спасибо!',
		});
		expect(result.error).toBeUndefined();
		const comments = live
			.sim()
			.state.feedbackComments.filter(
				(c) => c.feedbackId === target.feedbackId && c.author.type === 'BUSINESS',
			);
		expect(comments).toHaveLength(1);
		const creates = requestsOf(live.sim(), 'updateGoodsFeedbackComment');
		expect(creates.map((r) => r.status)).toEqual([420, 200]);
	});
});
