/**
 * The Question resource in n8n's engine against the simulator: every question once at the
 * fewest pages, filters exact, ranges longer than a month read month by month, an answer (or a
 * comment on an answer) created once and skipped when the store has already written there, bad
 * input refused before any request, an unknown outcome never repeated.
 */
import { FIXTURE_FACTS } from '../simulator/fixtures';
import { byId, chatRequests as requestsOf, run, useSimulator } from './setup';

const CLOCK = Date.parse(FIXTURE_FACTS.goodsClock);
const { sim } = useSimulator({ clock: () => CLOCK });
const business = byId(FIXTURE_FACTS.businesses.demo);
const facts = FIXTURE_FACTS.demoQuestions;

const question = (
	operation: string,
	parameters: Record<string, unknown> = {},
	extra: Parameters<typeof run>[2] = {},
) =>
	run(
		sim(),
		{ resource: 'question', operation, businessId: business, ...parameters } as never,
		extra,
	);
const storeAnswers = (questionId: number) =>
	sim().state.answers.filter((a) => a.questionId === questionId && a.author.type === 'BUSINESS');
/** A question in the default window with no answer at all. */
const unanswered = () =>
	sim().state.questions.find(
		(q) =>
			q.businessId === 1001 &&
			!q.deleted &&
			Date.parse(q.createdAt) > CLOCK - 25 * 86_400_000 &&
			!sim().state.answers.some((a) => a.questionId === q.id),
	)!;

describe("Question → Get of a question older than Market's default month", () => {
	// Whether Market limits a read by questionIds to its default month is not in the spec.
	const old = () =>
		sim().state.questions.find(
			(q) =>
				q.businessId === 1001 && !q.deleted && Date.parse(q.createdAt) < CLOCK - 70 * 86_400_000,
		)!;

	it.each(['apply', 'bypass'] as const)(
		'is found whether Market applies its window to IDs or not (%s)',
		async (rule) => {
			sim().questionIdsWindow = rule;
			const target = old();
			const got = await question('get', { questionId: String(target.id) });
			expect(got.error).toBeUndefined();
			expect(got.items[0].json).toMatchObject({ questionId: target.id, businessId: 1001 });
			const reads = requestsOf(sim(), 'getGoodsQuestions');
			// Without the window: one read. With it: the read by ID, then month by month back.
			if (rule === 'bypass') expect(reads).toHaveLength(1);
			else expect(reads.length).toBeGreaterThanOrEqual(3);
		},
	);

	it('once Market is seen listing an old question by ID alone, a missing one costs one read', async () => {
		sim().questionIdsWindow = 'bypass';
		await question('get', { questionId: String(old().id) });
		const before = requestsOf(sim(), 'getGoodsQuestions').length;
		const missing = await question('get', { questionId: '999999999' });
		expect(missing.error?.message).toMatch(/has no question 999999999/);
		expect(requestsOf(sim(), 'getGoodsQuestions').length - before).toBe(1);
	});

	it('until then, a missing question is looked for a year back at most, then reported', async () => {
		sim().questionIdsWindow = 'apply';
		const missing = await question('get', { questionId: '999999999' });
		expect(missing.error?.message).toMatch(/has no question 999999999/);
		const reads = requestsOf(sim(), 'getGoodsQuestions');
		expect(reads.length).toBeGreaterThan(12);
		expect(reads.length).toBeLessThanOrEqual(15);
	});
});

describe('Question → Get Many, Get, Get Answers', () => {
	it('Return All: every question of the default month once, in two pages of 50, with questionId', async () => {
		const result = await question('getAll', { returnAll: true, filters: { needAnswer: false } });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(facts.inDefaultWindow);
		const ids = result.items.map((i) => i.json.questionId);
		expect(new Set(ids).size).toBe(facts.inDefaultWindow);
		expect(requestsOf(sim(), 'getGoodsQuestions')).toHaveLength(2);
	});

	it('a category filter is exact', async () => {
		const result = await question('getAll', {
			returnAll: true,
			filters: { needAnswer: false, categoryIds: '90568' },
		});
		expect(result.items).toHaveLength(facts.byCategory[90568]);
	});

	it('a range longer than a month is read month by month: every question in it once', async () => {
		const result = await question('getAll', {
			returnAll: true,
			filters: { needAnswer: false, dateFrom: '2026-08-01', dateTo: '2026-11-21' },
		});
		expect(result.error).toBeUndefined();
		const expected = sim()
			.state.questions.filter(
				(q) =>
					q.businessId === 1001 &&
					!q.deleted &&
					q.createdAt.slice(0, 10) >= '2026-08-01' &&
					q.createdAt.slice(0, 10) <= '2026-11-21',
			)
			.map((q) => q.id)
			.sort();
		expect(expected.length).toBeGreaterThan(facts.inDefaultWindow);
		expect(result.items.map((i) => i.json.questionId as number).sort()).toEqual(expected);
		const windows = requestsOf(sim(), 'getGoodsQuestions').map(
			(r) => (r.json as { dateFrom: string }).dateFrom,
		);
		expect(new Set(windows).size).toBe(4);
	});

	it('Get returns the question with its ID; Get Answers all 55 answers, each with answerId and questionId', async () => {
		const got = await question('get', { questionId: String(facts.latestId) });
		expect(got.items[0].json).toMatchObject({ questionId: facts.latestId, businessId: 1001 });
		const { questionId, answerCount } = facts.manyAnswers;
		const answers = await question('getAnswers', { questionId, returnAll: true });
		expect(answers.items).toHaveLength(answerCount);
		expect(answers.items.every((i) => i.json.questionId === questionId && i.json.answerId)).toBe(
			true,
		);
	});
});

