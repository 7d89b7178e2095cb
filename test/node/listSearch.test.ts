import { FIXTURE_FACTS } from '../simulator/fixtures';
import { listSearch } from '../support/engine';
import { byId, credentialsFor, SIM_KEYS, useSimulator } from './setup';

const { sim } = useSimulator();

describe('"From List" choices', () => {
	it('lists each business of the key once, searchable by name', async () => {
		const all = await listSearch('searchBusinesses', {
			credentials: credentialsFor(sim()),
			parameters: { resource: 'chat', operation: 'getAll' },
			parameterPath: 'parameters.businessId',
		});
		expect(all.results.map((r) => r.value).sort()).toEqual(['1001', '1002']);
		expect(all.results.find((r) => r.value === '1001')?.name).toMatch(/Demo Store/);

		const found = await listSearch('searchBusinesses', {
			credentials: credentialsFor(sim()),
			parameters: { resource: 'chat', operation: 'getAll' },
			parameterPath: 'parameters.businessId',
			filter: 'second',
		});
		expect(found.results.map((r) => r.value)).toEqual(['1002']);
	});

	it('lists recent chats of the chosen business, page by page', async () => {
		const first = await listSearch('searchChats', {
			credentials: credentialsFor(sim(), SIM_KEYS.allMethods),
			parameters: {
				resource: 'message',
				operation: 'send',
				businessId: byId(FIXTURE_FACTS.businesses.demo),
			},
			parameterPath: 'parameters.chatId',
		});
		expect(first.results).toHaveLength(20);
		expect(first.results[0].name).toMatch(/^Chat \d+ · /);
		expect(first.paginationToken).toEqual(expect.any(String));

		const second = await listSearch('searchChats', {
			credentials: credentialsFor(sim(), SIM_KEYS.allMethods),
			parameters: {
				resource: 'message',
				operation: 'send',
				businessId: byId(FIXTURE_FACTS.businesses.demo),
			},
			parameterPath: 'parameters.chatId',
			paginationToken: first.paginationToken as string,
		});
		const firstIds = new Set(first.results.map((r) => r.value));
		expect(second.results.some((r) => firstIds.has(r.value))).toBe(false);
		for (const request of sim().requests) {
			expect(request.headers['x-market-integration']).toMatch(/^n8n-nodes-yandex-market\//);
		}
	});
});
