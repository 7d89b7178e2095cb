/**
 * Where the tests get Market's specs, and what happens without them:
 * - without the specs, under CI every test that needs them fails with one message naming
 *   YM_OPENAPI_ROOT (.ci/run stops at its first step with it); elsewhere the jest summary lists
 *   what was not checked;
 * - scripts/openapi-specs.sh, which the GitHub workflows run, fetches the pinned specs and
 *   refuses any copy whose files differ from test/contract/openapi-files.txt. Shown here on
 *   local git repositories standing in for GitHub's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { OPENAPI_ROOT, describeWithSpecs } from './specs';

type SpecsModule = typeof import('./specs');

const REPO_ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(REPO_ROOT, 'scripts/openapi-specs.sh');

let tmp: string;
beforeEach(() => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ym-specs-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const savedEnv: Array<[string, string | undefined]> = [];
afterEach(() => {
	for (const [k, v] of savedEnv.splice(0).reverse()) {
		if (v === undefined) delete process.env[k];
		else process.env[k] = v;
	}
});

/**
 * specs.js loaded afresh with these variables (it reads YM_OPENAPI_ROOT when loaded; its
 * functions read CI and YM_CONTRACT_LOG when called, so they stay set until the test ends).
 */
function specsWith(env: Record<string, string | undefined>): SpecsModule {
	for (const [k, v] of Object.entries(env)) {
		savedEnv.push([k, process.env[k]]);
		if (v === undefined) delete process.env[k];
		else process.env[k] = v;
	}
	let loaded: SpecsModule | undefined;
	jest.isolateModules(() => {
		loaded = require('./specs') as SpecsModule;
	});
	return loaded!;
}

/** `node test/contract/specs.js`, .ci/run's first step, with YM_OPENAPI_ROOT set to `root`. */
const checkSpecs = (root: string) =>
	spawnSync(process.execPath, [path.join(__dirname, 'specs.js')], {
		env: { ...process.env, YM_OPENAPI_ROOT: root },
		encoding: 'utf8',
	});

describe('without the specs', () => {
	const message = (root: string) =>
		`Market's OpenAPI specs are missing (${root}/partner-api/openapi/openapi.yaml, ` +
		`${root}/notification-api/openapi/openapi.yaml not found; YM_OPENAPI_ROOT is ${root}). ` +
		'Set YM_OPENAPI_ROOT to a folder holding partner-api/ and notification-api/: ' +
		'`bash scripts/openapi-specs.sh fetch DIR` puts the pinned ones in DIR.';

	it('under CI, a test that needs them fails with the message naming YM_OPENAPI_ROOT', () => {
		const specs = specsWith({ YM_OPENAPI_ROOT: tmp, CI: 'true' });
		expect(() => specs.specsFor('anything')).toThrow(message(tmp));
		expect(() => specs.requireSpecsUnderCI()).toThrow(message(tmp));
	});

	it('elsewhere, the test is skipped and the summary lists it, once', () => {
		const log = path.join(tmp, 'log');
		const specs = specsWith({ YM_OPENAPI_ROOT: tmp, CI: undefined, YM_CONTRACT_LOG: log });
		expect(specs.specsFor('the replies')).toBe(false);
		expect(specs.specsFor('the replies')).toBe(false);
		expect(specs.specsFor('the limits')).toBe(false);
		specs.noteContract(-1);
		expect(() => specs.requireSpecsUnderCI()).not.toThrow();
		expect(specs.readContractLog()).toEqual({
			counts: [-1],
			notChecked: ['the replies', 'the limits'],
		});

		let printed = '';
		const write = jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
			printed += String(text);
			return true;
		});
		try {
			jest.isolateModules(() => {
				const SummaryReporter = require('../support/summary-reporter');
				new SummaryReporter().onRunComplete([], {
					numPassedTests: 3,
					numFailedTests: 0,
					numPendingTests: 2,
					numTodoTests: 0,
				});
			});
		} finally {
			write.mockRestore();
		}
		expect(printed).toContain(
			"*** NOT CHECKED against Market's specs (a CI run fails instead): ***\n" +
				'  - the replies\n  - the limits\n' +
				message(tmp),
		);
		expect(printed).toContain('jest: 3 passed, 0 failed, 2 skipped');
	});

	it('.ci/run’s first step stops with the message', () => {
		const missing = checkSpecs(tmp);
		expect([missing.status, missing.stderr.trim()]).toEqual([1, message(tmp)]);
	});
});

/** Runs scripts/openapi-specs.sh; its exit status and everything it printed. */
function specsScript(args: string[], env: Record<string, string> = {}) {
	const run = spawnSync('bash', [SCRIPT, ...args], {
		env: { ...process.env, ...env },
		encoding: 'utf8',
	});
	return { status: run.status, output: run.stdout + run.stderr };
}

