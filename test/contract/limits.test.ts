/**
 * Numbers from Market's partner spec that the package states, each against the spec: the hourly
 * limit of every method (`x-resource-limit-config`, in every tier) as the node's errors, its
 * README, the Russian guide and the simulator give it; the message length and page sizes.
 * And the simulator's scopes, which its 403s follow.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { LIMITS } from '../../nodes/YandexMarket/shared/constants';
import { MARKET_METHODS, type HourlyLimit } from '../../nodes/YandexMarket/shared/methods';
import { MAX_MESSAGE_LENGTH, OPERATIONS } from '../simulator/operations';
import { readSpec, type SpecOperation, type SpecReader } from './openapi';
import { PARTNER_SPEC_DIR, describeWithSpecs } from './specs';

type Obj = Record<string, any>;

const REPO_ROOT = path.resolve(__dirname, '../..');
const METHODS = Object.keys(MARKET_METHODS) as Array<keyof typeof MARKET_METHODS & string>;
/** The methods of the chat API, whose limits the README and the Russian guide list. */
const CHAT_METHODS = METHODS.filter((m) => /Chat/.test(m));

/** "1,000", "1 000" (also with a no-break space) → 1000. */
const toNumber = (text: string) => Number(text.replace(/[\s,\u00a0]/g, ''));

/**
 * Each method's hourly limit as a document states it: the README's row of Market's limits
 * ("getChat, createChat 1,000 · getChats 5,000"), and wherever a method is followed by its
 * number and the hour ("getChatHistory (10,000 an hour)", "`getChatMessage` (1 000 в час)",
 * a table row "| `getChats` | … | 5 000 |").
 */
function statedLimits(text: string): Array<[string, number]> {
	const names = METHODS.join('|');
	const stated: Array<[string, number]> = [];
	for (const row of text.matchAll(/Requests per hour, per method and business: ([^|]+)\|/g)) {
		for (const group of row[1].split('·')) {
			const [, list, amount] = /^\s*([\w, ]+?)\s+(\d[\d,]*)\s*$/.exec(group) ?? [];
			if (!list) throw new Error(`unreadable group "${group}" in the limits row`);
			for (const name of list.split(/,\s*/)) stated.push([name, toNumber(amount)]);
		}
	}
	const inline = new RegExp(`\`?(${names})\`? \\((\\d[\\d,\\s]*) (?:an hour|в час)\\)`, 'g');
	for (const [, name, amount] of text.matchAll(inline)) stated.push([name, toNumber(amount)]);
	const tableRow = new RegExp(`^\\| \`(${names})\` +\\|[^|\\n]*\\| +(\\d[\\d\\s]*\\d) +\\|$`, 'gm');
	for (const [, name, amount] of text.matchAll(tableRow)) stated.push([name, toNumber(amount)]);
	return stated;
}

