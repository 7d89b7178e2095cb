/**
 * The trigger's review and question events in n8n-core's WebhookContext against the Market
 * simulator: the details each item carries, the Authors filter (the store's own entries, which
 * Market may notify back, start nothing by default), and the 500 for details Market cannot
 * give, so that it delivers the event again. The notifications posted are the ones the
 * simulator put in its outbox for the action, as Market would send them.
 */
import type { IDataObject, INodeParameters, INodeProperties } from 'n8n-workflow';
import { YandexMarketTrigger } from '../../nodes/YandexMarket/YandexMarketTrigger.node';
import { timing } from '../../nodes/YandexMarket/trigger/details';
import { AUTHORS } from '../../nodes/YandexMarket/trigger/goods';
import { SIM_KEYS, startSimulator, type Simulator } from '../simulator/server';
import type { OwnNotifications } from '../simulator/goodsTypes';
import { replyChecker } from './spec';
import { TriggerUnderTest, type Answer, type TriggerSetup } from './webhookHarness';

const BUSINESS = 1001;
const KEY = SIM_KEYS.communication;
const GOODS = [
	'GOODS_FEEDBACK_CREATED',
	'GOODS_FEEDBACK_COMMENT_CREATED',
	'QUESTION_CREATED',
	'QUESTION_ANSWER_CREATED',
	'QUESTION_COMMENT_CREATED',
];
const checkReply = replyChecker("the webhook's answers to review and question events");

let sim: Simulator;
let workflowCounter = 0;

beforeAll(async () => {
	sim = await startSimulator();
});

afterAll(async () => {
	await sim.close();
});

beforeEach(() => {
	sim.reset();
	sim.ownNotifications = 'notified';
	timing.detailsTimeoutMs = 5000;
});

function trigger(options: IDataObject = {}, setup: TriggerSetup = {}) {
	return new TriggerUnderTest({
		workflowId: `wf-goods-${++workflowCounter}`,
		credentials: { apiKey: KEY, baseUrl: sim.url },
		parameters: { events: GOODS, options: options as INodeParameters },
		...setup,
	});
}

async function post(t: TriggerUnderTest, body: unknown): Promise<Answer> {
	const answer = await t.post(body);
	checkReply(body, answer.status, answer.body);
	expect(JSON.stringify([answer.body, answer.items])).not.toContain(KEY);
	return answer;
}

/** The last notification the simulator sent for an action (what Market would post). */
function lastNotification(type: string): IDataObject {
	const found = [...sim.state.notifications].reverse().find((n) => n.notificationType === type);
	if (!found) throw new Error(`the simulator notified no ${type}`);
	return found as unknown as IDataObject;
}

const calls = () =>
	sim.requests.filter((r) => r.operationId !== null).map((r) => `${r.operationId} ${r.status}`);
const bodies = () => sim.requests.filter((r) => r.operationId !== null).map((r) => r.json);

function review() {
	return sim.addFeedback({
		businessId: BUSINESS,
		offerId: 'SKU-RED-1',
		rating: 2,
		advantages: 'Цвет',
		disadvantages: 'Маломерит',
		comment: 'Вернула',
		author: 'Анна',
		orderId: 7001,
		photos: ['https://avatars.example/photo-1.jpg'],
	});
}

function question() {
	return sim.addQuestion({ businessId: BUSINESS, offerId: 'SKU-RED-1', text: 'Есть размер M?' });
}

