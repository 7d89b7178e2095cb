/**
 * The parts of the transport that decide how long to wait: a wait ends when the execution
 * is cancelled, quota headers are read as Market sends them, and backoffs stay in range.
 */
import {
	backoff,
	gateLimit,
	gateTiming,
	markSpent,
	parallelRefused,
	pause,
	rateLimitOf,
	resetPacing,
	spentWindow,
	withSlot,
} from '../../nodes/YandexMarket/shared/pacing';

/** Requests through a business's gate that finish when the test says so. */
function gate(business: string) {
	const running = new Set<string>();
	const finishers = new Map<string, () => void>();
	const finished: string[] = [];
	let peak = 0;
	const settled = () => new Promise<void>((resolve) => setImmediate(resolve));
	return {
		running,
		finished,
		get peak() {
			return peak;
		},
		start(name: string, size: number) {
			return withSlot(business, size, async () => {
				running.add(name);
				peak = Math.max(peak, running.size);
				await new Promise<void>((resolve) => finishers.set(name, resolve));
				running.delete(name);
				finished.push(name);
			});
		},
		async finish(name: string) {
			finishers.get(name)!();
			await settled();
		},
		settled,
	};
}

describe('the in-flight gate of a business', () => {
	it('admits as many at a time as the size it is given', async () => {
		const g = gate('resize-a|1');
		const all = ['a', 'b', 'c'].map((name) => g.start(name, 2));
		await g.settled();
		expect([...g.running]).toEqual(['a', 'b']);
		await g.finish('a');
		expect([...g.running]).toEqual(['b', 'c']);
		await g.finish('b');
		await g.finish('c');
		await Promise.all(all);
		expect(g.peak).toBe(2);
	});

	it('shrunk while busy: holders finish, nobody new gets in until fewer than the new size hold it', async () => {
		const g = gate('resize-b|1');
		const all = ['a', 'b', 'c', 'd'].map((name) => g.start(name, 4));
		await g.settled();
		expect(g.running.size).toBe(4);
		// The credential now says 2: these wait although the gate was made for 4.
		all.push(...['e', 'f', 'g'].map((name) => g.start(name, 2)));
		await g.settled();
		expect(g.running.size).toBe(4);
		await g.finish('a');
		expect([...g.running]).toEqual(['b', 'c', 'd']);
		await g.finish('b');
		expect([...g.running]).toEqual(['c', 'd']);
		await g.finish('c');
		expect([...g.running]).toEqual(['d', 'e']);
		await g.finish('d');
		expect([...g.running]).toEqual(['e', 'f']);
		await g.finish('e');
		await g.finish('f');
		await g.finish('g');
		await Promise.all(all);
		expect(g.finished).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
	});

	it('grown while busy: waiters get in at once, in the order they came, up to the new size', async () => {
		const g = gate('resize-c|1');
		const all = ['a', 'b', 'c', 'd', 'e'].map((name) => g.start(name, 1));
		await g.settled();
		expect([...g.running]).toEqual(['a']);
		all.push(g.start('f', 3));
		await g.settled();
		expect([...g.running]).toEqual(['a', 'b', 'c']);
		for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) await g.finish(name);
		await Promise.all(all);
		expect(g.finished).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
		expect(g.peak).toBe(3);
	});

	describe('when Market refuses for parallelism (others hold some of the 4)', () => {
		let clock = 0;
		const realNow = gateTiming.now;
		beforeEach(() => {
			clock = 1_000_000;
			gateTiming.now = () => clock;
		});
		afterEach(() => {
			gateTiming.now = realNow;
		});

		it('holds one slot fewer per refusal (one per burst), down to 1, then one more per quiet period up to the share', async () => {
			const g = gate('adapt-a|1');
			const first = ['a', 'b', 'c', 'd'].map((name) => g.start(name, 4));
			await g.settled();
			expect(g.running.size).toBe(4);
			// The four in flight are refused together: one slot less, not four.
			for (let i = 0; i < 4; i++) parallelRefused('adapt-a|1');
			expect(gateLimit('adapt-a|1')).toBe(3);
			for (const step of [3, 2, 1, 1]) {
				clock += gateTiming.shrinkSpacingMs;
				parallelRefused('adapt-a|1');
				expect(gateLimit('adapt-a|1')).toBe(Math.max(1, step - 1));
			}
			// Refusals that keep coming (the refused requests retry within 250 ms) go on shrinking it.
			clock += 10 * gateTiming.recoverMs;
			expect(gateLimit('adapt-a|1')).toBe(4);
			for (let t = 0; t < 1000; t += 100) {
				clock += 100;
				parallelRefused('adapt-a|1');
			}
			expect(gateLimit('adapt-a|1')).toBe(1);
			const later = ['e', 'f', 'g'].map((name) => g.start(name, 4));
			for (const name of ['a', 'b', 'c', 'd']) await g.finish(name);
			// Holders beyond the limit finished; only one of the waiters is let in.
			expect([...g.running]).toEqual(['e']);

			clock += gateTiming.recoverMs;
			expect(gateLimit('adapt-a|1')).toBe(2);
			await g.finish('e');
			expect([...g.running]).toEqual(['f', 'g']);
			clock += 10 * gateTiming.recoverMs;
			expect(gateLimit('adapt-a|1')).toBe(4);
			await g.finish('f');
			await g.finish('g');
			await Promise.all([...first, ...later]);
			expect(g.finished).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
		});

		it('a gate never refused keeps the whole share and follows an edited share; a refused one stays small', async () => {
			const g = gate('adapt-b|1');
			const all = ['a', 'b'].map((name) => g.start(name, 2));
			await g.settled();
			expect(gateLimit('adapt-b|1')).toBe(2);
			parallelRefused('adapt-b|1');
			expect(gateLimit('adapt-b|1')).toBe(1);
			// A larger share does not undo what the refusal taught; a smaller one caps it.
			all.push(g.start('c', 3));
			await g.settled();
			expect(gateLimit('adapt-b|1')).toBe(1);
			clock += gateTiming.recoverMs;
			expect(gateLimit('adapt-b|1')).toBe(2);
			await g.finish('a');
			expect([...g.running]).toEqual(['b', 'c']);
			for (const name of ['b', 'c']) await g.finish(name);
			await Promise.all(all);
			// Never refused: a new share is taken as it is.
			const h = gate('adapt-c|1');
			const more = ['x', 'y'].map((name) => h.start(name, 1));
			await h.settled();
			more.push(h.start('z', 3));
			await h.settled();
			expect([...h.running].sort()).toEqual(['x', 'y', 'z']);
			for (const name of ['x', 'y', 'z']) await h.finish(name);
			await Promise.all(more);
		});
	});
});

