import { NodeApiError } from 'n8n-workflow';
import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodePropertyOptions,
} from 'n8n-workflow';
import { createHash } from 'crypto';
import { attachmentSettings, withAttachments } from './attachments';
import { DEFAULT_MAX_RATE_LIMIT_WAIT_S } from './constants';
import { asNodeError, isOutcomeUnknown } from './errors';
import { isRepeatable, methodSpec, type MarketMethod } from './methods';
import { memory } from './memory';
import { inSequence } from './pacing';
import { fetchPages } from './pager';
import { marketRequest, type MarketRequest, type Sender } from './transport';
import { parseId } from './validate';

/** The request an operation is about to send, after routing filled it in. */
export interface PreparedRequest extends MarketRequest {
	businessId: number;
	qs: IDataObject;
	body?: IDataObject | Buffer;
	/** What the output should report as sent, when the body itself does not say (files). */
	sent?: IDataObject;
	/**
	 * Set by `prepare` when Market need not be called (e.g. the review is already answered):
	 * the output is built from it instead of Market's answer.
	 */
	answered?: IDataObject;
	/**
	 * Lists: the request bodies to walk one after another (date windows Market allows in one
	 * request), their entries told apart by `windows.key`. One body, the request's, by default.
	 */
	windows?: { bodies: IDataObject[]; key: (entry: IDataObject) => unknown };
}

export interface OperationSpec {
	/** Market's operation ID of the method the operation calls. */
	operationId: MarketMethod;
	/**
	 * The IDs the method takes in its query, by parameter name, with the label errors use.
	 * Read here once per item rather than through `routing.send`: n8n's RoutingNode would
	 * resolve a routed parameter twice more for every item.
	 */
	queryIds?: Record<string, string>;
	/**
	 * The target an item acts on (e.g. `review:<businessId>:<feedbackId>`), for operations whose
	 * `prepare` reads before it creates: items with the same target run one after another.
	 */
	oneAtATime?: (this: IExecuteSingleFunctions, request: PreparedRequest) => string | undefined;
	/** Checks the item's parameters and finishes the request; throws a readable error before anything is sent. */
	prepare?: (this: IExecuteSingleFunctions, request: PreparedRequest) => Promise<void> | void;
	/** For reads of messages: the Options collection offers Download Attachments (attachments.ts). */
	attachments?: boolean;
	/** Shapes Market's answer into the items the node outputs. */
	output: (
		this: IExecuteSingleFunctions,
		body: IDataObject,
		request: PreparedRequest,
	) => IDataObject | IDataObject[];
}

/** An ID parameter of the item (`field`, shown as `label`), checked before anything is sent. */
export function readId(this: IExecuteSingleFunctions, field: string, label: string): number {
	return parseId(
		this.getNode(),
		this.getItemIndex(),
		this.getNodeParameter(field, ''),
		label,
		field,
	);
}

/**
 * Skip If Already Answered, for operations whose method publishes a new entry on every call:
 * reads what is at the place (all pages, through the shared pager) and, when `earlier` finds
 * the store's own entry there, marks the request answered so that nothing is sent.
 */
export async function skipIfAnswered(
	this: IExecuteSingleFunctions,
	request: PreparedRequest,
	read: { operationId: MarketMethod; body: IDataObject },
	earlier: (entries: IDataObject[]) => IDataObject | undefined,
): Promise<void> {
	if (this.getNodeParameter('skipIfAnswered', true) === false) return;
	const { entries } = await fetchPages.call(this, {
		...request,
		...read,
		url: undefined,
		method: undefined,
		qs: {},
	});
	const found = earlier(entries);
	if (found) request.answered = { skipped: found };
}

/**
 * Who wrote an entry (a comment, a question, an answer). `author` is optional in Market's DTOs;
 * without it, an entry the store may change or delete (`canModify`) is the store's own (the
 * seller can change nothing else), and any other is taken as a buyer's: neither loops, and no
 * buyer's entry is dropped for a field Market left out.
 */
export function authorOf(entry: IDataObject): string {
	const type = (entry.author as IDataObject | undefined)?.type;
	if (typeof type === 'string' && type !== '') return type;
	return entry.canModify === true ? 'BUSINESS' : 'USER';
}

