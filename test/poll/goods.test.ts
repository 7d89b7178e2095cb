/**
 * The Polling Trigger watching reviews and questions, in n8n-core's PollContext against the
 * simulator with Market's clock in the test's hand: the first activation emits nothing old;
 * each review and question published after it comes once, with its ID, text, rating and
 * author, across restarts, repeated and overlapping polls and moderation delays; a quiet poll
 * costs one request per kind watched; and the safety window's edge is where the README says.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { SAFETY_MS } from '../../nodes/YandexMarket/poll/goodsCursor';
import { FIXTURE_FACTS } from '../simulator/fixtures';
import { GOODS_FIXTURE_FACTS } from '../simulator/goodsFixtures';
import type { FeedbackDateFilter } from '../simulator/goodsTypes';
import { SIM_KEYS, startSimulator, type Simulator } from '../simulator/server';
import { byId, PollHarness } from '../support/engine';

const BUSINESS = FIXTURE_FACTS.businesses.demo;
const OFFER = Object.keys(GOODS_FIXTURE_FACTS.demoOffers)[0];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let now = Date.parse(GOODS_FIXTURE_FACTS.goodsClock) + HOUR;
const tick = (ms = 60_000) => (now += ms);
let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ clock: () => now });
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.feedbackOrder = 'publishedDesc';
	sim.feedbackDateFilter = 'published';
	sim.questionOrder = 'createdDesc';
	tick(HOUR);
});

function harness(events: string[] | null = ['review', 'question']) {
	const parameters: IDataObject = { businessId: byId(BUSINESS), filters: {} };
	if (events) parameters.events = events;
	return new PollHarness(parameters as INodeParameters, {
		apiKey: SIM_KEYS.communication,
		baseUrl: sim.url,
	}).start();
}

const review = (text: string, moderationMs = 2 * HOUR, rating = 5) =>
	sim.addFeedback({ businessId: BUSINESS, offerId: OFFER, rating, comment: text, moderationMs });
const question = (text: string, writtenAgoMs = 0) =>
	sim.addQuestion({
		businessId: BUSINESS,
		offerId: OFFER,
		text,
		createdAt: new Date(now - writtenAgoMs).toISOString(),
	});
const calls = () => sim.requests.map((r) => r.operationId);
const texts = (items: IDataObject[]) => items.map((i) => i.text);
function staticOf(poll: PollHarness): IDataObject {
	const w = (poll as unknown as { workflow: any }).workflow;
	return w.getStaticData('node', w.getNode('Yandex Market Polling Trigger')) as IDataObject;
}
/** What the review cursor has concluded of Market's date filter. */
const datesOf = (poll: PollHarness) => (staticOf(poll).reviews as IDataObject | undefined)?.dates;

