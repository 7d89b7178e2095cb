// Ends the jest run with what CI needs to see: whether the OpenAPI contract check ran, what
// could not be checked without Market's specs, and a plain "N passed, N failed" line.
const fs = require('fs');
const { PARTNER_SPEC_DIR, missingSpecsMessage, readContractLog } = require('../contract/specs');

class SummaryReporter {
	onRunComplete(_contexts, results) {
		const specDir = PARTNER_SPEC_DIR;
		const { counts, notChecked } = readContractLog();
		const checked = counts.filter((n) => n >= 0).reduce((a, b) => a + b, 0);
		if (counts.some((n) => n >= 0)) {
			process.stdout.write(
				`\ncontract check: ${checked} requests and replies validated against ${specDir}\n`,
			);
		} else {
			// Loud: a green run that checked nothing against the spec must not pass unnoticed.
			const why = fs.existsSync(specDir)
				? 'no test of this run sends requests through the simulator'
				: `${specDir} not found; set YM_OPENAPI_ROOT`;
			process.stdout.write(
				`\n*** CONTRACT CHECK SKIPPED: no request or reply was validated against Market's OpenAPI (${why}). ***\n`,
			);
		}
		if (notChecked.length > 0) {
			process.stdout.write(
				`*** NOT CHECKED against Market's specs (a CI run fails instead): ***\n` +
					notChecked.map((what) => `  - ${what}\n`).join('') +
					`${missingSpecsMessage()}\n`,
			);
		}
		const skipped = results.numPendingTests + results.numTodoTests;
		process.stdout.write(
			`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
		);
	}
}
module.exports = SummaryReporter;
