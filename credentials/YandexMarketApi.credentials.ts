import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class YandexMarketApi implements ICredentialType {
	name = 'yandexMarketApi';

	displayName = 'Yandex Market API';

	icon = {
		light: 'file:../icons/yandexMarket.svg',
		dark: 'file:../icons/yandexMarket.dark.svg',
	} as const;

	documentationUrl = 'https://yandex.ru/dev/market/partner-api/doc/en/concepts/api-key';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Seller cabinet → Settings → API and modules → Create API key. Give it the "Communication with customers" (communication) scope, or full access.',
		},
		{
			displayName: 'OAuth Token for Files',
			name: 'fileToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"Optional. Only for Download Attachments, when the links of buyers' files refuse to download without it: a Yandex OAuth token (oauth.yandex.ru) with access to the Market Partner API. It is sent only to Yandex hosts, and only after a link refused without it.",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.partner.market.yandex.ru',
			description:
				"Leave as is for Yandex Market. Change it only to go through a proxy or to try workflows against the package's Market simulator.",
		},
		{
			displayName: 'Parallel Requests per n8n Process',
			name: 'parallelRequests',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 4 },
			default: 4,
			description:
				'Market answers at most 4 requests at a time per business, counted over all n8n processes that call it. 4 is right for a single n8n, and works in queue mode too: a process holds fewer for a while when Market refuses one. To avoid those refusals in queue mode, split the 4 among the processes that call Market (webhook processes and workers): e.g. 2 webhook processes + 1 worker → 1.',
		},
	];

	// n8n adds the key to every request itself, so it never passes through node code or output.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'Api-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	// POST /v2/auth/token answers for any valid key, whatever its scopes.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v2/auth/token',
			method: 'POST',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Yandex Market does not know this API key (401). Copy the key again from Settings → API and modules in the seller cabinet.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Yandex Market refused this API key (403). Give it the "communication" scope in Settings → API and modules.',
				},
			},
		],
	};
}