describe('Question → Answer and Comment on Answer', () => {
	it('publishes the answer once (a read, then the create); a second run skips with the same answer', async () => {
		const target = unanswered();
		const first = await question('answer', { questionId: target.id, text: 'Да, подходит.' });
		expect(first.error).toBeUndefined();
		const [created] = storeAnswers(target.id);
		expect(first.items[0].json).toMatchObject({
			businessId: 1001,
			questionId: target.id,
			answerId: created.id,
			skipped: false,
		});
		expect(sim().requests.map((r) => r.operationId)).toEqual([
			'getGoodsQuestionAnswers',
			'updateGoodsQuestionTextEntity',
		]);
		const second = await question('answer', { questionId: target.id, text: 'Да, подходит.' });
		expect(second.items[0].json).toMatchObject({ skipped: true, answerId: created.id });
		expect(storeAnswers(target.id)).toHaveLength(1);
	});

	it('the same question in two items of one run gets one answer; a banned store answer does not count', async () => {
		const target = unanswered();
		const result = await question(
			'answer',
			{ questionId: '={{ $json.q }}', text: 'Да.' },
			{ input: [{ json: { q: target.id } }, { json: { q: target.id } }] },
		);
		expect(result.items.map((i) => i.json.skipped)).toEqual([false, true]);
		expect(storeAnswers(target.id)).toHaveLength(1);
		const banned = await question('answer', {
			questionId: facts.bannedStoreAnswer.questionId,
			text: 'Ответ заново',
		});
		expect(banned.items[0].json.skipped).toBe(false);
	});

	it("comments on a buyer's answer once; a second run skips", async () => {
		const { answerId } = facts.buyerAnswer;
		const first = await question('comment', { answerId: String(answerId), text: 'Спасибо!' });
		expect(first.items[0].json).toMatchObject({ answerId, skipped: false });
		const second = await question('comment', { answerId: String(answerId), text: 'Спасибо!' });
		expect(second.items[0].json).toMatchObject({
			skipped: true,
			commentId: first.items[0].json.commentId,
		});
		const comments = sim().state.answerComments.filter(
			(c) => c.answerId === answerId && c.author.type === 'BUSINESS',
		);
		expect(comments).toHaveLength(1);
	});

	it.each([
		['an empty text', '', /Answer text is empty; Yandex Market accepts 1–5000/],
		['5,001 characters', 'ы'.repeat(5001), /5 001 characters; Yandex Market accepts 1–5000/],
	])('refuses %s before any request', async (_what, text, message) => {
		const result = await question('answer', { questionId: unanswered().id, text });
		expect(result.error?.message).toMatch(message);
		expect(sim().requests).toHaveLength(0);
	});

	it('accepts 5,000 emoji', async () => {
		const result = await question('answer', {
			questionId: unanswered().id,
			text: '👍'.repeat(5000),
		});
		expect(result.error).toBeUndefined();
	});

	it('a 500 after Market published the answer is not repeated, by the node or by Retry On Fail', async () => {
		const target = unanswered();
		sim().injectFault('updateGoodsQuestionTextEntity', { status: 500, process: true }, 3);
		const result = await question(
			'answer',
			{ questionId: target.id, text: 'Да.' },
			{ retry: { maxTries: 3, waitBetweenTries: 0 } },
		);
		// The retry's read finds the answer published: the item says which, nothing is sent again.
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			skipped: true,
			answerId: storeAnswers(target.id)[0].id,
		});
		expect(requestsOf(sim(), 'updateGoodsQuestionTextEntity')).toHaveLength(1);
		expect(storeAnswers(target.id)).toHaveLength(1);

		const alone = await question('answer', {
			questionId: unanswered().id,
			text: 'Да.',
			skipIfAnswered: false,
		});
		expect(alone.error?.message).toMatch(
			/may have been published, changed or deleted, so it was not sent again/,
		);
	});

	it('updates and deletes the store’s answer', async () => {
		const { answerId } = facts.fullAnswer;
		const updated = await question('updateAnswer', {
			answerId: String(answerId),
			text: 'Уточнение',
		});
		expect(updated.items[0].json).toMatchObject({ answerId, text: 'Уточнение' });
		expect(sim().state.answers.find((a) => a.id === answerId)!.text).toBe('Уточнение');
		const deleted = await question('deleteAnswer', { answerId: String(answerId) });
		expect(deleted.items[0].json).toMatchObject({ answerId, deleted: true });
	});
});
