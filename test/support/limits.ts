// Runs in every test file: Market's limits as the process knows them (spent windows) are
// forgotten between tests, since each test starts its simulator afresh; and the backoffs of
// retries are shortened so that fault tests take milliseconds. Both copies of the transport
// are reset: the compiled one the engine loads from dist/ and the source one the trigger
// tests import.
import * as srcPacing from '../../nodes/YandexMarket/shared/pacing';
import * as srcTransport from '../../nodes/YandexMarket/shared/transport';

// Required, not imported: type checking needs no build; the tests run after one.
const distPacing = require('../../dist/nodes/YandexMarket/shared/pacing') as typeof srcPacing;
const distTransport =
	require('../../dist/nodes/YandexMarket/shared/transport') as typeof srcTransport;

export const TEST_RETRY_TIMING = {
	readBaseMs: 20,
	readCapMs: 80,
	parallelBaseMs: 10,
	parallelCapMs: 40,
};

beforeEach(() => {
	for (const pacing of [distPacing, srcPacing]) pacing.resetPacing();
	for (const transport of [distTransport, srcTransport]) {
		Object.assign(transport.retryTiming, TEST_RETRY_TIMING);
	}
});