/** Whether an entry is the store's own and visible (one Market's moderation refused does not count). */
export const byStore = (entry: IDataObject): boolean =>
	authorOf(entry) === 'BUSINESS' && !['BANNED', 'DELETED'].includes(String(entry.status));

/**
 * The one entry a list method was asked for by its ID (e.g. `feedbackIds: [id]`); Market lists
 * nothing for an ID it does not have (or no longer shows), which becomes a 404 for the item.
 */
export function onlyEntry(
	this: IExecuteSingleFunctions,
	body: IDataObject,
	what: string,
	hint: string,
): IDataObject {
	const [entry] = (body.entries as IDataObject[] | undefined) ?? [];
	if (entry) return entry;
	throw new NodeApiError(
		this.getNode(),
		{ httpCode: '404' },
		{
			message: `Yandex Market has no ${what}`,
			description: hint,
			httpCode: '404',
			itemIndex: this.getItemIndex(),
		},
	);
}

/**
 * Hands the whole HTTP response (status and quota headers too) back from n8n's routing
 * request to the transport, which decides about waits, retries and errors.
 */
async function fullResponse(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	return [
		{ json: { statusCode: response.statusCode, headers: response.headers, body: response.body } },
	];
}

/**
 * An operation of the node: its option in the Operation list, the request of its Market method
 * (methods.ts) as declarative routing, and the hook below that validates, sends and shapes it.
 */
export function marketOperation(
	option: Omit<INodePropertyOptions, 'routing'>,
	spec: OperationSpec,
): INodePropertyOptions {
	const { method, path } = methodSpec(spec.operationId);
	return {
		...option,
		routing: {
			request: { method, url: path },
			send: { paginate: true },
			output: { postReceive: [fullResponse] },
			operations: { pagination: runOperation(spec) },
		},
	};
}

/**
 * The routing hook every operation declares (`routing.operations.pagination`): n8n's
 * RoutingNode builds the request from the description (parameters, credential, the node's
 * Request Options), then hands it here; the hook validates it and sends it through the
 * transport with n8n's own routing request (`makeRoutingRequest`), so that paging, item
 * pairing and errors are written once. Errors of one item stay with that item (as an
 * error item under Continue On Fail).
 */
function runOperation(spec: OperationSpec) {
	return async function (
		this: IExecutePaginationFunctions,
		requestData: DeclarativeRestApiSettings.ResultOptions,
	): Promise<INodeExecutionData[]> {
		const itemIndex = this.getItemIndex();
		const node = this.getNode();
		let deliveryKey: string | undefined;
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
			for (const [field, label] of Object.entries(spec.queryIds ?? {})) {
				const value = this.getNodeParameter(field, undefined, { extractValue: true });
				qs[field] = parseId(node, itemIndex, value, label, field);
			}
			const waitSeconds = Number(
				this.getNodeParameter('maxRateLimitWait', DEFAULT_MAX_RATE_LIMIT_WAIT_S),
			);
			const send: Sender = async (httpOptions) => {
				const [item] = await this.makeRoutingRequest({ ...requestData, options: httpOptions });
				return item.json as unknown as IN8nHttpFullResponse;
			};
			const request: PreparedRequest = {
				operationId: spec.operationId,
				method: (options.method ?? 'GET') as IHttpRequestMethods,
				url: String(options.url).replace('{businessId}', String(businessId)),
				qs,
				body: options.method === 'POST' ? { ...((options.body as IDataObject) ?? {}) } : undefined,
				businessId,
				itemIndex,
				baseOptions: options as IHttpRequestOptions,
				send,
				maxRateLimitWaitMs: Number.isFinite(waitSeconds)
					? Math.max(0, waitSeconds) * 1000
					: undefined,
			};
			// Checked before anything is sent, like the parameters `prepare` reads.
			const files = spec.attachments
				? attachmentSettings(node, this.getNodeParameter('options', {}) as IDataObject, itemIndex)
				: undefined;
			// Items of one execution for the same target (a review, a question) go one after another,
			// so that a check made in `prepare` sees what the item before it created.
			const key = spec.oneAtATime?.call(this, request);
			const body = await inSequence(key && `${key}|${this.getExecutionId()}`, async () => {
				await spec.prepare?.call(this, request);
				// Creates: when n8n retries the node (Retry On Fail), items already delivered in this
				// execution are not sent again; their earlier output is returned instead.
				deliveryKey = isRepeatable(spec.operationId) ? undefined : deliveryKeyOf(this, request);
				const earlier = deliveryKey ? deliveries.get(deliveryKey) : undefined;
				// Retry On Fail runs the node again: what went out, or may have, is not sent twice.
				// Unless `prepare` has just found it published (Skip If Already Answered): that is
				// the answer to the unknown outcome, and the item reports it.
				if (earlier instanceof Error && !request.answered) throw earlier;
				const answer = request.answered
					? request.answered
					: earlier === true
						? {}
						: methodSpec(spec.operationId).pages
							? await listEntries.call(this, request)
							: (await marketRequest.call(this, request)).body;
				if (deliveryKey) deliveries.set(deliveryKey, true);
				return answer;
			});
			const shaped = spec.output.call(this, body, request);
			const items = (Array.isArray(shaped) ? shaped : [shaped]).map((json) => ({
				json,
				pairedItem: { item: itemIndex },
			}));
			return files
				? await withAttachments.call(this, items, {
						...files,
						base: options as IHttpRequestOptions,
					})
				: items;
		} catch (error) {
			if (deliveryKey && isOutcomeUnknown(error)) deliveries.set(deliveryKey, error);
			if (this.continueOnFail()) {
				return [{ json: { error: error.message }, error, pairedItem: { item: itemIndex } }];
			}
			throw asNodeError(node, error, itemIndex);
		}
	};
}

