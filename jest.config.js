/**
 * Unit/integration tests: everything under test/ named *.test.ts, except the
 * end-to-end suite (test/e2e, run with jest.e2e.config.js).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

// Test files append how many exchanges they checked against the OpenAPI contract here;
// the summary reporter prints the total, so CI's log shows the contract check ran.
process.env.YM_CONTRACT_LOG ??= path.join(
	fs.mkdtempSync(path.join(os.tmpdir(), 'ym-contract-')),
	'log',
);

/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	rootDir: __dirname,
	testMatch: ['<rootDir>/test/**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/e2e/'],
	setupFiles: ['<rootDir>/test/support/env.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/support/limits.ts'],
	reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
	transform: {
		// test/tsconfig.json sets isolatedModules, so ts-jest only transpiles (fast);
		// type-check with `npx tsc -p test/tsconfig.json`.
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
	},
};
