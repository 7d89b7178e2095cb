// Where Market's official OpenAPI files are: one folder holding partner-api/ and
// notification-api/, by default ../shared/yandex-market-openapi beside this repository;
// YM_OPENAPI_ROOT points at another copy (scripts/openapi-specs.sh fetches the pinned one).
// And what a test does when they are missing: under CI it fails, naming YM_OPENAPI_ROOT;
// elsewhere the jest summary lists what was not checked.
// Plain JS: the jest configs and summary reporter read it, and .ci/run runs it before installing.
const fs = require('fs');
const os = require('os');
const path = require('path');

const DEFAULT_ROOT = path.resolve(__dirname, '../../../shared/yandex-market-openapi');
const OPENAPI_ROOT = process.env.YM_OPENAPI_ROOT
	? path.resolve(process.env.YM_OPENAPI_ROOT)
	: DEFAULT_ROOT;
const PARTNER_SPEC_DIR = path.join(OPENAPI_ROOT, 'partner-api', 'openapi');
const NOTIFICATION_SPEC_DIR = path.join(OPENAPI_ROOT, 'notification-api', 'openapi');

/** The specs' root files that are not there. */
function missingSpecs() {
	return [PARTNER_SPEC_DIR, NOTIFICATION_SPEC_DIR]
		.map((dir) => path.join(dir, 'openapi.yaml'))
		.filter((file) => !fs.existsSync(file));
}

/** The one message for missing specs: what is missing and how to provide it. */
function missingSpecsMessage() {
	const where = process.env.YM_OPENAPI_ROOT
		? `YM_OPENAPI_ROOT is ${OPENAPI_ROOT}`
		: `YM_OPENAPI_ROOT is not set, so the tests looked in ${DEFAULT_ROOT}`;
	return (
		`Market's OpenAPI specs are missing (${missingSpecs().join(', ')} not found; ${where}). ` +
		'Set YM_OPENAPI_ROOT to a folder holding partner-api/ and notification-api/: ' +
		'`bash scripts/openapi-specs.sh fetch DIR` puts the pinned ones in DIR.'
	);
}

/**
 * Whether the tests of `what` can run against the specs. When the specs are missing: under CI
 * this throws missingSpecsMessage() (nothing may pass unchecked where releases are made);
 * elsewhere it notes `what` for the summary's "not checked" list and returns false.
 */
function specsFor(what) {
	if (missingSpecs().length === 0) return true;
	requireSpecsUnderCI();
	noteContract(`not checked: ${what}`);
	return false;
}

/** describe() when specsFor(what), else describe.skip: jest counts its tests as skipped. */
function describeWithSpecs(what) {
	return specsFor(what) ? describe : describe.skip;
}

/** Under CI (CI set), throws missingSpecsMessage() when the specs are missing. */
function requireSpecsUnderCI() {
	if (process.env.CI && missingSpecs().length > 0) throw new Error(missingSpecsMessage());
}

/**
 * The file test files report the contract check in, one line each: a count of exchanges checked
 * against the spec (-1: none), or `not checked: <what>`. Created by the jest configs (so all the
 * run's workers share it); the summary reporter prints it.
 */
function contractLog() {
	process.env.YM_CONTRACT_LOG ??= path.join(
		fs.mkdtempSync(path.join(os.tmpdir(), 'ym-contract-')),
		'log',
	);
	return process.env.YM_CONTRACT_LOG;
}

function noteContract(line) {
	if (process.env.YM_CONTRACT_LOG) fs.appendFileSync(process.env.YM_CONTRACT_LOG, `${line}\n`);
}

/** What the run's test files reported: counts checked, and what was not checked (deduplicated). */
function readContractLog() {
	let lines = [];
	try {
		lines = fs.readFileSync(process.env.YM_CONTRACT_LOG, 'utf8').split('\n').filter(Boolean);
	} catch {}
	const notChecked = lines.filter((l) => l.startsWith('not checked: ')).map((l) => l.slice(13));
	return {
		counts: lines.filter((l) => !l.startsWith('not checked: ')).map(Number),
		notChecked: [...new Set(notChecked)],
	};
}

module.exports = {
	OPENAPI_ROOT,
	PARTNER_SPEC_DIR,
	NOTIFICATION_SPEC_DIR,
	missingSpecs,
	missingSpecsMessage,
	specsFor,
	describeWithSpecs,
	requireSpecsUnderCI,
	contractLog,
	noteContract,
	readContractLog,
};

// `node test/contract/specs.js`: .ci/run's first check, before minutes of installing.
if (require.main === module) {
	if (missingSpecs().length > 0) {
		console.error(missingSpecsMessage());
		process.exit(1);
	}
	console.log(`Market's OpenAPI specs: ${OPENAPI_ROOT}`);
}