describe('pause', () => {
	it('ends at once, saying so, when the execution is cancelled during a long wait', async () => {
		const controller = new AbortController();
		const started = Date.now();
		const waiting = pause(60_000, controller.signal);
		setTimeout(() => controller.abort(), 50);
		await expect(waiting).resolves.toBe(false);
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('does not start a wait for an execution already cancelled', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(pause(10, controller.signal)).resolves.toBe(false);
	});

	it('waits about as long as asked otherwise', async () => {
		const started = Date.now();
		expect(await pause(120)).toBe(true);
		expect(Date.now() - started).toBeGreaterThanOrEqual(110);
	});
});

describe("Market's quota headers", () => {
	it('are read whatever their case, Until as an RFC 822 date', () => {
		expect(
			rateLimitOf({
				'x-ratelimit-resource-limit': '1000',
				'X-RateLimit-Resource-Remaining': '0',
				'x-ratelimit-resource-until': 'Thu, 03 Dec 2026 17:00:00 GMT',
			}),
		).toEqual({ limit: 1000, remaining: 0, until: Date.UTC(2026, 11, 3, 17) });
	});

	it('missing or unreadable ones are unknown, not zero', () => {
		expect(rateLimitOf({ 'x-ratelimit-resource-remaining': 'n/a' })).toEqual({
			limit: undefined,
			remaining: undefined,
			until: undefined,
		});
	});
});

describe('spent windows', () => {
	beforeEach(() => resetPacing());

	it('are kept until their end, then forgotten', () => {
		const now = Date.now();
		markSpent('k', now + 1000);
		expect(spentWindow('k', now)).toBe(now + 1000);
		expect(spentWindow('k', now + 1001)).toBe(0);
		expect(spentWindow('k', now)).toBe(0);
	});

	it('an earlier end does not shorten a known window', () => {
		const now = Date.now();
		markSpent('k', now + 5000);
		markSpent('k', now + 1000);
		expect(spentWindow('k', now)).toBe(now + 5000);
	});
});

describe('backoff', () => {
	it('doubles per attempt up to the cap, jittered by ±50 %', () => {
		for (let i = 0; i < 200; i++) {
			const first = backoff(1, 100, 1000);
			const fifth = backoff(5, 100, 1000);
			expect(first).toBeGreaterThanOrEqual(50);
			expect(first).toBeLessThanOrEqual(150);
			expect(fifth).toBeGreaterThanOrEqual(500);
			expect(fifth).toBeLessThanOrEqual(1500);
		}
	});
});