// What this n8n process sent lately (see `sendsOnce`): `true` when delivered, the error when
// the outcome is unknown. Keys are hashes and errors are rare, so it stays small.
const { deliveries } = memory;

function runIndexOf(context: IExecuteSingleFunctions, itemIndex: number): number {
	// n8n's contexts carry it; building a data proxy only to read $runIndex costs far more.
	const own = (context as unknown as { runIndex?: unknown }).runIndex;
	return typeof own === 'number' ? own : context.getWorkflowDataProxy(itemIndex).$runIndex;
}

function deliveryKeyOf(context: IExecuteSingleFunctions, request: PreparedRequest): string {
	const itemIndex = context.getItemIndex();
	// A file's multipart body has a random boundary, so a file is known by what `sent` says of it.
	const payload = request.sent ?? (Buffer.isBuffer(request.body) ? undefined : request.body);
	const content = createHash('sha256')
		.update(`${request.url}?${JSON.stringify(request.qs)}`)
		.update(JSON.stringify(payload ?? null))
		.digest('base64');
	return [
		context.getExecutionId(),
		context.getNode().id,
		runIndexOf(context, itemIndex),
		itemIndex,
		content,
	].join('|');
}

/** A list operation's entries: all of them (Return All) or up to its Limit, as `{ entries }`. */
async function listEntries(
	this: IExecuteSingleFunctions,
	request: PreparedRequest,
): Promise<IDataObject> {
	const returnAll = this.getNodeParameter('returnAll', false) as boolean;
	const wanted = returnAll ? Infinity : Math.max(1, Number(this.getNodeParameter('limit', 50)));
	if (!request.windows) {
		const { entries, last } = await fetchPages.call(this, request, { wanted });
		return { ...last, entries };
	}
	// Windows may overlap (Market's bounds are exclusive): an entry counts once.
	const { bodies, key } = request.windows;
	const seen = new Set<unknown>();
	const entries: IDataObject[] = [];
	let last: IDataObject = {};
	// The latest window first: a Limit gets the latest entries Market has in the range.
	for (const body of [...bodies].reverse()) {
		if (entries.length >= wanted) break;
		const pages = await fetchPages.call(
			this,
			{ ...request, body },
			{
				// Pages of 50 (seams may repeat an entry); the walk ends once enough are new.
				wanted: Infinity,
				onPage: (page) => {
					for (const entry of page) {
						const id = key(entry);
						if (seen.has(id)) continue;
						seen.add(id);
						entries.push(entry);
					}
					return entries.length < wanted;
				},
			},
		);
		last = pages.last;
	}
	return { ...last, entries: entries.slice(0, wanted) };
}
