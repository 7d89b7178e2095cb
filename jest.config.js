/**
 * Unit/integration tests: everything under test/ named *.test.ts, except the
 * end-to-end suite (test/e2e, run with jest.e2e.config.js).
 */
const { contractLog } = require('./test/contract/specs');

// Test files note there how many exchanges they checked against Market's OpenAPI, and what
// they could not check; the summary reporter prints both, so CI's log shows the check ran.
contractLog();

/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	rootDir: __dirname,
	testMatch: ['<rootDir>/test/**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/e2e/'],
	globalSetup: '<rootDir>/test/support/globalSetup.js',
	setupFiles: ['<rootDir>/test/support/env.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/support/limits.ts'],
	reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
	transform: {
		// test/tsconfig.json sets isolatedModules, so ts-jest only transpiles (fast);
		// type-check with `npx tsc -p test/tsconfig.json`.
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
	},
};
