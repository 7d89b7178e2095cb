// n8n's verification scanner (@n8n/scan-community-package), its two lint legs run offline:
// the source checkout (package.json, nodes/, credentials/) and the tarball `npm pack` makes,
// unpacked, as n8n's review lints them. Its third leg, npm provenance, needs the public
// registry and is met by publishing from .github/workflows/publish.yml.
// Usage: node scripts/scan.mjs   (run by `npm run lint`; builds nothing, packs dist/ as it is)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

function unpackTarball() {
	if (!fs.existsSync(path.join(root, 'dist', 'package.json'))) {
		console.error(
			'scanner: dist/ is missing; run `npm run build` first (the tarball leg lints what npm pack ships)',
		);
		process.exit(1);
	}
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ym-scan-'));
	const out = execFileSync(
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', work],
		{
			cwd: root,
			encoding: 'utf8',
		},
	);
	const [{ filename }] = JSON.parse(out);
	execFileSync('tar', ['-xzf', path.join(work, filename), '-C', work]);
	return path.join(work, 'package');
}

let failed = false;
for (const [leg, dir, patterns] of [
	['source', root, SOURCE_FILE_PATTERNS],
	['tarball', unpackTarball(), TARBALL_PATTERNS],
]) {
	const result = await analyzePackage(dir, patterns);
	// Warnings are printed too: the scanner passes them, n8n's reviewers read them.
	console.log(`scanner, ${leg} leg: ${result.passed ? 'passed' : `FAILED (${result.message})`}`);
	if (result.details) console.log(result.details);
	if (!result.passed) failed = true;
}
process.exit(failed ? 1 : 0);
