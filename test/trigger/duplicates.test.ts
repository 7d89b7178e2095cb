import type { IDataObject } from 'n8n-workflow';
import {
	DUPLICATE_TTL_MS,
	DuplicateDetector,
	STORED_MAX_KEYS,
	detectorFor,
	storedKeys,
	syncStored,
} from '../../nodes/YandexMarket/trigger/duplicates';

function clock(start = 1_700_000_000_000) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function claimNew(detector: DuplicateDetector, key: string) {
	const claim = await detector.claim(key, 100);
	if (claim.status !== 'new') throw new Error(`expected new, got ${claim.status}`);
	return claim;
}

describe('DuplicateDetector', () => {
	it('lets an event through once, then reports it as a duplicate', async () => {
		const detector = new DuplicateDetector();
		(await claimNew(detector, 'a')).commit();
		expect((await detector.claim('a', 100)).status).toBe('duplicate');
		expect((await detector.claim('b', 100)).status).toBe('new');
	});

	it('forgets an event after the time to live', async () => {
		const c = clock();
		const detector = new DuplicateDetector({ ttlMs: 1000, now: c.now });
		(await claimNew(detector, 'a')).commit();
		c.advance(999);
		expect(detector.has('a')).toBe(true);
		c.advance(1);
		expect(detector.has('a')).toBe(false);
		expect((await detector.claim('a', 100)).status).toBe('new');
	});

	it('keeps at most maxKeys, dropping the oldest', async () => {
		const detector = new DuplicateDetector({ maxKeys: 3 });
		for (const key of ['a', 'b', 'c', 'd']) (await claimNew(detector, key)).commit();
		expect(detector.size).toBe(3);
		expect(detector.has('a')).toBe(false);
		expect(['b', 'c', 'd'].every((k) => detector.has(k))).toBe(true);
	});

	it('drops expired keys when new ones come', async () => {
		const c = clock();
		const detector = new DuplicateDetector({ ttlMs: 1000, now: c.now });
		(await claimNew(detector, 'a')).commit();
		(await claimNew(detector, 'b')).commit();
		c.advance(2000);
		(await claimNew(detector, 'c')).commit();
		expect(detector.size).toBe(1);
	});

	it('does not remember a released event: its redelivery is processed', async () => {
		const detector = new DuplicateDetector();
		(await claimNew(detector, 'a')).release();
		expect((await detector.claim('a', 100)).status).toBe('new');
	});

	it('makes a delivery arriving meanwhile wait for the first one: duplicate when it succeeded', async () => {
		const detector = new DuplicateDetector();
		const first = await claimNew(detector, 'a');
		const second = detector.claim('a', 1000);
		setTimeout(() => first.commit(), 20);
		expect((await second).status).toBe('duplicate');
	});

	it('…and busy when the first one failed or takes too long (answered 500: Market delivers again)', async () => {
		const detector = new DuplicateDetector();
		const first = await claimNew(detector, 'a');
		const second = detector.claim('a', 1000);
		setTimeout(() => first.release(), 20);
		expect((await second).status).toBe('busy');
		expect((await detector.claim('a', 100)).status).toBe('new');

		const slow = new DuplicateDetector();
		await claimNew(slow, 'x');
		const started = Date.now();
		expect((await slow.claim('x', 50)).status).toBe('busy');
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('ignores a second commit or release', async () => {
		const detector = new DuplicateDetector();
		const claim = await claimNew(detector, 'a');
		claim.commit();
		claim.release();
		expect(detector.has('a')).toBe(true);
	});

	it('defaults to a day', () => {
		expect(DUPLICATE_TTL_MS).toBe(86_400_000);
	});
});

describe('detectorFor', () => {
	it('gives one detector per scope', () => {
		expect(detectorFor('webhook|wf1|node1')).toBe(detectorFor('webhook|wf1|node1'));
		expect(detectorFor('webhook|wf1|node1')).not.toBe(detectorFor('manual|wf1|node1'));
	});
});

describe('events that started the workflow', () => {
	it('are listed, newest last, bounded, until they expire', () => {
		const c = clock();
		const detector = new DuplicateDetector({ ttlMs: 1000, now: c.now });
		detector.markStarted('a');
		c.advance(10);
		detector.markStarted('b');
		expect(Object.keys(detector.startedKeys())).toEqual(['a', 'b']);
		c.advance(995);
		expect(Object.keys(detector.startedKeys())).toEqual(['b']);
		const many = new DuplicateDetector();
		for (let i = 0; i < STORED_MAX_KEYS + 5; i++) many.markStarted(`k${i}`);
		expect(Object.keys(many.startedKeys())).toHaveLength(STORED_MAX_KEYS);
		expect(many.startedKeys().k0).toBeUndefined();
	});
});

describe('keys in static data', () => {
	it('replace the stored object when something is missing (n8n saves only replaced properties)', () => {
		const staticData: IDataObject = {};
		syncStored(staticData, { a: 1500 }, 1000);
		const first = staticData.recentEvents;
		expect(first).toEqual({ a: 1500 });
		syncStored(staticData, { a: 1500 }, 1100);
		expect(staticData.recentEvents).toBe(first); // nothing new: untouched, nothing to save
		syncStored(staticData, { a: 1500, b: 1600 }, 1100);
		expect(staticData.recentEvents).not.toBe(first);
		expect(staticData.recentEvents).toEqual({ a: 1500, b: 1600 });
	});

	it('keep what was stored before (another process, before a restart)', () => {
		const staticData: IDataObject = { recentEvents: { old: 5000 } };
		syncStored(staticData, { fresh: 6000 }, 1000);
		expect(staticData.recentEvents).toEqual({ old: 5000, fresh: 6000 });
	});

	it('drop expired keys and keep the newest ones', () => {
		const staticData: IDataObject = { recentEvents: { gone: 100, a: 1200, b: 1300 } };
		syncStored(staticData, { c: 1400, d: 1500 }, 200, 3);
		expect(staticData.recentEvents).toEqual({ b: 1300, c: 1400, d: 1500 });
		expect(storedKeys(staticData, 1350)).toEqual({ c: 1400, d: 1500 });
	});

	it('survive what they do not expect', () => {
		expect(storedKeys({ recentEvents: 'x' })).toEqual({});
		expect(storedKeys({ recentEvents: { a: 'soon' } })).toEqual({});
		expect(storedKeys({})).toEqual({});
	});
});
