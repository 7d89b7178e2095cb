/**
 * Runs the built package through n8n-core's real execution engine (WorkflowExecute →
 * RoutingNode for declarative nodes), the way n8n runs it, with the credential applied as
 * n8n's CredentialsHelper applies it. Written for this project from n8n's public interfaces.
 */
import path from 'path';
import { Container } from '@n8n/di';
import {
	BinaryDataService,
	DataDeduplicationService,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PackageDirectoryLoader,
	PollContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	Expression,
	ICredentialsHelper,
	createRunExecutionData,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IBinaryData,
	type IDataDeduplicator,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWorkflowExecuteAdditionalData,
	type IVersionedNodeType,
	type Workflow as WorkflowType,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

export const PACKAGE_DIR = path.resolve(__dirname, '../..');
export const NODE_TYPE = 'n8n-nodes-yandex-market.yandexMarket';
const INPUT_TYPE = 'test.input';

export interface TestItem {
	json?: IDataObject;
	/** Binary fields made inside the run with n8n's own `prepareBinaryData`. */
	binary?: Record<string, { data: Buffer; fileName?: string; mimeType?: string }>;
}

export interface RunOptions {
	parameters: INodeParameters;
	input?: TestItem[];
	credentials?: { apiKey: string; baseUrl: string };
	/** n8n's "On Error" setting; 'continueRegularOutput' is Continue On Fail. */
	onError?: INode['onError'];
	/** n8n's "Retry On Fail" setting. */
	retry?: { maxTries: number; waitBetweenTries: number };
	/** Another node type under test instead of Yandex Market (see registerNodeType). */
	node?: { type: string; typeVersion: number; credentials?: INode['credentials'] };
	/** More credential fields, for another node's credential type (see registerCredentialType). */
	extraCredentialData?: IDataObject;
}

export interface RunResult {
	items: INodeExecutionData[];
	error?: Error & { description?: string; httpCode?: string };
	run: IRun;
}

/** Test-only "input" node: emits the items it is given, binary included. */
const inputNodeType: INodeType = {
	description: {
		displayName: 'Test Input',
		name: INPUT_TYPE,
		group: ['input'],
		version: 1,
		description: '',
		defaults: { name: 'Input' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
	async execute(this: IExecuteFunctions) {
		// Items come from the test through this module: n8n drops parameters a type does not declare.
		const given = currentInput;
		const out: INodeExecutionData[] = [];
		for (const [index, item] of given.entries()) {
			const binary: INodeExecutionData['binary'] = {};
			for (const [key, file] of Object.entries(item.binary ?? {})) {
				binary[key] = await this.helpers.prepareBinaryData(
					Buffer.from(file.data),
					file.fileName,
					file.mimeType,
				);
			}
			out.push({
				json: item.json ?? {},
				...(item.binary ? { binary } : {}),
				pairedItem: { item: index },
			});
		}
		return [out];
	},
};

/** A credentials store of one credential, applied to requests as n8n's CredentialsHelper does. */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly types: Record<string, ICredentialType>,
		private readonly data: () => ICredentialDataDecryptedObject,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	// Mirrors what n8n's CredentialsHelper does for a generic `authenticate`: it resolves
	// each `={{$credentials.x}}` with the workflow's expression engine and sets it on the request.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: WorkflowType,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const auth = this.types[typeName]?.authenticate;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		if (auth?.type === 'generic' && workflow && node) {
			for (const [outerKey, entries] of Object.entries(auth.properties)) {
				const target = ((requestOptions as unknown as IDataObject)[outerKey] ??= {}) as IDataObject;
				const resolve = (text: string) =>
					String(
						workflow.expression.getSimpleParameterValue(
							node,
							text,
							'internal',
							{ $credentials: credentials },
							undefined,
							'',
						) ?? '',
					);
				for (const [key, value] of Object.entries(entries as IDataObject)) {
					// Header names may be expressions too (n8n's Header Auth credential).
					target[key.startsWith('=') ? resolve(key) : key] = resolve(value as string);
				}
			}
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used in tests');
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return this.data();
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string) {
		return this.types[type]?.properties ?? [];
	}
}

let loaded:
	| {
			nodeTypes: INodeTypes;
			credentialTypes: Record<string, ICredentialType>;
			nodeType: INodeType;
	  }
	| undefined;
let currentCredentials: ICredentialDataDecryptedObject = {};
const extraTypes: Record<string, INodeType | IVersionedNodeType> = {};

const extraCredentialTypes: Record<string, ICredentialType> = {};

/** Makes a credential type of another package usable by nodes run with runNode. */
export function registerCredentialType(type: ICredentialType) {
	extraCredentialTypes[type.name] = type;
	if (loaded) loaded.credentialTypes[type.name] = type;
}

/** Makes a node type of another package (e.g. n8n's HTTP Request node) runnable with runNode. */
export function registerNodeType(name: string, type: INodeType | IVersionedNodeType) {
	extraTypes[name] = type;
}
let currentInput: TestItem[] = [];

/** Loads the compiled package from dist/ as n8n does (package.json → n8n.nodes/credentials). */
export async function startEngine() {
	if (loaded) return loaded;
	Expression.setExpressionEngine('legacy');
	const binaryData = Container.get(BinaryDataService);
	await binaryData.init();

	const loader = new PackageDirectoryLoader(PACKAGE_DIR);
	await loader.loadAll();
	const byName: Record<string, INodeType | IVersionedNodeType> = { [INPUT_TYPE]: inputNodeType };
	for (const [name, data] of Object.entries(loader.nodeTypes)) {
		byName[`${loader.packageName}.${name}`] = data.type;
	}
	const credentialTypes: Record<string, ICredentialType> = { ...extraCredentialTypes };
	for (const [name, data] of Object.entries(loader.credentialTypes))
		credentialTypes[name] = data.type;

	const nodeTypes: INodeTypes = {
		getByName: (name) => byName[name] ?? extraTypes[name],
		getByNameAndVersion: (name, version) =>
			NodeHelpers.getVersionedNodeType(byName[name] ?? extraTypes[name], version),
		getKnownTypes: () => ({}),
	} as INodeTypes;
	loaded = {
		nodeTypes,
		credentialTypes,
		nodeType: NodeHelpers.getVersionedNodeType(byName[NODE_TYPE], 1) as INodeType,
	};
	return loaded;
}

let executionCounter = 0;

function buildWorkflow(options: RunOptions) {
	const { nodeTypes } = loaded!;
	const nodes: INode[] = [
		{
			id: 'input',
			name: 'Input',
			type: INPUT_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'market',
			name: 'Yandex Market',
			type: options.node?.type ?? NODE_TYPE,
			typeVersion: options.node?.typeVersion ?? 1,
			position: [200, 0],
			parameters: options.parameters,
			credentials: options.node
				? options.node.credentials
				: { yandexMarketApi: { id: '1', name: 'Yandex Market account' } },
			...(options.onError ? { onError: options.onError } : {}),
			...(options.retry ? { retryOnFail: true, ...options.retry } : {}),
		},
	];
	return new Workflow({
		id: 'test',
		name: 'test',
		nodes,
		connections: { Input: { main: [[{ node: 'Yandex Market', type: 'main', index: 0 }]] } },
		active: false,
		nodeTypes,
	});
}

function buildAdditionalData(
	workflow: Workflow,
	executionId: string,
	mode: WorkflowExecuteMode = 'manual',
) {
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: workflow.id,
		name: workflow.name,
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		active: workflow.active,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	return {
		credentialsHelper: new TestCredentialsHelper(loaded!.credentialTypes, () => currentCredentials),
		hooks,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		formBaseUrl: 'http://127.0.0.1/form',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1/form-test',
		mcpBaseUrl: 'http://127.0.0.1/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1/mcp-test',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		logAiEvent: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** The bytes of a binary the node output, wherever n8n's binary data mode keeps them. */
export async function binaryBytes(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

/** Runs Input → Yandex Market once, in n8n's engine, and returns the node's output. */
export async function runNode(options: RunOptions): Promise<RunResult> {
	await startEngine();
	currentCredentials = { ...(options.credentials ?? {}), ...(options.extraCredentialData ?? {}) };
	currentInput = options.input ?? [{ json: {} }];
	const workflow = buildWorkflow(options);
	const additionalData = buildAdditionalData(workflow, String(++executionCounter));
	const run = await new WorkflowExecute(additionalData, 'manual').run({
		workflow,
		startNode: workflow.getNode('Input')!,
	} as never);
	const taskData = run.data.resultData.runData['Yandex Market']?.[0];
	return {
		items: taskData?.data?.main?.[0] ?? [],
		error: (run.data.resultData.error ?? taskData?.error) as RunResult['error'],
		run,
	};
}

/** Calls one of the node's "From list" searches as the editor does, through n8n-core's LoadOptionsContext. */
export async function listSearch(
	method: string,
	options: RunOptions & { parameterPath: string; filter?: string; paginationToken?: string },
): Promise<INodeListSearchResult> {
	const { nodeType } = await startEngine();
	currentCredentials = { ...(options.credentials ?? {}), ...(options.extraCredentialData ?? {}) };
	const workflow = buildWorkflow(options);
	const additionalData = buildAdditionalData(workflow, String(++executionCounter));
	const context = new LoadOptionsContext(
		workflow,
		workflow.getNode('Yandex Market')!,
		additionalData,
		options.parameterPath,
	);
	const search = nodeType.methods!.listSearch![method];
	return await search.call(context, options.filter, options.paginationToken);
}

/** The node's parameters with resource locators in "By ID" mode, as a workflow JSON has them. */
export function byId(value: string | number) {
	return { __rl: true, mode: 'id', value: String(value) };
}

/**
 * The request n8n sends when a user clicks "Test" on the credential: the type's
 * `test.request` with its expressions resolved, authenticated like any other request.
 */
export async function credentialTestRequest(credentials: { apiKey: string; baseUrl: string }) {
	const { credentialTypes, nodeTypes } = await startEngine();
	const type = credentialTypes.yandexMarketApi;
	const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes });
	const node = {
		id: 'n',
		name: 'n',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	} as INode;
	const resolve = (value: unknown) =>
		typeof value === 'string' && value.startsWith('=')
			? workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				)
			: value;
	const request = type.test!.request;
	const options = {
		method: request.method ?? 'GET',
		baseURL: resolve(request.baseURL),
		url: resolve(request.url),
	} as IHttpRequestOptions;
	currentCredentials = { ...credentials };
	const helper = new TestCredentialsHelper(credentialTypes, () => currentCredentials);
	return await helper.authenticate(credentials, 'yandexMarketApi', options, workflow, node);
}

export const POLL_TRIGGER_TYPE = 'n8n-nodes-yandex-market.yandexMarketPollTrigger';

/**
 * A published workflow with the Polling Trigger, kept by n8n as n8n 2.41 keeps one without
 * durable cursors: one Workflow object whose static data lives across polls, written to the
 * "database" (`saved`) when a poll emits and on a graceful stop, and read back on a start.
 */
let harnessCounter = 0;

export class PollHarness {
	saved: IDataObject = {};
	private workflow!: Workflow;
	private counter = 0;
	// Each harness is a workflow of its own: what the node keeps in memory is per workflow.
	private readonly workflowId = `poll-test-${++harnessCounter}`;

	constructor(
		private readonly parameters: INodeParameters,
		private readonly credentials: { apiKey: string; baseUrl: string },
	) {}

	async start(): Promise<this> {
		await startEngine();
		const node: INode = {
			id: 'poll',
			name: 'Yandex Market Polling Trigger',
			type: POLL_TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: this.parameters,
			credentials: { yandexMarketApi: { id: '1', name: 'Yandex Market account' } },
		};
		this.workflow = new Workflow({
			id: this.workflowId,
			name: 'poll test',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: loaded!.nodeTypes,
			staticData: JSON.parse(JSON.stringify(this.saved)),
		});
		return this;
	}

	/** n8n stopped: gracefully (static data saved) or killed (whatever was not saved is gone). */
	async restart(graceful: boolean): Promise<this> {
		if (graceful) this.save();
		return await this.start();
	}

	private save() {
		const data = this.workflow.staticData as IDataObject;
		if (data.__dataChanged === true) {
			const copy = JSON.parse(JSON.stringify(data)) as IDataObject;
			delete copy.__dataChanged;
			this.saved = copy;
			data.__dataChanged = false;
		}
	}

	/**
	 * n8n dropped what the last poll kept, without a restart: what n8n 2.x with durable poll
	 * cursors does with the activation's own poll, which it runs as a test.
	 */
	async dropUnsaved(): Promise<this> {
		return await this.start();
	}

	/** One poll as n8n runs it; the emitted items' JSON (empty when it returned null). */
	async poll(mode: 'trigger' | 'manual' = 'trigger'): Promise<IDataObject[]> {
		return (await this.pollItems(mode)).map((item) => item.json);
	}

	/** One poll as n8n runs it; the emitted items, binary included. */
	async pollItems(mode: 'trigger' | 'manual' = 'trigger'): Promise<INodeExecutionData[]> {
		currentCredentials = { ...this.credentials };
		const node = this.workflow.getNode('Yandex Market Polling Trigger')!;
		const additionalData = buildAdditionalData(this.workflow, `poll-${++this.counter}`);
		const context = new PollContext(this.workflow, node, additionalData, mode, 'activate');
		const type = loaded!.nodeTypes.getByNameAndVersion(POLL_TRIGGER_TYPE, 1) as INodeType;
		const result = await type.poll!.call(context);
		if (result === null) return [];
		if (mode !== 'manual') this.save();
		return result[0];
	}

	/** The cursor as the workflow holds it now. */
	cursor(): IDataObject | undefined {
		return (
			this.workflow.getStaticData(
				'node',
				this.workflow.getNode('Yandex Market Polling Trigger')!,
			) as IDataObject
		).cursor as IDataObject | undefined;
	}
}

export const TRIGGER_TYPE = 'n8n-nodes-yandex-market.yandexMarketTrigger';
const TRIGGER_NAME = 'Yandex Market Trigger';
const RECORDER_TYPE = 'test.recorder';
const TRIGGER_DIST = path.join(PACKAGE_DIR, 'dist/nodes/YandexMarket/YandexMarketTrigger.node.js');

/** Test-only node after the trigger: passes on what it received, so the run shows it. */
const recorderNodeType: INodeType = {
	description: {
		displayName: 'Recorder',
		name: 'recorder',
		group: ['transform'],
		version: 1,
		description: 'Test helper',
		defaults: { name: 'Recorder' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	},
};

let processedData: IDataDeduplicator | undefined;

/**
 * Makes n8n-core's deduplication helpers (`checkProcessedAndRecord`) use `store`, as n8n's
 * start-up gives them its database. n8n-core allows one initialisation per process, so it
 * is made once, to a deduplicator that forwards to the current store.
 */
export async function useProcessedDataStore(store: IDataDeduplicator | undefined) {
	await startEngine();
	if (processedData === undefined) {
		const current = (): IDataDeduplicator => {
			if (!processedData) throw new Error('No processed data store in this test');
			return processedData;
		};
		await DataDeduplicationService.init({
			checkProcessedAndRecord: async (...args) => await current().checkProcessedAndRecord(...args),
			removeProcessed: async (...args) => await current().removeProcessed(...args),
			clearAllProcessedItems: async (...args) => await current().clearAllProcessedItems(...args),
			getProcessedDataCount: async (...args) => await current().getProcessedDataCount(...args),
		});
	}
	processedData = store;
}

export interface TriggerRunOptions {
	/** The items the trigger's webhook() emitted (its `workflowData[0]`). */
	items: INodeExecutionData[];
	parameters?: INodeParameters;
	/** 'webhook' for a production execution (also on a queue-mode worker), 'manual' for a test run. */
	mode?: WorkflowExecuteMode;
	workflowId?: string;
}

export interface TriggerRunResult {
	/** What the node after the trigger received; undefined when it did not run. */
	received?: IDataObject[];
	error?: Error;
	run: IRun;
}

export interface TriggerRun {
	/** Settles once the trigger's execute() has run up to its first wait (or the run ended). */
	entered: Promise<void>;
	done: Promise<TriggerRunResult>;
}

/**
 * One n8n process holding the package: its own copy of the compiled trigger module (and of
 * what it keeps in memory), as a webhook or worker process of n8n has. Processes made one
 * after another over the same store also stand for a restart.
 */
export class N8nProcess {
	private readonly nodeTypes: INodeTypes;

	private readonly entering = new Map<string, () => void>();

	constructor() {
		let module!: { YandexMarketTrigger: new () => INodeType };
		jest.isolateModules(() => {
			module = require(TRIGGER_DIST);
		});
		const trigger = new module.YandexMarketTrigger();
		const execute = trigger.execute!;
		const entering = this.entering;
		// The claim in memory is made before execute() first waits: tell the test it is made.
		trigger.execute = async function (this: IExecuteFunctions) {
			const pending = execute.call(this);
			entering.get(this.getExecutionId())?.();
			return await pending;
		};
		const byName: Record<string, INodeType> = {
			[TRIGGER_TYPE]: trigger,
			[RECORDER_TYPE]: recorderNodeType,
		};
		this.nodeTypes = {
			getByName: (name) => byName[name],
			getByNameAndVersion: (name) => byName[name],
			getKnownTypes: () => ({}),
		} as INodeTypes;
	}

	/**
	 * An execution of a workflow "Yandex Market Trigger → Recorder" as n8n starts one for a
	 * webhook call: the trigger first on the execution stack with the webhook's items.
	 */
	run(options: TriggerRunOptions): TriggerRun {
		const executionId = `trigger-run-${++executionCounter}`;
		const entered = new Promise<void>((resolve) => this.entering.set(executionId, resolve));
		const done = this.execute(executionId, options).finally(() => {
			this.entering.get(executionId)?.();
			this.entering.delete(executionId);
		});
		return { entered, done };
	}

	private async execute(executionId: string, options: TriggerRunOptions) {
		await startEngine();
		const mode = options.mode ?? 'webhook';
		const workflow = new Workflow({
			id: options.workflowId ?? 'trigger-workflow',
			name: 'trigger test',
			nodes: [
				{
					id: 'trigger-node',
					name: TRIGGER_NAME,
					type: TRIGGER_TYPE,
					typeVersion: 1,
					position: [0, 0],
					webhookId: 'trigger-webhook',
					parameters: options.parameters ?? {},
					credentials: { yandexMarketApi: { id: '1', name: 'Yandex Market account' } },
				},
				{
					id: 'recorder-node',
					name: 'Recorder',
					type: RECORDER_TYPE,
					typeVersion: 1,
					position: [200, 0],
					parameters: {},
				},
			],
			connections: { [TRIGGER_NAME]: { main: [[{ node: 'Recorder', type: 'main', index: 0 }]] } },
			active: true,
			nodeTypes: this.nodeTypes,
			settings: { executionOrder: 'v1' },
		});
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{ node: workflow.getNode(TRIGGER_NAME)!, data: { main: [options.items] }, source: null },
				],
			},
		});
		const additionalData = buildAdditionalData(workflow, executionId, mode);
		const run = await new WorkflowExecute(
			additionalData,
			mode,
			runExecutionData,
		).processRunExecutionData(workflow);
		const recorded = run.data.resultData.runData.Recorder?.[0];
		return {
			received: recorded?.data?.main?.[0]?.map((item) => item.json),
			error: run.data.resultData.error,
			run,
		};
	}
}

/** Lets every pending promise chain run as far as it can (no timer involved). */
export async function settle(): Promise<void> {
	await new Promise<void>((resolve) => setImmediate(resolve));
}
