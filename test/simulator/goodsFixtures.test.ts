/** The seed reviews and questions: deterministic and matching FIXTURE_FACTS. */
import { FIXTURE_FACTS, createFixtures } from './server';
import { monthsBefore, mskDate } from './time';

const f = createFixtures();
const clock = Date.parse(FIXTURE_FACTS.goodsClock);
const F = FIXTURE_FACTS.demoFeedbacks;
const Q = FIXTURE_FACTS.demoQuestions;
const DEMO = FIXTURE_FACTS.businesses.demo;
const ms = (iso: string) => Date.parse(iso);

function countBy<T>(items: T[], key: (x: T) => string | number): Record<string, number> {
	const out: Record<string, number> = {};
	for (const x of items) out[key(x)] = (out[key(x)] ?? 0) + 1;
	return out;
}

// The default windows at goodsClock, as Market states them.
const reviewWindowStart = monthsBefore(clock, 6);
const demoReviews = f.feedbacks.filter((r) => r.businessId === DEMO);
const inWindow = demoReviews.filter(
	(r) => !r.deleted && ms(r.publishedAt) > reviewWindowStart && ms(r.publishedAt) < clock,
);
const questionDays = { from: mskDate(monthsBefore(clock, 1)), to: mskDate(clock) };
const demoQuestions = f.questions.filter((q) => q.businessId === DEMO);
const questionsInWindow = demoQuestions.filter((q) => {
	const day = mskDate(ms(q.createdAt));
	return !q.deleted && day >= questionDays.from && day <= questionDays.to;
});
const storeComments = (id: number) =>
	f.feedbackComments.filter((c) => c.feedbackId === id && c.author.type === 'BUSINESS');
const answersOf = (id: number) => f.answers.filter((a) => a.questionId === id);

describe('review fixtures', () => {
	it('are deterministic and dated before goodsClock, over more than 6 months', () => {
		expect(createFixtures()).toEqual(f);
		const times = [
			...f.feedbacks.flatMap((r) => [r.createdAt, r.publishedAt]),
			...f.feedbackComments.map((c) => c.createdAt),
		].map(ms);
		expect(Math.max(...times)).toBeLessThan(clock);
		expect(Math.min(...demoReviews.map((r) => ms(r.publishedAt)))).toBeLessThan(reviewWindowStart);
		for (const r of f.feedbacks) expect(ms(r.createdAt)).toBeLessThanOrEqual(ms(r.publishedAt));
	});

	it('match the facts of the default window', () => {
		expect(inWindow.map((r) => r.feedbackId)).toEqual(
			Array.from({ length: F.inDefaultWindow }, (_, i) => F.latestId + i),
		);
		expect(countBy(inWindow, (r) => r.rating)).toEqual(F.byRating);
		expect(Object.values(countBy(inWindow, (r) => r.offerId))).toEqual(
			Array(Object.keys(FIXTURE_FACTS.demoOffers).length).fill(F.perOffer),
		);
		expect(inWindow.filter((r) => r.needReaction)).toHaveLength(F.needReaction);
		expect(inWindow.filter((r) => (r.paidAmount ?? 0) > 0)).toHaveLength(F.paid);
		const answered = inWindow.filter((r) => storeComments(r.feedbackId).length > 0);
		expect(answered).toHaveLength(F.storeAnswered);
		for (const r of answered) expect(r.needReaction).toBe(false);
		const skipped = inWindow.filter((r) => !r.needReaction && !answered.includes(r));
		expect(skipped).toHaveLength(F.skipped);
		expect(
			demoReviews.filter((r) => ms(r.publishedAt) <= reviewWindowStart).map((r) => r.feedbackId),
		).toEqual(F.olderIds);
		expect(demoReviews.filter((r) => r.deleted).map((r) => r.feedbackId)).toEqual(F.deletedIds);
		expect(storeComments(F.deletedIds[0])).toHaveLength(1);
	});

	it('has the reviews and comments the facts name', () => {
		const late = f.feedbacks.find((r) => r.feedbackId === F.lateModerated.feedbackId)!;
		expect(late).toMatchObject({
			createdAt: F.lateModerated.createdAt,
			publishedAt: F.lateModerated.publishedAt,
		});
		expect(ms(late.createdAt)).toBeLessThan(reviewWindowStart);
		// The only one of the window written before it.
		expect(inWindow.filter((r) => ms(r.createdAt) <= reviewWindowStart)).toEqual([late]);
		const thread = f.feedbackComments.filter((c) => c.feedbackId === F.longThread.feedbackId);
		expect(thread).toHaveLength(F.longThread.commentCount);
		thread.slice(1).forEach((c, i) => expect(c.parentId).toBe(thread[i].id));
		const byId = (id: number) => f.feedbackComments.find((c) => c.id === id)!;
		expect(byId(F.buyerReply.replyId)).toMatchObject({
			feedbackId: F.buyerReply.feedbackId,
			parentId: F.buyerReply.storeCommentId,
			author: { type: 'USER' },
		});
		expect(byId(F.bannedStoreComment.commentId)).toMatchObject({
			feedbackId: F.bannedStoreComment.feedbackId,
			status: 'BANNED',
			canModify: false,
			author: { type: 'BUSINESS' },
		});
		expect(byId(F.brandComment.commentId).author.type).toBe('BRAND');
		expect(byId(F.deletedComment.commentId).status).toBe('DELETED');
	});

	it('follows the id rules: commentId = feedbackId * 100 + k, each review its own', () => {
		const reviewIds = f.feedbacks.map((r) => r.feedbackId);
		expect(new Set(reviewIds).size).toBe(reviewIds.length);
		for (const r of f.feedbacks) {
			const own = f.feedbackComments.filter((c) => c.feedbackId === r.feedbackId);
			expect(own.map((c) => c.id)).toEqual(own.map((_, k) => r.feedbackId * 100 + k + 1));
			for (const c of own.filter((x) => x.parentId !== undefined))
				expect(own.map((x) => x.id)).toContain(c.parentId);
		}
		expect(f.feedbacks.filter((r) => r.businessId !== DEMO).map((r) => r.feedbackId)).toEqual([
			...FIXTURE_FACTS.secondFeedbackIds,
			FIXTURE_FACTS.foreignFeedbackId,
		]);
		expect(Math.max(...reviewIds)).toBeLessThan(FIXTURE_FACTS.firstCreatedFeedbackId);
		expect(Math.max(...f.feedbackComments.map((c) => c.id))).toBeLessThan(
			FIXTURE_FACTS.firstCreatedFeedbackCommentId,
		);
	});
});

