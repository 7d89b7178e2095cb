// Ends the jest run with what CI needs to see: whether the OpenAPI contract check ran, and a
// plain "N passed, N failed" line.
const fs = require('fs');
const path = require('path');

class SummaryReporter {
	onRunComplete(_contexts, results) {
		const specDir =
			process.env.YM_OPENAPI_DIR ??
			path.resolve(__dirname, '../../../shared/yandex-market-openapi/partner-api/openapi');
		let counts = [];
		try {
			counts = fs
				.readFileSync(process.env.YM_CONTRACT_LOG, 'utf8')
				.split('\n')
				.filter(Boolean)
				.map(Number);
		} catch {}
		const checked = counts.filter((n) => n >= 0).reduce((a, b) => a + b, 0);
		if (counts.some((n) => n >= 0)) {
			process.stdout.write(
				`\ncontract check: ${checked} requests and replies validated against ${specDir}\n`,
			);
		} else if (counts.length) {
			process.stdout.write(`\ncontract check skipped: ${specDir} not found\n`);
		}
		const skipped = results.numPendingTests + results.numTodoTests;
		process.stdout.write(
			`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
		);
	}
}
module.exports = SummaryReporter;
