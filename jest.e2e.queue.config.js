/**
 * The queue-mode suite (test/e2e/queue.e2e.ts): n8n main, two webhook processes and a
 * worker with PostgreSQL and Redis. Run with `npm run test:e2e:queue`.
 */
const base = require('./jest.e2e.config.js');

/** @type {import('jest').Config} */
module.exports = {
	...base,
	testMatch: ['**/queue.e2e.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	testTimeout: 240_000,
};
