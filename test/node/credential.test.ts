import { credentialTestRequest } from '../support/engine';
import { SIM_KEYS, useSimulator } from './setup';

const { sim } = useSimulator();

async function send(request: Awaited<ReturnType<typeof credentialTestRequest>>) {
	const response = await fetch(`${request.baseURL}${request.url}`, {
		method: request.method,
		headers: request.headers as Record<string, string>,
	});
	return {
		status: response.status,
		body: (await response.json()) as { result?: { apiKey: { authScopes: string[] } } },
	};
}

describe('Yandex Market API credential', () => {
	it('"Test" asks Market about the key with POST /v2/auth/token and the Api-Key header', async () => {
		const request = await credentialTestRequest({
			apiKey: SIM_KEYS.communication,
			baseUrl: `${sim().url}/`,
		});
		expect(request).toEqual(
			expect.objectContaining({
				method: 'POST',
				baseURL: sim().url,
				url: '/v2/auth/token',
				headers: { 'Api-Key': SIM_KEYS.communication },
			}),
		);
		const { status, body } = await send(request);
		expect(status).toBe(200);
		expect(body.result?.apiKey.authScopes).toContain('COMMUNICATION');
	});

	it('"Test" fails for a wrong key', async () => {
		const { status } = await send(
			await credentialTestRequest({ apiKey: 'wrong', baseUrl: sim().url }),
		);
		expect(status).toBe(401);
	});
});

describe('Yandex Market API credential fields', () => {
	it('offer Parallel Requests per n8n Process after Base URL: a number from 1 to 4, 4 unless set', async () => {
		const { startEngine } = await import('../support/engine');
		const { credentialTypes } = await startEngine();
		const { properties } = credentialTypes.yandexMarketApi;
		expect(properties.map((p) => p.name)).toEqual([
			'apiKey',
			'fileToken',
			'baseUrl',
			'parallelRequests',
		]);
		const field = properties.find((p) => p.name === 'parallelRequests')!;
		expect(field).toEqual(
			expect.objectContaining({
				displayName: 'Parallel Requests per n8n Process',
				type: 'number',
				default: 4,
				typeOptions: { minValue: 1, maxValue: 4 },
			}),
		);
		// What a seller in queue mode needs to pick the number.
		expect(field.description).toMatch(/queue mode/);
		expect(field.description).toMatch(/single n8n/);
	});
});

describe('Yandex Market node description', () => {
	it('names each operation on the canvas by its action', async () => {
		const { startEngine } = await import('../support/engine');
		const { nodeType } = await startEngine();
		const subtitle = nodeType.description.subtitle!;
		for (const property of nodeType.description.properties.filter((p) => p.name === 'operation')) {
			const resource = property.displayOptions!.show!.resource![0];
			for (const option of property.options as Array<{ value: string; action: string }>) {
				expect(subtitle).toContain(`"${resource}:${option.value}":"${option.action}"`);
			}
		}
	});
});
