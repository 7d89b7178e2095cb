// Runs in every test file: what the process remembers (spent windows, what Market was seen to
// do, caches: shared/memory.ts) is forgotten between tests, since each test starts its
// simulator afresh; and the backoffs of retries are shortened so that fault tests take
// milliseconds. Both copies are reset: the compiled one the engine loads from dist/ and the
// source one the trigger tests import.
import * as srcMemory from '../../nodes/YandexMarket/shared/memory';
import * as srcTransport from '../../nodes/YandexMarket/shared/transport';

// Required, not imported: type checking needs no build; the tests run after one.
const distMemory = require('../../dist/nodes/YandexMarket/shared/memory') as typeof srcMemory;
const distTransport =
	require('../../dist/nodes/YandexMarket/shared/transport') as typeof srcTransport;

export const TEST_RETRY_TIMING = {
	readBaseMs: 20,
	readCapMs: 80,
	parallelBaseMs: 10,
	parallelCapMs: 40,
};

beforeEach(() => {
	for (const memory of [distMemory, srcMemory]) memory.forgetAll();
	for (const transport of [distTransport, srcTransport]) {
		Object.assign(transport.retryTiming, TEST_RETRY_TIMING);
	}
});
