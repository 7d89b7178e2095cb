import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	INodeExecutionData,
	INodePropertyOptions,
} from 'n8n-workflow';
import { createHash } from 'crypto';
import { marketRequest, type MarketRequest } from './transport';
import { parseId } from './validate';

/** The request an operation is about to send, after routing filled it in. */
export interface PreparedRequest extends MarketRequest {
	businessId: number;
	qs: IDataObject;
	body?: IDataObject | Buffer;
	/** What the output should report as sent, when the body itself does not say (files). */
	sent?: IDataObject;
}

export interface OperationSpec {
	/** Checks the item's parameters and finishes the request; throws a readable error before anything is sent. */
	prepare?: (this: IExecuteSingleFunctions, request: PreparedRequest) => Promise<void> | void;
	/** For list methods: how many Market returns per page at most, and where the entries are. */
	pages?: { pageSize: number; entries: (body: IDataObject) => IDataObject[] };
	/**
	 * For sends: when n8n retries the node (Retry On Fail), items already delivered in this
	 * execution are not sent again; their earlier output is returned instead.
	 */
	sendsOnce?: boolean;
	/** Shapes Market's answer into the items the node outputs. */
	output: (
		this: IExecuteSingleFunctions,
		body: IDataObject,
		request: PreparedRequest,
	) => IDataObject | IDataObject[];
}

const ID_LABELS: Record<string, string> = { chatId: 'Chat ID', messageId: 'Message ID' };

/**
 * An operation of the node: its option in the Operation list, the request it makes as
 * declarative routing, and the hook below that validates, sends and shapes it.
 */
export function marketOperation(
	option: Omit<INodePropertyOptions, 'routing'>,
	request: { method: IHttpRequestMethods; url: string },
	spec: OperationSpec,
): INodePropertyOptions {
	return {
		...option,
		routing: { request, send: { paginate: true }, operations: { pagination: runOperation(spec) } },
	};
}

/**
 * The routing hook every operation declares (`routing.operations.pagination`): n8n's
 * RoutingNode builds the request from the description, then hands it here, so that the
 * validation, the request through `marketRequest`, paging and item pairing are written once.
 * Errors of one item stay with that item (as an error item under Continue On Fail).
 */
function runOperation(spec: OperationSpec) {
	return async function (
		this: IExecutePaginationFunctions,
		requestData: DeclarativeRestApiSettings.ResultOptions,
	): Promise<INodeExecutionData[]> {
		const itemIndex = this.getItemIndex();
		const node = this.getNode();
		try {
			const options = requestData.options;
			const businessId = parseId(
				node,
				itemIndex,
				this.getNodeParameter('businessId', undefined, { extractValue: true }),
				'Business ID',
				'businessId',
			);
			const qs: IDataObject = { ...(options.qs ?? {}) };
			for (const [field, label] of Object.entries(ID_LABELS)) {
				if (field in qs) qs[field] = parseId(node, itemIndex, qs[field], label, field);
			}
			const request: PreparedRequest = {
				method: (options.method ?? 'GET') as IHttpRequestMethods,
				url: String(options.url).replace('{businessId}', String(businessId)),
				qs,
				body: options.method === 'POST' ? { ...((options.body as IDataObject) ?? {}) } : undefined,
				businessId,
				itemIndex,
			};
			await spec.prepare?.call(this, request);

			const deliveryKey = spec.sendsOnce ? deliveryKeyOf(this, request) : undefined;
			const delivered = deliveryKey ? deliveries.get(deliveryKey) : undefined;
			if (delivered) return delivered;

			const body = spec.pages
				? await fetchPages.call(this, request, spec.pages)
				: (await marketRequest.call(this, request)).body;
			const shaped = spec.output.call(this, body, request);
			const items = (Array.isArray(shaped) ? shaped : [shaped]).map((json) => ({
				json,
				pairedItem: { item: itemIndex },
			}));
			if (deliveryKey) remember(deliveryKey, items);
			return items;
		} catch (error) {
			if (this.continueOnFail()) {
				return [{ json: { error: error.message }, error, pairedItem: { item: itemIndex } }];
			}
			throw error;
		}
	};
}

// What this n8n process delivered lately, by execution, node run and item (see `sendsOnce`).
const deliveries = new Map<string, INodeExecutionData[]>();
const MAX_DELIVERIES = 10_000;

function remember(key: string, items: INodeExecutionData[]) {
	deliveries.set(key, items);
	// Maps iterate in insertion order: drop the oldest beyond the bound.
	for (const oldest of deliveries.keys()) {
		if (deliveries.size <= MAX_DELIVERIES) break;
		deliveries.delete(oldest);
	}
}

function deliveryKeyOf(context: IExecuteSingleFunctions, request: PreparedRequest): string {
	const itemIndex = context.getItemIndex();
	const runIndex = context.getWorkflowDataProxy(itemIndex).$runIndex;
	// A file's multipart body has a random boundary, so a file is known by what `sent` says of it.
	const payload = request.sent ?? (Buffer.isBuffer(request.body) ? undefined : request.body);
	const content = createHash('sha256')
		.update(`${request.url}?${JSON.stringify(request.qs)}`)
		.update(JSON.stringify(payload ?? null))
		.digest('hex');
	return [context.getExecutionId(), context.getNode().id, runIndex, itemIndex, content].join('|');
}

/**
 * Walks Market's `pageToken` pages, asking each time for no more than is still wanted,
 * and returns `{ entries }` with everything collected.
 */
async function fetchPages(
	this: IExecuteSingleFunctions,
	request: PreparedRequest,
	pages: NonNullable<OperationSpec['pages']>,
): Promise<IDataObject> {
	const returnAll = this.getNodeParameter('returnAll', false) as boolean;
	const wanted = returnAll ? Infinity : Math.max(1, Number(this.getNodeParameter('limit', 50)));
	const entries: IDataObject[] = [];
	let pageToken: string | undefined;
	let last: IDataObject = {};
	do {
		const qs: IDataObject = {
			...request.qs,
			limit: Math.min(pages.pageSize, wanted - entries.length),
		};
		if (pageToken) qs.pageToken = pageToken;
		last = (await marketRequest.call(this, { ...request, qs })).body;
		const page = pages.entries(last);
		entries.push(...page);
		const paging = (last.result as IDataObject | undefined)?.paging as IDataObject | undefined;
		pageToken = page.length > 0 ? (paging?.nextPageToken as string | undefined) : undefined;
	} while (pageToken && entries.length < wanted);
	return { ...last, entries: entries.slice(0, wanted) };
}
