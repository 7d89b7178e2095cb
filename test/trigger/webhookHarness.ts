/**
 * Calls the trigger's `webhook()` the way n8n does for one incoming request: a Workflow
 * holding the trigger node, and n8n-core's own WebhookContext built over an Express-like
 * request and response. Requests to Market go through n8n-core's real HTTP helpers with
 * the credential applied as n8n's CredentialsHelper applies a generic `authenticate`.
 * Written for this project from n8n's public interfaces.
 */
import { WebhookContext } from 'n8n-core';
import {
	Expression,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { YandexMarketApi } from '../../credentials/YandexMarketApi.credentials';
import { TestCredentialsHelper } from '../support/engine';
import { YandexMarketTrigger } from '../../nodes/YandexMarket/YandexMarketTrigger.node';

export const TRIGGER_TYPE = 'n8n-nodes-yandex-market.yandexMarketTrigger';
const nodeType = new YandexMarketTrigger();
const credentialType = new YandexMarketApi();

const nodeTypes: INodeTypes = {
	getByName: () => nodeType,
	getByNameAndVersion: () => nodeType,
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

/** What the node answered, as the HTTP client would see it. */
export interface Answer {
	/** HTTP status: the node's own (403/400/500), else the webhook's responseCode (200). */
	status: number;
	body: unknown;
	/** Whether the node started the workflow, and with which items. */
	started: boolean;
	items: IDataObject[];
	result: IWebhookResponseData;
	ms: number;
}

export interface TriggerSetup {
	parameters?: INodeParameters;
	credentials?: { apiKey: string; baseUrl: string };
	workflowId?: string;
	staticData?: IDataObject;
	mode?: WorkflowExecuteMode;
}

export interface PostOptions {
	ip?: string;
	headers?: Record<string, string>;
	method?: 'POST' | 'GET';
}

let engineReady = false;

export class TriggerUnderTest {
	readonly workflow: Workflow;

	readonly node: INode;

	private readonly credentials: ICredentialDataDecryptedObject;

	private readonly mode: WorkflowExecuteMode;

	constructor(setup: TriggerSetup = {}) {
		if (!engineReady) {
			Expression.setExpressionEngine('legacy');
			engineReady = true;
		}
		this.node = {
			id: 'trigger-node-1',
			name: 'Yandex Market Trigger',
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId: 'c0ffee00-0000-4000-8000-000000000001',
			parameters: setup.parameters ?? {},
			credentials: { yandexMarketApi: { id: '1', name: 'Yandex Market account' } },
		};
		this.workflow = new Workflow({
			id: setup.workflowId ?? 'wf-trigger-test',
			name: 'trigger test',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes,
			staticData: setup.staticData ?? {},
		});
		this.credentials = { ...(setup.credentials ?? {}) };
		this.mode = setup.mode ?? 'webhook';
	}

	/** The node's static data (what n8n would save). */
	get staticData(): IDataObject {
		return this.workflow.getStaticData('node', this.workflow.getNode(this.node.name)!);
	}

	async post(body: unknown, options: PostOptions = {}): Promise<Answer> {
		const ip = options.ip ?? '5.45.207.10';
		const method = options.method ?? 'POST';
		const request = {
			method,
			ip,
			ips: [] as string[],
			headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
			body,
			params: {},
			query: {},
		};
		const response = {
			statusCode: 200,
			sent: undefined as unknown,
			status(code: number) {
				this.statusCode = code;
				return this;
			},
			json(payload: unknown) {
				this.sent = payload;
				return this;
			},
		};
		const node = this.workflow.getNode(this.node.name)!;
		const description = nodeType.description.webhooks!.find(
			(w) => w.name === (method === 'GET' ? 'setup' : 'default'),
		)!;
		const additionalData = {
			credentialsHelper: new TestCredentialsHelper({ yandexMarketApi: credentialType }, () => ({
				...this.credentials,
			})),
			httpRequest: request,
			httpResponse: response,
			webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
			webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
			webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
			formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
			restApiUrl: 'http://127.0.0.1:5678/rest',
			instanceBaseUrl: 'http://127.0.0.1:5678/',
			variables: {},
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData = {
			httpMethod: method,
			node: node.name,
			path: description.path,
			webhookDescription: description,
			workflowId: this.workflow.id,
			workflowExecuteAdditionalData: additionalData,
		} as unknown as IWebhookData;
		const context = new WebhookContext(
			this.workflow,
			node,
			additionalData,
			this.mode,
			webhookData,
			[],
			null,
		);
		const started = Date.now();
		const result = await (nodeType as INodeType).webhook!.call(context);
		const ms = Date.now() - started;
		const items = (result.workflowData?.[0] ?? []).map((item) => item.json);
		if (result.noWebhookResponse) {
			return {
				status: response.statusCode,
				body: response.sent,
				started: items.length > 0,
				items,
				result,
				ms,
			};
		}
		return {
			status: 200,
			body: result.webhookResponse,
			started: items.length > 0,
			items,
			result,
			ms,
		};
	}
}

/** The node's parameters with defaults filled in, as n8n stores them. */
export function defaults(): INodeParameters {
	return (
		NodeHelpers.getNodeParameters(
			nodeType.description.properties,
			{},
			true,
			false,
			null,
			nodeType.description,
		) ?? {}
	);
}