const git = (cwd: string, ...args: string[]) =>
	execFileSync(
		'git',
		['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args],
		{
			cwd,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	).trim();

describeWithSpecs('scripts/openapi-specs.sh on copies of the pinned specs')(
	'scripts/openapi-specs.sh',
	() => {
		/** A writable copy of one spec folder (partner-api or notification-api). */
		const copy = (folder: string, to: string) => {
			fs.cpSync(path.join(OPENAPI_ROOT, folder), to, { recursive: true });
			execFileSync('chmod', ['-R', 'u+w', to]);
			return to;
		};

		it('.ci/run’s first step names where the specs are', () => {
			const found = checkSpecs(OPENAPI_ROOT);
			expect([found.status, found.stdout]).toEqual([
				0,
				`Market's OpenAPI specs: ${OPENAPI_ROOT}\n`,
			]);
		});

		it('verify: the specs the tests read are the pinned ones', () => {
			const { status, output } = specsScript(['verify', OPENAPI_ROOT]);
			expect([status, output]).toEqual([
				0,
				`${OPENAPI_ROOT}: every file matches test/contract/openapi-files.txt (1076 files)\n`,
			]);
		});

		it('verify: names each file changed, missing or added', () => {
			const root = path.join(tmp, 'specs');
			copy('partner-api', path.join(root, 'partner-api'));
			copy('notification-api', path.join(root, 'notification-api'));
			fs.appendFileSync(path.join(root, 'partner-api/openapi/openapi.yaml'), '\n');
			fs.rmSync(path.join(root, 'notification-api/openapi/paths/notification.yaml'));
			fs.writeFileSync(path.join(root, 'notification-api/openapi/new.yaml'), 'x: 1\n');
			const { status, output } = specsScript(['verify', root]);
			expect(status).toBe(1);
			expect(output).toContain('  changed: partner-api/openapi/openapi.yaml');
			expect(output).toContain('  missing: notification-api/openapi/paths/notification.yaml');
			expect(output).toContain('  not in the manifest: notification-api/openapi/new.yaml');
			expect(output).toContain(`Market's specs in ${root} are not the pinned ones`);
		});

		it('fetch: finds the commit whose files are the manifest’s, or fetches the pinned one', () => {
			// Stand-ins for GitHub's repositories: the partner spec in one commit; the notification
			// spec changed, then as pinned (and a README beside it), then with a file added.
			const base = path.join(tmp, 'github');
			const partner = copy(
				'partner-api',
				path.join(base, 'yandex-market/yandex-market-partner-api'),
			);
			git(partner, 'init', '-q');
			git(partner, 'add', '-A');
			git(partner, 'commit', '-qm', 'spec');
			const notification = copy(
				'notification-api',
				path.join(base, 'yandex-market/yandex-market-notification-api'),
			);
			const rootFile = path.join(notification, 'openapi/openapi.yaml');
			const pinned = fs.readFileSync(rootFile, 'utf8');
			git(notification, 'init', '-q');
			fs.writeFileSync(rootFile, pinned + '# older\n');
			git(notification, 'add', '-A');
			git(notification, 'commit', '-qm', 'older');
			const older = git(notification, 'rev-parse', 'HEAD');
			fs.writeFileSync(rootFile, pinned);
			fs.writeFileSync(path.join(notification, 'README.md'), '# readme\n');
			git(notification, 'add', '-A');
			git(notification, 'commit', '-qm', 'pinned');
			const match = git(notification, 'rev-parse', 'HEAD');
			fs.writeFileSync(path.join(notification, 'openapi/later.yaml'), 'x: 1\n');
			git(notification, 'add', '-A');
			git(notification, 'commit', '-qm', 'later');

			// Pins emptied: fetch looks for the commit that matches the manifest.
			const env = {
				YM_OPENAPI_GIT_BASE: `file://${base}`,
				YM_PARTNER_API_COMMIT: '',
				YM_NOTIFICATION_API_COMMIT: '',
			};
			const dir = path.join(tmp, 'fetched');
			const found = specsScript(['fetch', dir], env);
			expect(found.status).toBe(0);
			expect(found.output).toContain(
				`yandex-market/yandex-market-notification-api: ${match} matches the manifest; pin it as NOTIFICATION_API_COMMIT`,
			);
			expect(found.output).toContain(`${dir}: every file matches`);
			expect(git(path.join(dir, 'notification-api'), 'rev-parse', 'HEAD')).toBe(match);

			const pinnedToOlder = specsScript(['fetch', dir], {
				...env,
				YM_PARTNER_API_COMMIT: git(partner, 'rev-parse', 'HEAD'),
				YM_NOTIFICATION_API_COMMIT: older,
			});
			expect(pinnedToOlder.status).toBe(1);
			expect(pinnedToOlder.output).toContain(
				`yandex-market/yandex-market-notification-api at ${older}`,
			);
			expect(pinnedToOlder.output).toContain('  changed: notification-api/openapi/openapi.yaml');
		});
	},
);
