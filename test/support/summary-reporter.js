// Ends the jest run with what CI needs to see: whether the OpenAPI contract check ran, and a
// plain "N passed, N failed" line.
const fs = require('fs');
const { OPENAPI_ROOT, PARTNER_SPEC_DIR } = require('../contract/specs');

class SummaryReporter {
	onRunComplete(_contexts, results) {
		const specDir = PARTNER_SPEC_DIR;
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
		} else {
			// Loud: a green run that checked nothing against the spec must not pass unnoticed.
			const why = fs.existsSync(specDir)
				? 'no test of this run sends requests through the simulator'
				: `${specDir} not found. Put Market's specs at ${OPENAPI_ROOT} or set YM_OPENAPI_ROOT`;
			process.stdout.write(
				`\n*** CONTRACT CHECK SKIPPED: no request or reply was validated against Market's OpenAPI (${why}). ***\n`,
			);
		}
		const skipped = results.numPendingTests + results.numTodoTests;
		process.stdout.write(
			`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
		);
	}
}
module.exports = SummaryReporter;
