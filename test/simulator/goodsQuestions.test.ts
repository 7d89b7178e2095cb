/**
 * The simulator's questions: getGoodsQuestions, getGoodsQuestionAnswers,
 * updateGoodsQuestionTextEntity. Every exchange is checked against the spec after each test
 * (useGoodsSimulator).
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
const Q = FIXTURE_FACTS.demoQuestions;
const t = useGoodsSimulator();

const post = poster(t, `/v1/businesses/${B}/goods-questions`);
const questions = (body?: unknown, query = '', opts?: CallOptions) => post('', body, query, opts);
const answers = (body: unknown, query = '') => post('/answers', body, query);
const entity = (body: unknown, opts?: CallOptions) => post('/update', body, '', opts);

const ids = (res: { body: any }) =>
	res.body.result.questions.map((q: any) => q.questionIdentifiers.id);
const answerIds = (res: { body: any }) => res.body.result.answers.map((a: any) => a.id);
const listAll = (body: unknown = {}) => everyItem((query) => questions(body, query), 'questions');
const answersOf = (questionId: number) =>
	everyItem((query) => answers({ questionId }, query), 'answers');
const create = (type: 'QUESTION' | 'ANSWER' | 'COMMENT', id: number, text = 'Да, подходит.') =>
	entity({ operationType: 'CREATE', parentEntityId: { id, type }, text });

describe('getGoodsQuestions', () => {
	it("lists the month's questions, 25 a page, latest first, with the total", async () => {
		const res = await questions();
		expect(res.status).toBe(200);
		expect(ids(res)).toHaveLength(25);
		expect(ids(res)[0]).toBe(Q.latestId);
		expect(res.body.result.totalCount).toBe(Q.inDefaultWindow);
		const q = createFixtures().questions[0];
		expect(res.body.result.questions[0]).toEqual({
			questionIdentifiers: { id: q.id, categoryId: 90599, offerId: 'KETTLE-01' },
			businessId: B,
			text: q.text,
			createdAt: '2026-11-20T16:00:00+03:00',
			votes: q.votes,
			author: { type: 'USER', name: q.author.name },
		});
		expect(ids(await questions({}))).toEqual(ids(res));
	});

	it('pages at 50: every question of the window exactly once', async () => {
		// page_token is the other name Market accepts.
		const pages = await allPages((query) => questions(undefined, query), 'questions', 'page_token');
		expect(pages.map((p) => p.length)).toEqual([50, 5]);
		const all = pages.flat().map((q) => q.questionIdentifiers.id);
		expect(all).toEqual(Array.from({ length: 55 }, (_, i) => Q.latestId + i));
	});

	it('the default window is the month of days before today, both days included', async () => {
		const all = (await listAll()).map((q) => q.questionIdentifiers.id);
		expect(all).toContain(Q.firstDayId);
		expect(all).not.toContain(Q.dayBeforeId);
		expect(all).not.toContain(Q.deletedId);
		// One day later, the first day has left the window.
		t.now += 24 * 3_600_000;
		const later = (await listAll()).map((q) => q.questionIdentifiers.id);
		expect(later).not.toContain(Q.firstDayId);
		expect(later).toHaveLength(Q.inDefaultWindow - 1);
	});

	it('dateFrom and dateTo: Moscow days, both included, at most a month apart', async () => {
		const day = await listAll({ dateFrom: '2026-10-20', dateTo: '2026-10-20' });
		expect(day.map((q) => q.questionIdentifiers.id)).toEqual([Q.dayBeforeId]);
		const older = await listAll({ dateFrom: '2026-08-20', dateTo: '2026-09-20' });
		expect(older.map((q) => q.questionIdentifiers.id)).toEqual([610058, 610059, 610060]);
		// Only dateTo: the month before it.
		const before = await listAll({ dateTo: '2026-10-20' });
		expect(before.map((q) => q.questionIdentifiers.id)).toEqual([Q.dayBeforeId, 610057, 610058]);
		expectError(
			await questions({ dateFrom: '2026-10-20', dateTo: '2026-11-21' }),
			400,
			'BAD_REQUEST',
			'body.dateFrom and body.dateTo must be at most 1 month apart: dateFrom must not be before 2026-10-21',
		);
		expectError(
			await questions({ dateFrom: '2026-11-02', dateTo: '2026-11-01' }),
			400,
			'BAD_REQUEST',
			'body.dateFrom must not be after body.dateTo',
		);
	});

	it.each([
		[
			'a date-time for a date',
			{ dateFrom: '2026-11-01T00:00:00+03:00' },
			'',
			'body.dateFrom must be a date',
		],
		['30 February', { dateTo: '2026-02-30' }, '', 'body.dateTo must be a date'],
		[
			'51 questionIds',
			{ questionIds: Array.from({ length: 51 }, (_, i) => i + 1) },
			'',
			'body.questionIds must have at most 50 items',
		],
		['questionId 0', { questionIds: [0] }, '', 'body.questionIds[0] must be an integer >= 1'],
		['categoryId -1', { categoryIds: [-1] }, '', 'body.categoryIds[0] must be an integer >= 0'],
		['needAnswer "true"', { needAnswer: 'true' }, '', 'body.needAnswer must be a boolean'],
		[
			'sort CREATED_AT',
			{ sort: 'CREATED_AT' },
			'',
			'body.sort must be one of CREATED_AT_DESC, CREATED_AT_ASC',
		],
		['limit=51', undefined, '?limit=51', 'Parameter limit must be an integer between 1 and 50'],
	])('400 naming the field: %s', async (_, body, query, message) => {
		expectError(await questions(body, query), 400, 'BAD_REQUEST', message);
	});

	it.each([
		[[90599], Q.byCategory[90599]],
		[[90568, 90590], Q.byCategory[90568] + Q.byCategory[90590]],
		[[1], 0],
	])('categoryIds %j: exactly their questions', async (categoryIds, count) => {
		const got = await listAll({ categoryIds });
		expect(got).toHaveLength(count);
		for (const q of got) expect(categoryIds).toContain(q.questionIdentifiers.categoryId);
	});

	it('needAnswer: true keeps the questions the store has not answered; false lists all', async () => {
		const waiting = await questions({ needAnswer: true }, '?limit=50');
		expect(waiting.body.result.totalCount).toBe(Q.inDefaultWindow - Q.storeAnswered);
		for (const q of waiting.body.result.questions) expect(q.questionIdentifiers.id % 4).not.toBe(1);
		expect((await questions({ needAnswer: false })).body.result.totalCount).toBe(Q.inDefaultWindow);
		// The store answers one: it no longer waits.
		const id = waiting.body.result.questions[0].questionIdentifiers.id;
		await create('QUESTION', id);
		const after = await questions({ needAnswer: true }, '?limit=50');
		expect(after.body.result.totalCount).toBe(Q.inDefaultWindow - Q.storeAnswered - 1);
		expect(ids(after)).not.toContain(id);
	});

	it('sort: CREATED_AT_ASC earliest first, CREATED_AT_DESC latest first', async () => {
		const asc = await listAll({ sort: 'CREATED_AT_ASC' });
		expect(asc[0].questionIdentifiers.id).toBe(Q.firstDayId);
		const desc = await listAll({ sort: 'CREATED_AT_DESC' });
		expect(desc.map((q) => q.questionIdentifiers.id)).toEqual(
			asc.map((q) => q.questionIdentifiers.id).reverse(),
		);
	});

	it('questionIds: those of the business; deleted ones and other businesses’ are left out', async () => {
		const res = await questions({
			questionIds: [Q.latestId, Q.deletedId, FIXTURE_FACTS.secondQuestionIds[0], 610003],
		});
		expect(ids(res)).toEqual([Q.latestId, 610003]);
	});

	it('serves each business its own questions', async () => {
		const res = await call(
			t.sim,
			'POST',
			`/v1/businesses/${FIXTURE_FACTS.businesses.second}/goods-questions`,
		);
		expect(ids(res)).toEqual(FIXTURE_FACTS.secondQuestionIds);
		expect((await questions({}, '', { key: SIM_KEYS.readOnly })).status).toBe(200);
		expectError(await questions({}, '', { key: SIM_KEYS.noChatScope }), 403, 'FORBIDDEN');
	});
});

describe('getGoodsQuestionAnswers', () => {
	it("the store's answer with its 100 comments, earliest first", async () => {
		const res = await answers({ questionId: Q.fullAnswer.questionId });
		expect(res.status).toBe(200);
		const [a] = res.body.result.answers;
		expect(a).toMatchObject({
			id: Q.fullAnswer.answerId,
			canModify: true,
			author: { type: 'BUSINESS', name: 'Demo Store' },
			status: 'PUBLISHED',
			questionId: Q.fullAnswer.questionId,
		});
		expect(a.comments).toHaveLength(Q.fullAnswer.commentCount);
		expect(a.comments[1]).toEqual({
			id: Q.fullAnswer.answerId * 1000 + 2,
			text: expect.any(String),
			canModify: true,
			parentId: Q.fullAnswer.answerId * 1000 + 1,
			author: { type: 'BUSINESS', name: 'Demo Store' },
			status: 'PUBLISHED',
			answerId: Q.fullAnswer.answerId,
			createdAt: expect.any(String),
			votes: expect.objectContaining({ likes: expect.any(Number) }),
		});
		const times = a.comments.map((c: any) => Date.parse(c.createdAt));
		expect([...times].sort((x, y) => x - y)).toEqual(times);
	});

	it('pages 55 answers at 50: each once', async () => {
		const all = await answersOf(Q.manyAnswers.questionId);
		expect(all).toHaveLength(Q.manyAnswers.answerCount);
		expect(new Set(all.map((a) => a.id)).size).toBe(Q.manyAnswers.answerCount);
		for (const a of all) expect(a).toMatchObject({ canModify: false, author: { type: 'USER' } });
	});

	it('answerIds: those answers of the business; 400 for neither filter; 404 for a question not there', async () => {
		const res = await answers({
			answerIds: [Q.buyerAnswer.answerId, Q.bannedStoreAnswer.answerId, 62000101, 1],
		});
		// Earliest first: the banned answer is on an older question.
		expect(answerIds(res)).toEqual([Q.bannedStoreAnswer.answerId, Q.buyerAnswer.answerId]);
		expect(res.body.result.answers[0]).toMatchObject({ status: 'BANNED', canModify: false });
		expectError(
			await answers({}),
			400,
			'BAD_REQUEST',
			'body.questionId or body.answerIds is required',
		);
		expectError(await answers({ questionId: FIXTURE_FACTS.unknownQuestionId }), 404, 'NOT_FOUND');
		expectError(
			await answers({ questionId: FIXTURE_FACTS.secondQuestionIds[0] }),
			404,
			'NOT_FOUND',
		);
		expectError(await answers({ questionId: Q.deletedId }), 404, 'NOT_FOUND');
	});
});

describe('updateGoodsQuestionTextEntity', () => {
	it('CREATE answers a question anew every time (not idempotent), and notifies', async () => {
		const first = await create('QUESTION', 610004, 'Объём 1,7 л.');
		const second = await create('QUESTION', 610004, 'Объём 1,7 л.');
		expect(first.body).toEqual({
			status: 'OK',
			result: { entity: { id: FIXTURE_FACTS.firstCreatedAnswerId, type: 'ANSWER' } },
		});
		expect(second.body.result.entity.id).toBe(FIXTURE_FACTS.firstCreatedAnswerId + 1);
		const list = await answersOf(610004);
		expect(list).toEqual([
			{
				id: first.body.result.entity.id,
				text: 'Объём 1,7 л.',
				canModify: true,
				author: { type: 'BUSINESS', name: 'Demo Store' },
				status: 'PUBLISHED',
				questionId: 610004,
				createdAt: FIXTURE_FACTS.goodsClock,
				votes: { likes: 0, dislikes: 0 },
				comments: [],
			},
			expect.objectContaining({ id: second.body.result.entity.id }),
		]);
		expect(t.sim.state.notifications).toEqual(
			[first, second].map((r) => ({
				notificationType: 'QUESTION_ANSWER_CREATED',
				answerId: r.body.result.entity.id,
				businessId: B,
				createdAt: FIXTURE_FACTS.goodsClock,
			})),
		);
	});

	it('CREATE comments on an answer (parent ANSWER), and notifies with the answer', async () => {
		const res = await create('ANSWER', Q.buyerAnswer.answerId, 'Уточню: у нас 1,7 л.');
		expect(res.body.result.entity).toEqual({
			id: FIXTURE_FACTS.firstCreatedAnswerCommentId,
			type: 'COMMENT',
		});
		const [a] = (await answers({ answerIds: [Q.buyerAnswer.answerId] })).body.result.answers;
		expect(a.comments).toEqual([
			expect.objectContaining({
				id: res.body.result.entity.id,
				author: { type: 'BUSINESS', name: 'Demo Store' },
			}),
		]);
		expect(t.sim.state.notifications).toEqual([
			{
				notificationType: 'QUESTION_COMMENT_CREATED',
				answerId: Q.buyerAnswer.answerId,
				commentId: res.body.result.entity.id,
				businessId: B,
				createdAt: FIXTURE_FACTS.goodsClock,
			},
		]);
	});

	it('UPDATE and DELETE what the store may modify; the answer is empty', async () => {
		const answerId = Q.fullAnswer.answerId;
		const updated = await entity({
			operationType: 'UPDATE',
			entityId: { id: answerId, type: 'ANSWER' },
			text: 'Новый текст',
		});
		expect(updated.body).toEqual({ status: 'OK' });
		const commentId = answerId * 1000 + 2;
		expect(
			(await entity({ operationType: 'DELETE', entityId: { id: commentId, type: 'COMMENT' } }))
				.body,
		).toEqual({ status: 'OK' });
		const [a] = (await answers({ answerIds: [answerId] })).body.result.answers;
		expect(a.text).toBe('Новый текст');
		expect(a.comments.map((c: any) => c.id)).not.toContain(commentId);
		expect(a.comments).toHaveLength(99);
		expect(
			(await entity({ operationType: 'DELETE', entityId: { id: answerId, type: 'ANSWER' } }))
				.status,
		).toBe(200);
		expect(await answersOf(Q.fullAnswer.questionId)).toEqual([]);
		expect(t.sim.state.notifications).toEqual([]);
		expectError(
			await entity({ operationType: 'DELETE', entityId: { id: answerId, type: 'ANSWER' } }),
			404,
			'NOT_FOUND',
		);
	});

	it.each([
		['a buyer’s answer', { id: Q.buyerAnswer.answerId, type: 'ANSWER' }, 400, 'canModify is false'],
		[
			'a banned answer',
			{ id: Q.bannedStoreAnswer.answerId, type: 'ANSWER' },
			400,
			'canModify is false',
		],
		[
			'a buyer’s comment',
			{ id: Q.fullAnswer.answerId * 1000 + 1, type: 'COMMENT' },
			400,
			'canModify is false',
		],
		[
			'a question',
			{ id: Q.latestId, type: 'QUESTION' },
			400,
			'body.entityId.type must be ANSWER or COMMENT',
		],
		['an unknown answer', { id: 1, type: 'ANSWER' }, 404, 'Answer 1 not found'],
		['another business’s answer', { id: 62000101, type: 'ANSWER' }, 404, 'not found'],
		['an unknown comment', { id: 1, type: 'COMMENT' }, 404, 'Comment 1 not found'],
	])('UPDATE of %s: %i', async (_, entityId, status, message) => {
		const res = await entity({ operationType: 'UPDATE', entityId, text: 'x' });
		expectError(res, status, status === 400 ? 'BAD_REQUEST' : 'NOT_FOUND', message);
	});

	it.each([
		['no operationType', { text: 'x' }, 'body.operationType is required'],
		[
			'operationType MERGE',
			{ operationType: 'MERGE' },
			'body.operationType must be one of CREATE, UPDATE, DELETE',
		],
		[
			'CREATE without a parent',
			{ operationType: 'CREATE', text: 'x' },
			'body.parentEntityId is required',
		],
		[
			'CREATE without text',
			{ operationType: 'CREATE', parentEntityId: { id: 610004, type: 'QUESTION' } },
			'body.text is required',
		],
		[
			'CREATE under a comment',
			{ operationType: 'CREATE', parentEntityId: { id: 1, type: 'COMMENT' }, text: 'x' },
			'body.parentEntityId.type must be QUESTION',
		],
		[
			'a parent without type',
			{ operationType: 'CREATE', parentEntityId: { id: 1 }, text: 'x' },
			'body.parentEntityId.type must be one of',
		],
		[
			'UPDATE without text',
			{ operationType: 'UPDATE', entityId: { id: 61000101, type: 'ANSWER' } },
			'body.text is required',
		],
		['DELETE without entityId', { operationType: 'DELETE' }, 'body.entityId is required'],
		[
			'5,001 code points',
			{
				operationType: 'CREATE',
				parentEntityId: { id: 610004, type: 'QUESTION' },
				text: '😀'.repeat(5001),
			},
			'body.text must be 1 to 5000 characters long, got 5001',
		],
	])('400: %s', async (_, body, message) => {
		expectError(await entity(body), 400, 'BAD_REQUEST', message);
	});

	it('accepts 5,000 code points; 404 for unknown parents; 403 for the read-only key', async () => {
		expect((await create('QUESTION', 610004, '😀'.repeat(5000))).status).toBe(200);
		expectError(await create('QUESTION', FIXTURE_FACTS.unknownQuestionId), 404, 'NOT_FOUND');
		expectError(await create('ANSWER', 1), 404, 'NOT_FOUND');
		expectError(await create('QUESTION', Q.deletedId), 404, 'NOT_FOUND');
		expectError(
			await entity(
				{ operationType: 'CREATE', parentEntityId: { id: 610004, type: 'QUESTION' }, text: 'x' },
				{ key: SIM_KEYS.readOnly },
			),
			403,
			'FORBIDDEN',
		);
	});
});
