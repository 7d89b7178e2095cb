/**
 * The parts of the transport that decide how long to wait: a wait ends when the execution
 * is cancelled, quota headers are read as Market sends them, and backoffs stay in range.
 */
import {
	backoff,
	markSpent,
	pause,
	rateLimitOf,
	resetPacing,
	spentWindow,
} from '../../nodes/YandexMarket/shared/pacing';

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