describe('the Authors option', () => {
	it('offers the four author types of Market, buyers only by default', () => {
		const options = new YandexMarketTrigger().description.properties.find(
			(p) => p.name === 'options',
		)!.options as INodeProperties[];
		const authors = options.find((o) => o.name === 'authors')!;
		expect(authors).toMatchObject({
			displayName: 'Authors',
			type: 'multiOptions',
			default: ['USER'],
		});
		expect((authors.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual(
			[...AUTHORS].sort(),
		);
	});
});

describe('Fetch Details: each event starts the workflow with what it points to', () => {
	it('a new review: rating, text, review (offer, order, photos), IDs at the top; one read', async () => {
		const f = review();
		const body = lastNotification('GOODS_FEEDBACK_CREATED');
		const answer = await post(trigger(), body);
		expect(answer.status).toBe(200);
		expect(answer.items).toHaveLength(1);
		const [item] = answer.items;
		expect(item).toMatchObject({
			notificationType: 'GOODS_FEEDBACK_CREATED',
			businessId: BUSINESS,
			feedbackId: f.feedbackId,
			rating: 2,
			text: 'Цвет\nМаломерит\nВернула',
			authorType: 'USER',
			notification: body,
			review: {
				feedbackId: f.feedbackId,
				businessId: BUSINESS,
				author: 'Анна',
				identifiers: { orderId: 7001, offerId: 'SKU-RED-1' },
				description: { advantages: 'Цвет', disadvantages: 'Маломерит', comment: 'Вернула' },
				media: { photos: ['https://avatars.example/photo-1.jpg'] },
				statistics: { rating: 2 },
			},
		});
		expect(calls()).toEqual(['getGoodsFeedbacks 200']);
		expect(bodies()).toEqual([{ feedbackIds: [f.feedbackId] }]);
	});

	it("a buyer's comment: the comment with its review, feedbackId at the top", async () => {
		const f = review();
		const c = sim.addFeedbackComment(f.feedbackId, { text: 'А обменять можно?' });
		const body = lastNotification('GOODS_FEEDBACK_COMMENT_CREATED');
		expect(body).not.toHaveProperty('feedbackId');
		const [item] = (await post(trigger(), body)).items;
		expect(item).toMatchObject({
			businessId: BUSINESS,
			feedbackId: f.feedbackId,
			commentId: c.id,
			text: 'А обменять можно?',
			authorType: 'USER',
			comment: { id: c.id, commentId: c.id, feedbackId: f.feedbackId, text: 'А обменять можно?' },
			review: { feedbackId: f.feedbackId, statistics: { rating: 2 } },
		});
		expect(calls()).toEqual(['getGoodsFeedbackComments 200', 'getGoodsFeedbacks 200']);
		expect(bodies()).toEqual([{ commentIds: [c.id] }, { feedbackIds: [f.feedbackId] }]);
	});

	it('a new question: the question, questionId and text at the top; one read', async () => {
		const q = question();
		const [item] = (await post(trigger(), lastNotification('QUESTION_CREATED'))).items;
		expect(item).toMatchObject({
			businessId: BUSINESS,
			questionId: q.id,
			text: 'Есть размер M?',
			authorType: 'USER',
			question: {
				questionId: q.id,
				questionIdentifiers: { id: q.id, offerId: 'SKU-RED-1' },
				text: 'Есть размер M?',
			},
		});
		expect(calls()).toEqual(['getGoodsQuestions 200']);
		expect(bodies()).toEqual([{ questionIds: [q.id] }]);
	});

	it("another buyer's answer: the answer with its question, questionId at the top", async () => {
		const q = question();
		const a = sim.addAnswer(q.id, { text: 'Есть, брала себе' });
		const body = lastNotification('QUESTION_ANSWER_CREATED');
		expect(body).not.toHaveProperty('questionId');
		const [item] = (await post(trigger(), body)).items;
		expect(item).toMatchObject({
			businessId: BUSINESS,
			answerId: a.id,
			questionId: q.id,
			text: 'Есть, брала себе',
			authorType: 'USER',
			answer: { id: a.id, answerId: a.id, questionId: q.id },
			question: { questionId: q.id, text: 'Есть размер M?' },
		});
		expect(calls()).toEqual(['getGoodsQuestionAnswers 200', 'getGoodsQuestions 200']);
		expect(bodies()).toEqual([{ answerIds: [a.id] }, { questionIds: [q.id] }]);
	});

	it.each(['apply', 'bypass'] as const)(
		"an answer to a question older than Market's default month still comes with its question (window on IDs: %s)",
		async (rule) => {
			sim.questionIdsWindow = rule;
			const now = Date.now();
			const old = sim.state.questions.find(
				(q) =>
					q.businessId === BUSINESS &&
					!q.deleted &&
					Date.parse(q.createdAt) < now - 45 * 86_400_000 &&
					Date.parse(q.createdAt) > now - 300 * 86_400_000,
			)!;
			expect(old).toBeDefined();
			sim.addAnswer(old.id, { text: 'Да, подходит' });
			const answer = await post(trigger(), lastNotification('QUESTION_ANSWER_CREATED'));
			expect(answer.status).toBe(200);
			expect(answer.items[0]).toMatchObject({
				questionId: old.id,
				question: { questionId: old.id },
			});
			const reads = calls().filter((c) => c.startsWith('getGoodsQuestions'));
			if (rule === 'bypass') expect(reads).toEqual(['getGoodsQuestions 200']);
			else expect(reads.length).toBeGreaterThan(1);
		},
	);

	it("a buyer's comment on an answer: found among its answer's comments, with answer and question", async () => {
		const q = question();
		const a = sim.addAnswer(q.id, { text: 'Есть', authorType: 'BUSINESS' });
		sim.addAnswerComment(a.id, { text: 'первый' });
		const c = sim.addAnswerComment(a.id, { text: 'А L будет?' });
		const [item] = (await post(trigger(), lastNotification('QUESTION_COMMENT_CREATED'))).items;
		expect(item).toMatchObject({
			businessId: BUSINESS,
			answerId: a.id,
			commentId: c.id,
			questionId: q.id,
			text: 'А L будет?',
			authorType: 'USER',
			comment: {
				id: c.id,
				commentId: c.id,
				answerId: a.id,
				questionId: q.id,
				businessId: BUSINESS,
			},
			answer: { answerId: a.id, text: 'Есть', author: { type: 'BUSINESS' } },
			question: { questionId: q.id },
		});
		expect(calls()).toEqual(['getGoodsQuestionAnswers 200', 'getGoodsQuestions 200']);
	});
});

describe("the store's own entries start nothing by default (no reply loop)", () => {
	it.each([true, false])(
		"the store's comment on a review, notified back, starts nothing (Fetch Details %s); one read, no review read",
		async (fetchDetails) => {
			const f = review();
			sim.addFeedbackComment(f.feedbackId, { authorType: 'BUSINESS', text: 'Спасибо!' });
			const answer = await post(
				trigger({ fetchDetails }),
				lastNotification('GOODS_FEEDBACK_COMMENT_CREATED'),
			);
			expect(answer.status).toBe(200);
			expect(answer.started).toBe(false);
			expect(calls()).toEqual(['getGoodsFeedbackComments 200']);
		},
	);

	it("the store's answer and its comment on an answer start nothing", async () => {
		const q = question();
		const a = sim.addAnswer(q.id, { authorType: 'BUSINESS', text: 'Есть' });
		const t = trigger();
		expect((await post(t, lastNotification('QUESTION_ANSWER_CREATED'))).started).toBe(false);
		sim.addAnswerComment(a.id, { authorType: 'BUSINESS', text: 'Уточним' });
		expect((await post(t, lastNotification('QUESTION_COMMENT_CREATED'))).started).toBe(false);
		expect(calls()).toEqual(['getGoodsQuestionAnswers 200', 'getGoodsQuestionAnswers 200']);
	});

	it("a comment without author (optional in the spec): the store's when it may change it, else a buyer's", async () => {
		const f = review();
		const own = sim.addFeedbackComment(f.feedbackId, { authorType: 'BUSINESS', text: 'Спасибо!' });
		const ownBody = lastNotification('GOODS_FEEDBACK_COMMENT_CREATED');
		const buyer = sim.addFeedbackComment(f.feedbackId, { text: 'Вопрос' });
		const buyerBody = lastNotification('GOODS_FEEDBACK_COMMENT_CREATED');
		for (const c of sim.state.feedbackComments.filter((x) => [own.id, buyer.id].includes(x.id))) {
			delete (c as { author?: unknown }).author;
		}
		const t = trigger();
		expect((await post(t, ownBody)).started).toBe(false);
		expect((await post(t, buyerBody)).items[0]).toMatchObject({
			commentId: buyer.id,
			authorType: 'USER',
		});
	});

	it("a redelivery of the store's own comment does not read Market again", async () => {
		const f = review();
		sim.addFeedbackComment(f.feedbackId, { authorType: 'BUSINESS' });
		const t = trigger();
		const body = lastNotification('GOODS_FEEDBACK_COMMENT_CREATED');
		await post(t, body);
		expect((await post(t, body)).started).toBe(false);
		expect(calls()).toHaveLength(1);
	});

	it('manufacturer and brand answers start it only when chosen; Store when chosen', async () => {
		const q = question();
		sim.addAnswer(q.id, { authorType: 'VENDOR', text: 'Производитель: есть' });
		const vendor = lastNotification('QUESTION_ANSWER_CREATED');
		sim.addAnswer(q.id, { authorType: 'BRAND', text: 'Бренд: есть' });
		const brand = lastNotification('QUESTION_ANSWER_CREATED');
		sim.addAnswer(q.id, { authorType: 'BUSINESS', text: 'Магазин: есть' });
		const store = lastNotification('QUESTION_ANSWER_CREATED');
		const byDefault = trigger();
		for (const body of [vendor, brand, store]) {
			expect((await post(byDefault, body)).started).toBe(false);
		}
		const chosen = trigger({ authors: ['VENDOR', 'BUSINESS'] });
		expect((await post(chosen, vendor)).items[0]).toMatchObject({ authorType: 'VENDOR' });
		expect((await post(chosen, brand)).started).toBe(false);
		expect((await post(chosen, store)).items[0]).toMatchObject({
			authorType: 'BUSINESS',
			text: 'Магазин: есть',
		});
	});

	it("Authors without Buyer: a new review (always a buyer's) starts nothing, without a read", async () => {
		review();
		const answer = await post(
			trigger({ authors: ['BUSINESS'] }),
			lastNotification('GOODS_FEEDBACK_CREATED'),
		);
		expect(answer.started).toBe(false);
		expect(calls()).toEqual([]);
	});

	it.each<OwnNotifications>(['notified', 'silent'])(
		"whether or not Market notifies the store's own reply (%s), a buyer's comment thread runs once per buyer comment",
		async (setting) => {
			sim.ownNotifications = setting;
			const f = review();
			const t = trigger();
			const started: IDataObject[] = [];
			const deliver = async () => {
				// Everything in the outbox, as Market would post it, each once.
				const outbox = sim.state.notifications.splice(0) as unknown as IDataObject[];
				for (const body of outbox) started.push(...(await post(t, body)).items);
			};
			sim.addFeedbackComment(f.feedbackId, { text: 'Когда будет L?' });
			await deliver();
			sim.addFeedbackComment(f.feedbackId, { authorType: 'BUSINESS', text: 'На следующей неделе' });
			await deliver();
			expect(started.map((i) => [i.notificationType, i.authorType])).toEqual([
				['GOODS_FEEDBACK_CREATED', 'USER'],
				['GOODS_FEEDBACK_COMMENT_CREATED', 'USER'],
			]);
		},
	);
});

describe('Fetch Details off', () => {
	it('by default only the author is read: the IDs learnt and authorType, nothing nested', async () => {
		const q = question();
		const a = sim.addAnswer(q.id, { text: 'Есть' });
		const body = lastNotification('QUESTION_ANSWER_CREATED');
		const [item] = (await post(trigger({ fetchDetails: false }), body)).items;
		expect(item).toEqual({
			...body,
			answerId: a.id,
			questionId: q.id,
			authorType: 'USER',
			notification: body,
			businessIdSource: 'notification',
		});
		expect(calls()).toEqual(['getGoodsQuestionAnswers 200']);
	});

	it("a new review is a buyer's: nothing is read", async () => {
		const f = review();
		const body = lastNotification('GOODS_FEEDBACK_CREATED');
		const [item] = (await post(trigger({ fetchDetails: false }), body)).items;
		expect(item).toMatchObject({ feedbackId: f.feedbackId, authorType: 'USER' });
		expect(item).not.toHaveProperty('review');
		expect(calls()).toEqual([]);
	});

	it('with every author allowed, Market is not asked and the item is the notification', async () => {
		const f = review();
		sim.addFeedbackComment(f.feedbackId, { authorType: 'BUSINESS' });
		const body = lastNotification('GOODS_FEEDBACK_COMMENT_CREATED');
		const answer = await post(trigger({ fetchDetails: false, authors: [...AUTHORS] }), body);
		expect(answer.items).toEqual([
			{ ...body, notification: body, businessIdSource: 'notification' },
		]);
		expect(calls()).toEqual([]);
	});

	it('with every author allowed and Fetch Details on, the details are read and the store starts it', async () => {
		const f = review();
		sim.addFeedbackComment(f.feedbackId, { authorType: 'BUSINESS', text: 'Спасибо!' });
		const answer = await post(
			trigger({ authors: [...AUTHORS] }),
			lastNotification('GOODS_FEEDBACK_COMMENT_CREATED'),
		);
		expect(answer.items[0]).toMatchObject({
			authorType: 'BUSINESS',
			text: 'Спасибо!',
			review: { feedbackId: f.feedbackId },
		});
	});
});

describe('details Market cannot give: 500, so Market delivers the event again', () => {
	async function failsThenStarts(t: TriggerUnderTest, body: IDataObject, says: RegExp) {
		const failed = await post(t, body);
		expect(failed.status).toBe(500);
		expect(failed.started).toBe(false);
		expect(failed.body).toEqual({
			error: { type: 'UNKNOWN', message: expect.stringMatching(says) },
		});
		return failed;
	}

	it('a comment not listed yet (Market lags behind its notification): 500; the redelivery starts it', async () => {
		const f = review();
		const c = sim.addFeedbackComment(f.feedbackId, { text: 'Вопрос' });
		const body = lastNotification('GOODS_FEEDBACK_COMMENT_CREATED');
		// Not yet readable when the notification comes.
		const index = sim.state.feedbackComments.findIndex((x) => x.id === c.id);
		const [held] = sim.state.feedbackComments.splice(index, 1);
		const t = trigger();
		await failsThenStarts(t, body, new RegExp(`does not list review comment ${c.id} .*yet`));
		sim.state.feedbackComments.push(held);
		const redelivered = await post(t, body);
		expect(redelivered.status).toBe(200);
		expect(redelivered.items[0]).toMatchObject({ commentId: c.id, feedbackId: f.feedbackId });
	});

	it("a comment on an answer that is not among the answer's comments yet: 500, then started", async () => {
		const q = question();
		const a = sim.addAnswer(q.id);
		const c = sim.addAnswerComment(a.id, { text: 'ещё вопрос' });
		const body = lastNotification('QUESTION_COMMENT_CREATED');
		const index = sim.state.answerComments.findIndex((x) => x.id === c.id);
		const [held] = sim.state.answerComments.splice(index, 1);
		const t = trigger();
		await failsThenStarts(
			t,
			body,
			new RegExp(`comment ${c.id} among the 0 comments of answer ${a.id}`),
		);
		sim.state.answerComments.push(held);
		expect((await post(t, body)).items[0]).toMatchObject({ commentId: c.id, text: 'ещё вопрос' });
	});

	it('a review deleted before it was read: 500 naming it, never a run without it', async () => {
		const f = review();
		sim.addFeedbackComment(f.feedbackId, { text: 'Вопрос' });
		const body = lastNotification('GOODS_FEEDBACK_COMMENT_CREATED');
		sim.deleteFeedback(f.feedbackId);
		await failsThenStarts(trigger(), body, /does not list review comment/);
	});

	it('Market errors on the second read: 500; the redelivery reads both again and starts once', async () => {
		const q = question();
		sim.addAnswer(q.id);
		const body = lastNotification('QUESTION_ANSWER_CREATED');
		sim.failNext('getGoodsQuestions', 503, 4);
		const t = trigger();
		await failsThenStarts(t, body, /Yandex Market answered 503/);
		const redelivered = await post(t, body);
		expect(redelivered.items).toHaveLength(1);
		expect((await post(t, body)).started).toBe(false);
	});

	it('a spent hourly quota: 500 at once, without waiting for the reset', async () => {
		sim.spendQuotaUntil('getGoodsFeedbacks', Date.now() + 50 * 60_000);
		review();
		const answer = await failsThenStarts(
			trigger(),
			lastNotification('GOODS_FEEDBACK_CREATED'),
			/hourly limit for getGoodsFeedbacks/,
		);
		expect(answer.ms).toBeLessThan(2000);
	});

	it('the two reads of a comment share the one budget: 500 within it', async () => {
		const slow = await startSimulator({ latencyMs: 250 });
		try {
			timing.detailsTimeoutMs = 400;
			const f = slow.addFeedback({ businessId: BUSINESS, offerId: 'SKU-1', rating: 5 });
			slow.addFeedbackComment(f.feedbackId, { text: 'ok' });
			const body = [...slow.state.notifications].pop() as unknown as IDataObject;
			const t = trigger({}, { credentials: { apiKey: KEY, baseUrl: slow.url } });
			const answer = await t.post(body);
			expect(answer.status).toBe(500);
			expect(answer.ms).toBeLessThan(1000);
			timing.detailsTimeoutMs = 5000;
			expect((await t.post(body)).started).toBe(true);
		} finally {
			await slow.close();
		}
	});
});

describe('duplicates', () => {
	it('the same review notified twice, also at once, starts one run', async () => {
		review();
		const body = lastNotification('GOODS_FEEDBACK_CREATED');
		const t = trigger();
		const answers = await Promise.all([post(t, body), post(t, { ...body })]);
		expect(answers.map((a) => a.status)).toEqual([200, 200]);
		expect(answers.filter((a) => a.started)).toHaveLength(1);
		expect((await post(t, body)).started).toBe(false);
		expect(calls()).toEqual(['getGoodsFeedbacks 200']);
	});
});
