/**
 * End-to-end suite: a real n8n (installed by scripts/e2e/ensure-n8n.sh) with
 * the packed package, driven through its CLI and HTTP API, against the
 * project's Market simulator. Run with `npm run test:e2e`.
 */
const { contractLog } = require('./test/contract/specs');

// Where a suite notes what it could not check against Market's specs (see jest.config.js).
contractLog();

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	rootDir: __dirname,
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	// The queue-mode suite starts its own cluster: `npm run test:e2e:queue` (jest.e2e.queue.config.js).
	testPathIgnorePatterns: ['/node_modules/', '/queue\\.e2e\\.ts$'],
	transform: {
		'^.+\\.ts$': [
			'ts-jest',
			{
				// isolatedModules: transpile only; the suite is type-checked by `tsc -p test/e2e`.
				tsconfig: {
					module: 'commonjs',
					target: 'es2022',
					esModuleInterop: true,
					strict: true,
					isolatedModules: true,
					types: ['node', 'jest'],
				},
			},
		],
	},
	// One n8n per test file; installing it from an empty cache takes minutes.
	testTimeout: 120_000,
	slowTestThreshold: 60,
	maxWorkers: 1,
	verbose: true,
	reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
