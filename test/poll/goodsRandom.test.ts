/**
 * Seeded random runs of the Polling Trigger watching reviews and questions: buyers' reviews and
 * questions published at random times, many after days in moderation (up to 20 days, inside
 * the safety window), some in the same second as a poll or while one runs; old ones deleted
 * (which can hide a new question from the count of the first page); polls that overlap or run
 * twice, restarts (graceful and killed), Market failing. Under every combination of what
 * Market's spec leaves open (the order of reviews, the date their filter means, whether the
 * question `sort` is applied and the order without it, how long moderation takes by default),
 * every review and question published after the activation is emitted exactly once, and none
 * from before it.
 */
import { FIXTURE_FACTS } from '../simulator/fixtures';
import { GOODS_FIXTURE_FACTS } from '../simulator/goodsFixtures';
import {
	FEEDBACK_DATE_FILTERS,
	FEEDBACK_ORDERS,
	MODERATION_DELAYS,
	QUESTION_ORDERS,
	type FeedbackDateFilter,
	type FeedbackOrder,
} from '../simulator/goodsTypes';
import { SIM_KEYS, startSimulator, type Simulator } from '../simulator/server';
import { byId, PollHarness } from '../support/engine';

const BUSINESS = FIXTURE_FACTS.businesses.demo;
const OFFERS = Object.keys(GOODS_FIXTURE_FACTS.demoOffers);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
let now = Date.parse(GOODS_FIXTURE_FACTS.goodsClock) + HOUR;
let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ clock: () => now });
});
afterAll(async () => await sim.close());