describe('Polling Trigger: new reviews and questions', () => {
	test('the first activation emits nothing old; then each new review and question once, with its IDs, text, rating and author on top and the review or question below, as the webhook trigger gives them', async () => {
		const poll = await harness();
		expect(await poll.poll()).toEqual([]);
		tick();
		const r = review('Отличный чайник', 3 * HOUR, 4);
		const q = question('Есть ли гарантия?');
		tick();
		const items = await poll.poll();
		expect(items).toHaveLength(2);
		const [ri, qi] = items as Array<Record<string, any>>;
		expect(ri).toMatchObject({
			notificationType: 'GOODS_FEEDBACK_CREATED',
			businessId: BUSINESS,
			feedbackId: r.feedbackId,
			rating: 4,
			text: 'Отличный чайник',
			authorType: 'USER',
			review: {
				feedbackId: r.feedbackId,
				createdAt: r.createdAt,
				statistics: { rating: 4 },
				description: { comment: 'Отличный чайник' },
				identifiers: { offerId: OFFER },
			},
		});
		expect(qi).toMatchObject({
			notificationType: 'QUESTION_CREATED',
			businessId: BUSINESS,
			questionId: q.id,
			text: 'Есть ли гарантия?',
			authorType: 'USER',
			question: {
				questionId: q.id,
				author: { type: 'USER' },
				questionIdentifiers: { id: q.id, offerId: OFFER },
			},
		});
		tick();
		expect(await poll.poll()).toEqual([]);
	});

	test('a workflow saved without Trigger On watches chat messages only, as before (no review or question request)', async () => {
		const poll = await harness(null);
		await poll.poll();
		review('not watched');
		question('not watched');
		tick();
		sim.requests.length = 0;
		expect(await poll.poll()).toEqual([]);
		expect(new Set(calls())).toEqual(new Set(['getChats']));
		expect(staticOf(poll).reviews).toBeUndefined();
	});

	test.each(['published', 'created'] as const)(
		'review filter on the %s date: the first review published after a poll tells which; a quiet poll then costs one request per kind (published) or the safety window’s pages (created)',
		async (filter: FeedbackDateFilter) => {
			sim.feedbackDateFilter = filter;
			const poll = await harness();
			await poll.poll();
			expect(datesOf(poll)).toBe('unknown');
			tick();
			// Written two hours ago, published now: the two filters list it differently.
			review('moderated for two hours');
			tick();
			expect(texts(await poll.poll())).toEqual(['moderated for two hours']);
			expect(datesOf(poll)).toBe(filter);
			tick();
			sim.requests.length = 0;
			expect(await poll.poll()).toEqual([]);
			const inWindow = sim.state.feedbacks.filter(
				(f) => !f.deleted && Date.parse(f.createdAt) > now - 60_000 - SAFETY_MS - 4000,
			).length;
			const reviewPages = filter === 'published' ? 1 : Math.max(1, Math.ceil(inWindow / 50));
			process.stderr.write(
				`[poll goods cost] review filter on ${filter}: quiet poll = ${calls().join(', ')} (${inWindow} reviews in the safety window)\n`,
			);
			expect(calls()).toEqual([
				...Array(reviewPages).fill('getGoodsFeedbacks'),
				'getGoodsQuestions',
			]);
		},
	);

	test('questions: more than a page in the window; a new one and one published days after it was asked (not on the first page) each come once; quiet polls are one request, and every page once an hour', async () => {
		// Forty questions in the last two days: the first page then holds only those days.
		for (let i = 40; i > 0; i--) question(`recent ${i}`, i * HOUR);
		const poll = await harness(['question']);
		await poll.poll();
		const inWindow = sim.state.questions.filter((q) => !q.deleted).length;
		expect(inWindow).toBeGreaterThan(50);
		tick();
		sim.requests.length = 0;
		// The first poll after activation reads the window whole (its first day is set then).
		expect(await poll.poll()).toEqual([]);
		tick();
		sim.requests.length = 0;
		expect(await poll.poll()).toEqual([]);
		expect(calls()).toEqual(['getGoodsQuestions']);

		question('just asked');
		question('asked 20 days ago, published now', 20 * DAY);
		tick();
		sim.requests.length = 0;
		expect(texts(await poll.poll())).toEqual(['asked 20 days ago, published now', 'just asked']);
		expect(calls().length).toBeGreaterThan(1);
		tick();
		sim.requests.length = 0;
		expect(await poll.poll()).toEqual([]);
		expect(calls()).toEqual(['getGoodsQuestions']);

		// A question deleted and one published late in the same minute: the count cannot tell;
		// the hourly full read finds it, once.
		const old = sim.state.questions.find((q) => !q.deleted && q.text !== 'just asked')!;
		sim.deleteQuestion(old.id);
		question('hidden by a deletion', 10 * DAY);
		let found: IDataObject[] = [];
		const perPoll: number[] = [];
		for (let minute = 0; minute < 62 && found.length === 0; minute++) {
			tick();
			sim.requests.length = 0;
			found = await poll.poll();
			perPoll.push(calls().length);
		}
		expect(texts(found)).toEqual(['hidden by a deletion']);
		expect(perPoll.slice(0, -1).every((n) => n === 1)).toBe(true);
		expect(perPoll.at(-1)).toBeGreaterThan(1);
		tick();
		expect(await poll.poll()).toEqual([]);
	});

	test('restarts: reviews and questions before a graceful stop and while n8n is down come once after the start; a killed n8n repeats nothing it emitted', async () => {
		let poll = await harness();
		await poll.poll();
		tick();
		review('while running');
		tick();
		expect(texts(await poll.poll())).toEqual(['while running']);
		review('just before the restart', 5 * DAY);
		poll = await poll.restart(true);
		tick(30 * 60_000);
		question('while down');
		tick();
		expect(texts(await poll.poll()).sort()).toEqual(['just before the restart', 'while down']);
		tick();
		review('after');
		tick();
		expect(texts(await poll.poll())).toEqual(['after']);
		poll = await poll.restart(false);
		tick();
		expect(await poll.poll()).toEqual([]);
	});

	test('n8n down for ten days: what was published meanwhile comes once (questions in windows of a month at most), then quiet polls are one request per kind again', async () => {
		let poll = await harness();
		await poll.poll();
		tick();
		review('tells the filter');
		tick();
		await poll.poll();
		poll = await poll.restart(true);
		// n8n's clock moves on with Market's (the trigger measures the time it was away by it).
		const realNow = Date.now.bind(Date);
		const away = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 10 * DAY + 60_000);
		tick(10 * DAY);
		review('written 15 days ago, published while n8n was down', 15 * DAY);
		question('asked 20 days ago, published while n8n was down', 20 * DAY);
		tick();
		sim.requests.length = 0;
		expect(texts(await poll.poll()).sort()).toEqual([
			'asked 20 days ago, published while n8n was down',
			'written 15 days ago, published while n8n was down',
		]);
		expect(sim.requests.every((r) => r.status === 200)).toBe(true);
		for (let k = 0; k < 2; k++) {
			tick();
			await poll.poll();
		}
		tick();
		sim.requests.length = 0;
		expect(await poll.poll()).toEqual([]);
		expect(calls()).toEqual(['getGoodsFeedbacks', 'getGoodsQuestions']);
		away.mockRestore();
	});

	test('a poll that runs twice, or two that overlap, emit each once', async () => {
		const poll = await harness();
		await poll.poll();
		tick();
		for (let i = 0; i < 4; i++) review(`r${i}`, i * HOUR);
		for (let i = 0; i < 3; i++) question(`q${i}`, i * DAY);
		tick();
		const [a, b] = await Promise.all([poll.poll(), poll.poll()]);
		const c = await poll.poll();
		expect(texts([...a, ...b, ...c]).sort()).toEqual(['q0', 'q1', 'q2', 'r0', 'r1', 'r2', 'r3']);
	});

	test.each(['published', 'created'] as const)(
		'the safety window’s edge with the review filter on the %s date: a review or question published up to 26 days after it was written comes; later, only a review under a filter on publication',
		async (filter: FeedbackDateFilter) => {
			sim.feedbackDateFilter = filter;
			const poll = await harness();
			await poll.poll();
			tick();
			review('tells the filter');
			tick();
			await poll.poll();
			tick();
			review('inside the window', SAFETY_MS - HOUR);
			review('beyond the window', SAFETY_MS + HOUR);
			question('asked inside the window', SAFETY_MS - 2 * DAY);
			question('asked beyond the window', SAFETY_MS + 2 * DAY);
			tick();
			const got = texts([...(await poll.poll()), ...(await (tick(2 * HOUR), poll.poll()))]);
			const expected = ['inside the window', 'asked inside the window'];
			if (filter === 'published') expected.push('beyond the window');
			expect(got.sort()).toEqual(expected.sort());
		},
	);

	test.each(['publishedDesc', 'publishedAsc', 'createdDesc', 'shuffled'] as const)(
		'reviews filtered on the date written and listed %s: none lost or repeated; once Market has shown its order a quiet poll reads one page, every page once an hour; an order it cannot show costs every page',
		async (order) => {
			sim.feedbackDateFilter = 'created';
			sim.feedbackOrder = order;
			// 130 reviews written in the last 20 days: three pages in the window.
			for (let i = 0; i < 130; i++) {
				const moderationMs = ((i * 37) % 48) * HOUR;
				const at = now - 60_000 - ((i * 3.7 * HOUR) % (20 * DAY));
				sim.addFeedback({
					businessId: BUSINESS,
					offerId: OFFER,
					rating: 4,
					publishedAt: new Date(Math.max(at, now - 20 * DAY + moderationMs)).toISOString(),
					moderationMs,
				});
			}
			const poll = await harness(['review']);
			await poll.poll();
			const pages = () =>
				Math.ceil(
					sim.state.feedbacks.filter(
						(f) => !f.deleted && Date.parse(f.createdAt) > now - SAFETY_MS - 2 * HOUR,
					).length / 50,
				);
			const written: string[] = [];
			const emitted: string[] = [];
			const perPoll: number[] = [];
			const pollOnce = async () => {
				tick();
				sim.requests.length = 0;
				emitted.push(...texts(await poll.poll()).map(String));
				perPoll.push(calls().length);
			};
			// A review every poll: most just written, every third after days in moderation.
			for (let k = 0; k < 20; k++) {
				const text = `review ${k}`;
				review(text, k % 3 === 2 ? (k + 1) * DAY : 10 * 60_000);
				written.push(text);
				await pollOnce();
			}
			const shown = (staticOf(poll).reviews as IDataObject).order as IDataObject;
			const proven = order === 'publishedDesc' || order === 'publishedAsc';
			expect(emitted).toEqual(written);
			expect(pages()).toBeGreaterThanOrEqual(3);
			// Quiet polls, then one written three weeks ago and published now.
			perPoll.length = 0;
			for (let k = 0; k < 3; k++) await pollOnce();
			review('three weeks in moderation', 21 * DAY);
			written.push('three weeks in moderation');
			await pollOnce();
			expect(emitted).toEqual(written);
			expect(perPoll).toEqual(Array(4).fill(proven ? 1 : pages()));
			// Within the hour every page is read once, with the stretch the window's start moves past
			// (one request more), and quiet polls are one page again.
			perPoll.length = 0;
			for (let k = 0; k < 60; k++) await pollOnce();
			expect(emitted).toEqual(written);
			process.stderr.write(
				`[poll goods cost] reviews by date written, listed ${order}: order shown ${JSON.stringify(shown)}; requests of 60 quiet polls ${perPoll.reduce((a, b) => a + b)} (${pages()} pages in the window)\n`,
			);
			if (proven) {
				expect(perPoll.filter((n) => n > 1)).toEqual([pages() + 1]);
				expect(perPoll.filter((n) => n === 1)).toHaveLength(59);
			} else expect(perPoll.every((n) => n === pages())).toBe(true);
		},
	);

	test('reviews listed earliest first: when Market no longer takes the page token it gave, the poll reads the window from its start, and nothing is lost', async () => {
		sim.feedbackDateFilter = 'created';
		sim.feedbackOrder = 'publishedAsc';
		for (let i = 0; i < 60; i++)
			sim.addFeedback({
				businessId: BUSINESS,
				offerId: OFFER,
				rating: 3,
				publishedAt: new Date(now - 60_000 - i * HOUR).toISOString(),
				moderationMs: ((i * 7) % 30) * HOUR,
			});
		const poll = await harness(['review']);
		await poll.poll();
		for (let k = 0; k < 20; k++) {
			review(`before ${k}`, k % 3 === 2 ? 3 * DAY : 60_000);
			tick();
			expect(texts(await poll.poll())).toEqual([`before ${k}`]);
		}
		const cursor = staticOf(poll).reviews as IDataObject;
		expect(typeof cursor.tail).toBe('string');
		review('after the token was refused');
		sim.injectFault('getGoodsFeedbacks', { status: 400 }, 1);
		tick();
		sim.requests.length = 0;
		expect(texts(await poll.poll())).toEqual(['after the token was refused']);
		// The refused page, the window's two pages, the stretch its start moved past.
		expect(calls()).toEqual(Array(4).fill('getGoodsFeedbacks'));
		tick();
		sim.requests.length = 0;
		expect(await poll.poll()).toEqual([]);
		expect(calls()).toEqual(['getGoodsFeedbacks']);
	});

	/** Polls once a minute, a review each, until Market has shown its order (latest first here). */
	async function proveOrder(poll: PollHarness) {
		const orderShown = () => {
			const o = (staticOf(poll).reviews as IDataObject).order as IDataObject;
			return (o.desc as number) >= 12 && o.descMoved === true ? 'desc' : undefined;
		};
		const got: unknown[] = [];
		for (let k = 0; k < 40 && !orderShown(); k++) {
			review(`proof ${k}`, k % 3 === 2 ? (k + 1) * DAY : 5 * 60_000);
			tick();
			got.push(...texts(await poll.poll()));
		}
		expect(orderShown()).toBe('desc');
		return got;
	}

	test.each(['publishedDesc', 'publishedAsc', 'createdDesc', 'shuffled'] as const)(
		'reviews filtered on the date written, Market’s order shown, then listed %s: one written just after the window’s start and published right after the hourly full read comes once',
		async (then) => {
			sim.feedbackDateFilter = 'created';
			for (let i = 0; i < 70; i++)
				sim.addFeedback({
					businessId: BUSINESS,
					offerId: OFFER,
					rating: 4,
					publishedAt: new Date(now - 60_000 - i * 5 * HOUR).toISOString(),
					moderationMs: ((i * 5) % 40) * HOUR,
				});
			const poll = await harness(['review']);
			await poll.poll();
			const proof = await proveOrder(poll);
			expect(proof).toHaveLength(new Set(proof).size);
			// Polls until the hourly read of every page (more than one request).
			let requests = 1;
			for (let k = 0; k < 70 && requests === 1; k++) {
				tick();
				sim.requests.length = 0;
				expect(await poll.poll()).toEqual([]);
				requests = calls().length;
			}
			expect(requests).toBeGreaterThan(1);
			sim.feedbackOrder = then;
			const base = (staticOf(poll).reviews as IDataObject).base as number;
			tick(2 * 60_000);
			// Written a minute inside the window's start (26 days in moderation), published now.
			const edge = review('at the window’s edge', now - (base + 60_000));
			expect(Date.parse(edge.createdAt)).toBeGreaterThan(base);
			const emitted: unknown[] = [];
			for (let k = 0; k < 70; k++) {
				// Every other one after twelve days in moderation: emitted only while the trigger
				// knows Market filters on the date written.
				if (k % 10 === 5) review(`after ${k}`, k % 20 === 5 ? 12 * DAY : 5 * 60_000);
				tick();
				emitted.push(...texts(await poll.poll()));
			}
			const expected = [
				'at the window’s edge',
				...[5, 15, 25, 35, 45, 55, 65].map((k) => `after ${k}`),
			];
			expect(emitted.sort()).toEqual(expected.sort());
			expect(datesOf(poll)).toBe('created');
		},
	);

	test('reviews listed latest first: one Market lists minutes after the time it counts as published, behind a page of reviews listed since, comes at once (filter on the date written) or once (on publication)', async () => {
		for (const filter of ['created', 'published'] as const) {
			sim.reset();
			sim.feedbackDateFilter = filter;
			sim.feedbackOrder = 'publishedDesc';
			const poll = await harness(['review']);
			await poll.poll();
			const emitted: unknown[] = [];
			const pollOnce = async () => {
				tick();
				emitted.push(...texts(await poll.poll()));
			};
			if (filter === 'created') await proveOrder(poll);
			else {
				// A review written before the last poll and published after it: the trigger learns the
				// filter is on publication.
				review('moderated', 3 * HOUR);
				await pollOnce();
				expect(datesOf(poll)).toBe('published');
			}
			emitted.length = 0;
			for (let i = 0; i < 60; i++) review(`burst ${i}`, 60_000);
			await pollOnce();
			expect(emitted).toHaveLength(60);
			for (let k = 0; k < 5; k++) await pollOnce();
			// Counted as published 20 minutes ago, before the burst, but listed only now.
			sim.addFeedback({
				businessId: BUSINESS,
				offerId: OFFER,
				rating: 2,
				comment: 'listed late',
				publishedAt: new Date(now - 20 * 60_000).toISOString(),
				moderationMs: HOUR,
			});
			await pollOnce();
			expect(emitted.slice(60)).toEqual(['listed late']);
			for (let k = 0; k < 70; k++) await pollOnce();
			expect(emitted.slice(60)).toEqual(['listed late']);
		}
	});

	test('reviews filtered on the date written, Market’s order shown, then the reviews listed last deleted: the order is shown anew, meanwhile a quiet poll reads every page (not a failed short read on top); a new review comes once', async () => {
		sim.feedbackDateFilter = 'created';
		for (let i = 0; i < 120; i++)
			sim.addFeedback({
				businessId: BUSINESS,
				offerId: OFFER,
				rating: 4,
				publishedAt: new Date(now - 60_000 - i * 3 * HOUR).toISOString(),
				moderationMs: ((i * 5) % 40) * HOUR,
			});
		const poll = await harness(['review']);
		await poll.poll();
		await proveOrder(poll);
		const last = ['gone 1', 'gone 2'].map((text) => review(text, 5 * 60_000));
		tick();
		expect(texts(await poll.poll()).sort()).toEqual(['gone 1', 'gone 2']);
		for (const f of last) sim.deleteFeedback(f.feedbackId);
		const pages = Math.ceil(
			sim.state.feedbacks.filter((f) => !f.deleted && Date.parse(f.createdAt) > now - SAFETY_MS)
				.length / 50,
		);
		expect(pages).toBeGreaterThanOrEqual(3);
		const perPoll: number[] = [];
		for (let k = 0; k < 10; k++) {
			tick();
			sim.requests.length = 0;
			expect(await poll.poll()).toEqual([]);
			perPoll.push(calls().length);
		}
		// The short read that finds them gone, every page, the stretch skipped since the last
		// full read; then every page per poll.
		expect(perPoll).toEqual([1 + pages + 1, ...Array(9).fill(pages)]);
		review('after the deletion', 2 * DAY);
		tick();
		expect(texts(await poll.poll())).toEqual(['after the deletion']);
		tick();
		expect(await poll.poll()).toEqual([]);
	});

	test('the first review published late, listed half an hour after the time Market counts as its publication, still shows a filter on publication', async () => {
		sim.feedbackDateFilter = 'published';
		sim.feedbackOrder = 'createdDesc';
		const poll = await harness(['review']);
		await poll.poll();
		for (let k = 0; k < 40; k++) {
			tick();
			expect(await poll.poll()).toEqual([]);
		}
		sim.addFeedback({
			businessId: BUSINESS,
			offerId: OFFER,
			rating: 5,
			comment: 'written three hours ago, listed late',
			createdAt: new Date(now - 3 * HOUR).toISOString(),
			publishedAt: new Date(now - 30 * 60_000).toISOString(),
		});
		tick();
		expect(texts(await poll.poll())).toEqual(['written three hours ago, listed late']);
		expect(datesOf(poll)).toBe('published');
		tick();
		sim.requests.length = 0;
		expect(await poll.poll()).toEqual([]);
		expect(calls()).toEqual(['getGoodsFeedbacks']);
	});

	test('Market failing: a poll that cannot list emits nothing and keeps its cursor; the next one emits what came, once; the other kind still emits', async () => {
		const poll = await harness();
		await poll.poll();
		tick();
		review('kept for later');
		question('not held up');
		tick();
		sim.injectFault('getGoodsFeedbacks', { status: 500 }, 4);
		expect(texts(await poll.poll())).toEqual(['not held up']);
		tick();
		expect(texts(await poll.poll())).toEqual(['kept for later']);
		sim.injectFault('getGoodsFeedbacks', { status: 500 }, 4);
		sim.injectFault('getGoodsQuestions', { status: 500 }, 4);
		await expect(poll.poll()).rejects.toThrow(/500|Market/);
	});

	test.each(['publishedDesc', 'publishedAsc', 'shuffled'] as const)(
		'reviews listed %s: a manual test run shows the latest review and question and leaves the cursors alone',
		async (order) => {
			sim.feedbackOrder = order;
			const poll = await harness();
			review('latest review', 0, 2);
			question('latest question');
			tick();
			const items = await poll.poll('manual');
			expect(texts(items)).toEqual(['latest review', 'latest question']);
			expect(staticOf(poll).reviews).toBeUndefined();
			expect(staticOf(poll).questions).toBeUndefined();
			expect(await poll.poll()).toEqual([]);
		},
	);
});
