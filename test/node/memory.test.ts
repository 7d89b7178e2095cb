/**
 * What the package keeps in n8n's process between calls: everything in one registry, and
 * every map bounded, so a long-running n8n does not grow with the number of chats, events
 * or executions it has seen.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BoundedMap, forgetAll, memory } from '../../nodes/YandexMarket/shared/memory';

describe('process memory', () => {
	it('keeps at most its bound, dropping the oldest entries first', () => {
		const map = new BoundedMap<string, number>(3);
		for (let i = 1; i <= 5; i++) map.set(`k${i}`, i);
		expect([...map.keys()]).toEqual(['k3', 'k4', 'k5']);
		map.set('k3', 30); // a rewrite keeps its place, and nothing is dropped
		expect([...map.entries()]).toEqual([
			['k3', 30],
			['k4', 4],
			['k5', 5],
		]);
	});

	it('bounds every entry, however many distinct keys come', () => {
		for (const [name, map] of Object.entries(memory)) {
			const bounded = map as BoundedMap<string, unknown>;
			for (let i = 0; i < bounded.max + 50; i++) bounded.set(`${name}-${i}`, undefined);
			expect({ name, size: bounded.size }).toEqual({ name, size: bounded.max });
		}
		forgetAll();
		expect(Object.values(memory).map((m) => m.size)).toEqual(Object.values(memory).map(() => 0));
	});

	it('is the only module-level state of the shipped code', () => {
		// A Map, Set or `let` at the top of a module outlives executions: it belongs in memory.ts
		// (a constant table is declared read-only, e.g. `ReadonlySet`).
		const root = path.resolve(__dirname, '../../nodes');
		const offenders: string[] = [];
		const walk = (dir: string) => {
			for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
				const file = path.join(dir, entry.name);
				if (entry.isDirectory()) walk(file);
				else if (file.endsWith('.ts') && !file.endsWith('memory.ts')) {
					fs.readFileSync(file, 'utf8')
						.split('\n')
						.forEach((line, i) => {
							if (/^(export )?(let|var) |^(export )?const \w+ = new (Map|Set|WeakMap)\b/.test(line))
								offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
						});
				}
			}
		};
		walk(root);
		expect(offenders).toEqual([]);
	});
});