function mulberry32(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Runs `fn` once, right after the simulator answers one of `ops`. */
function afterAnswer(ops: string[], fn: () => void): () => void {
	const opts = (
		sim as unknown as { opts: { afterReply?: (r: { operationId: string | null }) => void } }
	).opts;
	let done = false;
	opts.afterReply = (r) => {
		if (!done && r.operationId && ops.includes(r.operationId)) {
			done = true;
			fn();
		}
	};
	return () => {
		opts.afterReply = undefined;
	};
}

interface Variant {
	feedbackOrder: FeedbackOrder;
	feedbackDateFilter: FeedbackDateFilter;
}

async function run(seed: number, variant: Variant) {
	const random = mulberry32(seed);
	const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
	sim.reset();
	Object.assign(sim, variant, {
		questionOrder: pick(QUESTION_ORDERS),
		questionSort: random() < 0.5 ? 'honored' : 'ignored',
		moderationDelay: pick(MODERATION_DELAYS),
	});
	now += 6 * HOUR;
	/** A time in moderation: none, seconds, minutes, hours or days (at most 20). */
	const moderation = () =>
		pick([
			undefined,
			0,
			Math.floor(random() * 5000),
			Math.floor(random() * 30 * MINUTE),
			Math.floor(random() * 20 * HOUR),
			Math.floor(random() * 20 * DAY),
		]);
	const written = new Set<string>();
	/** Polls completed when each was published, to tell how many it took to be emitted. */
	const publishedAt = new Map<string, number>();
	let completed = 0;
	let late = 0;
	const addReview = (track: boolean) => {
		const ms = moderation();
		const r = sim.addFeedback({
			businessId: BUSINESS,
			offerId: pick(OFFERS),
			rating: 1 + Math.floor(random() * 5),
			comment: `seed ${seed}`,
			...(ms === undefined ? {} : { moderationMs: ms }),
		});
		if (track) written.add(`review:${r.feedbackId}`);
		publishedAt.set(`review:${r.feedbackId}`, completed);
	};
	const addQuestion = (track: boolean) => {
		const ms = moderation();
		const q = sim.addQuestion({
			businessId: BUSINESS,
			offerId: pick(OFFERS),
			text: `seed ${seed}`,
			...(ms === undefined ? {} : { createdAt: new Date(now - ms).toISOString() }),
		});
		if (track) written.add(`question:${q.id}`);
		publishedAt.set(`question:${q.id}`, completed);
	};
	// Before the activation: published then, never to be emitted; enough questions and reviews
	// in the last 26 days that their windows take more than one page.
	for (let k = 0; k < 5; k++) (random() < 0.5 ? addReview : addQuestion)(false);
	for (let k = 40 + Math.floor(random() * 40); k > 0; k--) {
		const at = new Date(now - Math.floor(random() * 20 * DAY)).toISOString();
		sim.addQuestion({ businessId: BUSINESS, offerId: pick(OFFERS), createdAt: at });
		if (k % 2)
			sim.addFeedback({ businessId: BUSINESS, offerId: pick(OFFERS), rating: 5, publishedAt: at });
	}
	const before = {
		reviews: sim.state.feedbacks.map((f) => f.feedbackId),
		questions: sim.state.questions.map((q) => q.id),
	};
	now += 1000 + Math.floor(random() * 60_000);

	let poll = await new PollHarness(
		{ businessId: byId(BUSINESS), events: ['review', 'question'], filters: {} },
		{ apiKey: SIM_KEYS.communication, baseUrl: sim.url },
	).start();
	expect(await poll.poll()).toEqual([]);
	const emitted: string[] = [];
	let polls = 0;
	let requests = 0;
	const collect = (items: Array<Record<string, unknown>>) => {
		for (const i of items) {
			const key =
				i.notificationType === 'GOODS_FEEDBACK_CREATED'
					? `review:${i.feedbackId}`
					: `question:${i.questionId}`;
			emitted.push(key);
			// Late: not within three polls that did not fail (only a question hidden by a
			// deletion should wait for the hourly full read).
			if (completed - (publishedAt.get(key) ?? completed) > 3) late++;
		}
	};
	const safePoll = async () => {
		const sent = sim.requests.length;
		try {
			collect(await poll.poll());
			completed++;
		} catch {
			// A failed poll may throw; what it did not emit must come later.
		}
		polls++;
		requests += sim.requests.length - sent;
	};
	const write = (n: number) => {
		for (let k = 0; k < n; k++) (random() < 0.5 ? addReview : addQuestion)(true);
	};
	for (let step = 0; step < 30; step++) {
		const r = random();
		write(Math.floor(random() * 4));
		// Delete an old review or question now and then: a question deleted while a late one
		// appears leaves the first page's count unchanged.
		if (random() < 0.15) {
			const old = sim.state.questions.filter((x) => before.questions.includes(x.id) && !x.deleted);
			if (old.length) sim.deleteQuestion(pick(old).id);
		}
		if (random() < 0.1) {
			const old = sim.state.feedbacks.filter(
				(x) => before.reviews.includes(x.feedbackId) && !x.deleted,
			);
			if (old.length) sim.deleteFeedback(pick(old).feedbackId);
		}
		now += random() < 0.3 ? Math.floor(random() * 1500) : random() < 0.05 ? 2 * HOUR : MINUTE;
		if (r < 0.15) {
			const stop = afterAnswer(['getGoodsFeedbacks', 'getGoodsQuestions'], () => write(1));
			await safePoll();
			stop();
		} else if (r < 0.3) {
			await Promise.all([safePoll(), safePoll()]);
		} else if (r < 0.4) {
			poll = await poll.restart(random() < 0.5);
		} else if (r < 0.5) {
			sim.injectFault(
				pick(['getGoodsFeedbacks', 'getGoodsQuestions'] as const),
				{ status: 500, after: Math.floor(random() * 3) },
				4,
			);
			await safePoll();
		} else {
			await safePoll();
		}
	}
	// Faults end; an hour of quiet polls (the questions' hourly full read among them).
	(sim as unknown as { faults: Map<string, unknown> }).faults.clear();
	for (let k = 0; k < 62; k++) {
		now += MINUTE;
		await safePoll();
	}
	return { written, emitted, polls, requests, late };
}

const SEEDS = 20;
const VARIANTS: Variant[] = FEEDBACK_ORDERS.flatMap((feedbackOrder) =>
	FEEDBACK_DATE_FILTERS.map((feedbackDateFilter) => ({ feedbackOrder, feedbackDateFilter })),
);

describe.each(VARIANTS)(
	'reviews listed $feedbackOrder, filtered on the $feedbackDateFilter date',
	(variant) => {
		test(`${SEEDS} seeded runs: every review and question published after the activation once, none lost, none older`, async () => {
			let written = 0;
			let emitted = 0;
			let duplicates = 0;
			let lost = 0;
			let older = 0;
			let polls = 0;
			let requests = 0;
			let late = 0;
			for (let seed = 1; seed <= SEEDS; seed++) {
				const result = await run(seed, variant);
				const seen = new Set<string>();
				for (const e of result.emitted) {
					if (seen.has(e)) duplicates++;
					seen.add(e);
					if (!result.written.has(e)) older++;
				}
				for (const w of result.written) if (!seen.has(w)) lost++;
				written += result.written.size;
				emitted += result.emitted.length;
				polls += result.polls;
				requests += result.requests;
				late += result.late;
			}
			process.stderr.write(
				`[poll goods random] ${variant.feedbackOrder}/${variant.feedbackDateFilter}: ${SEEDS} seeds, ${written} reviews and questions published after activation, ${emitted} emitted, ${duplicates} duplicates, ${lost} lost, ${older} from before the activation, ${late} later than 3 polls; ${polls} polls, ${(requests / polls).toFixed(2)} requests a poll\n`,
			);
			expect({ duplicates, lost, older }).toEqual({ duplicates: 0, lost: 0, older: 0 });
			expect(emitted).toBe(written);
			// Masking takes a deletion and a late question in the same minute: rare.
			expect(late).toBeLessThanOrEqual(written * 0.005);
			expect(written).toBeGreaterThan(SEEDS * 15);
		}, 300_000);
	},
);