describeWithSpecs('the limits the package states against the partner spec')(
	'the numbers the package states are the spec’s',
	() => {
		let spec: SpecReader;
		let operations: Map<string | undefined, SpecOperation>;
		beforeAll(() => {
			spec = readSpec(PARTNER_SPEC_DIR);
			operations = new Map(spec.operations().map((op) => [op.operationId, op]));
		});

		function operation(id: string): SpecOperation {
			const op = operations.get(id);
			if (!op) throw new Error(`the partner spec has no operation ${id}`);
			return op;
		}

		/** Requests per hour in each tier of an operation's x-resource-limit-config. */
		function hourlyTiers(id: string): Record<string, number> {
			const config = operation(id).def['x-resource-limit-config'] as Obj;
			const tiers = Object.entries(config).filter(([, v]) => typeof v === 'object');
			if (tiers.length === 0) throw new Error(`${id}: x-resource-limit-config has no tier`);
			return Object.fromEntries(
				tiers.map(([tier, v]) => {
					if (v.period !== 'hours' || v['period-duration'] !== 1)
						throw new Error(`${id}: tier ${tier} is per ${v['period-duration']} ${v.period}`);
					return [tier, v.amount as number];
				}),
			);
		}

		/** The spec's tiers, each with the number stated for the method (one number for all). */
		const stating = (id: string, limit: HourlyLimit) =>
			typeof limit === 'number'
				? Object.fromEntries(Object.keys(hourlyTiers(id)).map((tier) => [tier, limit]))
				: { ...limit };

		it('the node: the hourly limit of each method it calls, in every tier', () => {
			const spec = Object.fromEntries(METHODS.map((id) => [id, hourlyTiers(id)]));
			const node = Object.fromEntries(
				METHODS.map((id) => [
					id,
					stating(id, (MARKET_METHODS[id] as { hourlyLimit: HourlyLimit }).hourlyLimit),
				]),
			);
			// A tier that differs from the other needs the node to say which applies.
			expect(node).toEqual(spec);
		});

		it('the simulator: the hourly limit and the scopes of each method it serves', () => {
			const toScope = (s: string) => s.toUpperCase().replace(/[-:]/g, '_');
			for (const op of Object.values(OPERATIONS)) {
				const def = operation(op.id).def;
				expect({
					id: op.id,
					route: `${operation(op.id).method} ${operation(op.id).path}`,
					scopes: (def['x-auth-scopes'] as string[]).map(toScope).sort(),
					limits: hourlyTiers(op.id),
				}).toEqual({
					id: op.id,
					route: `${op.method} ${op.path}`,
					scopes: [...op.scopes].sort(),
					limits: stating(op.id, op.hourlyLimit),
				});
			}
		});

		it.each(['README.md', 'docs/README.ru.md'])(
			'%s: every hourly limit it states, and one for each chat method',
			(file) => {
				const stated = statedLimits(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));
				const wrong = stated.filter(([id, n]) =>
					Object.values(hourlyTiers(id)).some((amount) => amount !== n),
				);
				expect(wrong).toEqual([]);
				expect([...new Set(stated.map(([id]) => id))].sort()).toEqual(
					expect.arrayContaining([...CHAT_METHODS].sort()),
				);
			},
		);

		it('the message length: 1–4096 in the node, the simulator and the spec', () => {
			const body = operation('sendMessageToChat').def.requestBody as Obj;
			const { node: schema, file } = spec.deref(
				body.content['application/json'].schema,
				operation('sendMessageToChat').file,
			);
			const message = spec.deref(schema.properties.message, file).node;
			expect([message.minLength, message.maxLength]).toEqual([
				LIMITS.messageMinChars,
				LIMITS.messageMaxChars,
			]);
			expect(MAX_MESSAGE_LENGTH).toBe(message.maxLength);
		});

		it.each([
			['getChats', LIMITS.chatsPageMax],
			['getChatHistory', LIMITS.historyPageMax],
		])('the largest page of %s: %i', (id, max) => {
			const op = operation(id);
			const limit = (op.def.parameters as unknown[])
				.map((p) => spec.deref(p, op.file).node)
				.find((p) => p.name === 'limit' && p.in === 'query');
			expect(limit?.schema.maximum).toBe(max);
		});
	},
);

describe('statedLimits reads what the documents say', () => {
	it('the limits row, a number in brackets, a table row; and nothing else', () => {
		const text = [
			'| Requests per hour, per method and business: getChat, createChat 1,000 · getChats 5,000 | waits |',
			'reads getChatHistory (10,000 an hour) and `getChatMessage` (1 000 в час);',
			'| `sendFileToChat`    | Message → Send File     |                  1 000 |',
			'at most 1,000 getChatHistory, about 300 getChats',
		].join('\n');
		expect(statedLimits(text)).toEqual([
			['getChat', 1000],
			['createChat', 1000],
			['getChats', 5000],
			['getChatHistory', 10000],
			['getChatMessage', 1000],
			['sendFileToChat', 1000],
		]);
	});
});