describe('question fixtures', () => {
	it('are dated before goodsClock, over more than a month', () => {
		const times = [
			...f.questions.map((q) => q.createdAt),
			...f.answers.map((a) => a.createdAt),
			...f.answerComments.map((c) => c.createdAt),
		].map(ms);
		expect(Math.max(...times)).toBeLessThan(clock);
		expect(Math.min(...demoQuestions.map((q) => ms(q.createdAt)))).toBeLessThan(
			monthsBefore(clock, 1),
		);
		for (const a of f.answers) {
			const q = f.questions.find((x) => x.id === a.questionId)!;
			expect(ms(a.createdAt)).toBeGreaterThan(ms(q.createdAt));
		}
	});

	it('match the facts of the default window', () => {
		expect(questionsInWindow.map((q) => q.id)).toEqual(
			Array.from({ length: Q.inDefaultWindow }, (_, i) => Q.latestId + i),
		);
		expect(countBy(questionsInWindow, (q) => q.categoryId!)).toEqual(Q.byCategory);
		for (const q of demoQuestions) expect(q.categoryId).toBe(FIXTURE_FACTS.demoOffers[q.offerId]);
		const answeredByStore = questionsInWindow.filter((q) =>
			answersOf(q.id).some((a) => a.author.type === 'BUSINESS'),
		);
		expect(answeredByStore).toHaveLength(Q.storeAnswered);
		expect(questionsInWindow.filter((q) => answersOf(q.id).length === 0)).toHaveLength(
			Q.unanswered,
		);
		expect(mskDate(ms(f.questions.find((q) => q.id === Q.firstDayId)!.createdAt))).toBe(
			questionDays.from,
		);
		const dayBefore = f.questions.find((q) => q.id === Q.dayBeforeId)!;
		expect(mskDate(ms(dayBefore.createdAt)) < questionDays.from).toBe(true);
		expect(demoQuestions.filter((q) => !q.deleted && !questionsInWindow.includes(q))).toHaveLength(
			Q.older,
		);
		expect(f.questions.find((q) => q.id === Q.deletedId)?.deleted).toBe(true);
	});

	it('has the answers and comments the facts name, by the id rules', () => {
		expect(answersOf(Q.manyAnswers.questionId)).toHaveLength(Q.manyAnswers.answerCount);
		const full = f.answerComments.filter((c) => c.answerId === Q.fullAnswer.answerId);
		expect(full).toHaveLength(Q.fullAnswer.commentCount);
		expect(f.answers.find((a) => a.id === Q.bannedStoreAnswer.answerId)).toMatchObject({
			questionId: Q.bannedStoreAnswer.questionId,
			status: 'BANNED',
			canModify: false,
		});
		expect(f.answers.find((a) => a.id === Q.buyerAnswer.answerId)).toMatchObject({
			questionId: Q.buyerAnswer.questionId,
			canModify: false,
			author: { type: 'USER' },
		});
		expect(new Set(f.answers.map((a) => a.author.type))).toEqual(
			new Set(['BUSINESS', 'USER', 'VENDOR', 'BRAND']),
		);
		for (const q of f.questions)
			answersOf(q.id).forEach((a, k) => expect(a.id).toBe(q.id * 100 + k + 1));
		for (const a of f.answers) {
			const own = f.answerComments.filter((c) => c.answerId === a.id);
			expect(own.length).toBeLessThanOrEqual(100);
			own.forEach((c, k) => expect(c.id).toBe(a.id * 1000 + k + 1));
		}
		expect(Math.max(...f.answers.map((a) => a.id))).toBeLessThan(
			FIXTURE_FACTS.firstCreatedAnswerId,
		);
		expect(Math.max(...f.answerComments.map((c) => c.id))).toBeLessThan(
			FIXTURE_FACTS.firstCreatedAnswerCommentId,
		);
		expect(Math.max(...f.questions.map((q) => q.id))).toBeLessThan(
			FIXTURE_FACTS.firstCreatedQuestionId,
		);
	});
});
