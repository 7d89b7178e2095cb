/**
 * The API coverage manifest (api-coverage.json at the repository root) against Market's
 * specs and the package:
 * - the inventory: the partner spec's chat endpoints and the notification spec's types;
 * - `checkInventory`: what the manifest is missing and what it lists that the specs no
 *   longer have;
 * - `checkClaims`: which of its claims the nodes and the credential do not back up.
 * Spec folders and the package are parameters, so tests can point them at modified copies.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
	ICredentialType,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
} from 'n8n-workflow';

import { MARKET_METHODS } from '../../nodes/YandexMarket/shared/methods';
import type { SpecOperation, SpecReader } from './openapi';

type Obj = Record<string, any>;

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const MANIFEST_FILE = path.join(REPO_ROOT, 'api-coverage.json');
const MANIFEST_NAME = 'api-coverage.json';

export type Status = 'covered' | 'gap' | 'excluded';

/**
 * What a user can choose for an endpoint or a notification type:
 * - `{ node, operation: "resource:operation" }`: an operation of an action node;
 * - `{ node, event }`: an event of a trigger's Events list;
 * - `{ node, listSearch, source }`: a "From List" search of a node's parameter;
 * - `{ credential, test: true }`: the credential's Test.
 */
export interface Offer {
	node?: string;
	operation?: string;
	event?: string;
	listSearch?: string;
	source?: string;
	credential?: string;
	test?: boolean;
}

/** Where a node calls an endpoint on its own (no parameter of its own for it). */
export interface InternalUse {
	node: string;
	source: string;
	note: string;
}

interface Entry {
	status: Status;
	coveredBy?: Offer[];
	usedBy?: InternalUse[];
	note?: string;
	reason?: string;
}

export interface EndpointEntry extends Entry {
	operationId: string;
}

export interface NotificationEntry extends Entry {
	/** The DTO SendNotificationRequest maps the type to, without .yaml. */
	schema: string;
}

export interface Manifest {
	partnerApi: { spec: string; endpoints: Record<string, EndpointEntry> };
	notificationApi: { spec: string; types: Record<string, NotificationEntry> };
}

export function loadManifest(file: string = MANIFEST_FILE): Manifest {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
}

/** What the manifest is checked against besides the specs. */
export interface PackageUnderTest {
	nodes: INodeType[];
	credentials: ICredentialType[];
	/** Operation IDs of every Market method the package calls (shared/constants.ts). */
	calledOperationIds: string[];
	/** Where `source` paths are relative to. */
	root: string;
}

export interface ChatEndpoint {
	key: string;
	operationId?: string;
	/** Why it counts as a chat endpoint. */
	why: string[];
}

const CHAT_PATH_FILE = /^v2_businesses_businessId_chat.*\.yaml$/;
const CHAT_TAGS = ['chats', 'Чаты'];

export function endpointKey(op: { method: string; path: string }): string {
	return `${op.method.toUpperCase()} ${op.path}`;
}

/** The spec's chat endpoints: by path file name, by tag, or by an operationId with "chat". */
export function chatEndpoints(partner: SpecReader): ChatEndpoint[] {
	const out: ChatEndpoint[] = [];
	for (const op of partner.operations()) {
		const why: string[] = [];
		const base = path.basename(op.file);
		if (CHAT_PATH_FILE.test(base)) why.push(`path file paths/${base}`);
		const tag = op.tags.find((t) => CHAT_TAGS.includes(t));
		if (tag) why.push(`tag ${tag}`);
		if (op.operationId && /chat/i.test(op.operationId)) why.push(`operationId ${op.operationId}`);
		if (why.length) out.push({ key: endpointKey(op), operationId: op.operationId, why });
	}
	return out;
}

/**
 * The spec's notification types, each with the DTO the request schema maps it to: the
 * NotificationType enum and SendNotificationRequest's discriminator mapping together (a type
 * in only one of them is still a type; its entry then shows `schema` undefined). Found by
 * following the refs from POST /notification's request body, not by file names.
 */
export function notificationTypes(notification: SpecReader): Map<string, string | undefined> {
	const types = new Map<string, string | undefined>();
	for (const op of notification.operations()) {
		if (!op.def.requestBody) continue;
		const body = notification.deref(op.def.requestBody, op.file);
		const media = body.node.content?.['application/json'];
		if (!media?.schema) continue;
		const request = notification.deref(media.schema, body.file);
		const typeProp = request.node.properties?.notificationType;
		if (typeProp) {
			const values = notification.deref(typeProp, request.file).node.enum;
			for (const t of Array.isArray(values) ? values : [])
				if (!types.has(t)) types.set(t, undefined);
		}
		const mapping: Obj = request.node.discriminator?.mapping ?? {};
		for (const [t, ref] of Object.entries(mapping)) {
			types.set(t, path.basename(String(ref)).replace(/\.ya?ml$/, ''));
		}
	}
	return types;
}

/** Something the manifest should list and does not, with an entry to start from. */
export interface MissingEntry {
	section: 'partnerApi.endpoints' | 'notificationApi.types';
	key: string;
	/** Why it belongs in the manifest. */
	why: string[];
	template: EndpointEntry | NotificationEntry;
}

export interface CoverageReport {
	/** In the specs (or called by the package), not in the manifest. */
	missing: MissingEntry[];
	/** In the manifest, not in the specs. */
	stale: string[];
	/** Entries whose claims do not hold. */
	wrong: string[];
}

function nodeByName(pkg: PackageUnderTest, name: string): INodeType | undefined {
	return pkg.nodes.find((n) => n.description.name === name);
}

function optionsOf(prop: INodeProperties | undefined): INodePropertyOptions[] {
	return ((prop?.options ?? []) as INodePropertyOptions[]).filter((o) => 'value' in o);
}

/** The option of resource:operation in an action node's description, or why there is none. */
function findOperation(node: INodeType, ref: string): INodePropertyOptions | string {
	const [resource, operation] = ref.split(':');
	const props = node.description.properties;
	const resources = optionsOf(props.find((p) => p.name === 'resource'));
	if (!resources.some((o) => o.value === resource))
		return `has no resource "${resource}" (resources: ${resources.map((o) => o.value).join(', ') || 'none'})`;
	const operations = props
		.filter((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource))
		.flatMap(optionsOf);
	const option = operations.find((o) => o.value === operation);
	return (
		option ??
		`has no operation "${operation}" for resource "${resource}" (operations: ${operations.map((o) => o.value).join(', ')})`
	);
}

/** Every `searchListMethod` a node's parameters name, at any depth. */
function searchListMethods(value: unknown, out = new Set<string>()): Set<string> {
	if (Array.isArray(value)) value.forEach((v) => searchListMethods(v, out));
	else if (typeof value === 'object' && value !== null) {
		for (const [k, v] of Object.entries(value)) {
			if (k === 'searchListMethod' && typeof v === 'string') out.add(v);
			else searchListMethods(v, out);
		}
	}
	return out;
}

/**
 * Whether a source file sends this request: the file names the operation ID as a string
 * literal (the transport is always told which method it calls), and the package's descriptor
 * of that method (nodes/YandexMarket/shared/methods.ts) has this path, from which the
 * transport builds the request.
 */
function sourceCalls(
	root: string,
	source: string,
	operationId: string,
	urlPath: string,
	method: string,
): string | undefined {
	const file = path.join(root, source);
	if (!fs.existsSync(file)) return `${source} does not exist`;
	const text = fs.readFileSync(file, 'utf8');
	if (!text.includes(`'${operationId}'`)) return `${source} does not name '${operationId}'`;
	const described = (MARKET_METHODS as Record<string, { method: string; path: string }>)[
		operationId
	];
	if (!described) return `${operationId} has no descriptor in shared/methods.ts`;
	if (described.path !== urlPath || described.method !== method)
		return `${source}: ${operationId} is described as ${described.method} ${described.path}, not ${method} ${urlPath}`;
	return undefined;
}

function checkStatus(where: string, entry: Entry, wrong: string[]): void {
	if (entry.status === 'covered') {
		if (!entry.coveredBy?.length) wrong.push(`${where}: covered, but coveredBy is empty`);
	} else if (entry.status === 'gap') {
		if (!entry.note) wrong.push(`${where}: a gap needs a note saying what is missing`);
		if (entry.coveredBy?.length) wrong.push(`${where}: a gap cannot be coveredBy anything`);
	} else if (entry.status === 'excluded') {
		if (!entry.reason) wrong.push(`${where}: excluded needs a reason`);
		if (entry.coveredBy?.length) wrong.push(`${where}: excluded cannot be coveredBy anything`);
	} else {
		wrong.push(`${where}: status must be covered, gap or excluded; got ${String(entry.status)}`);
	}
}

function checkUsedBy(
	where: string,
	uses: InternalUse[],
	operationId: string,
	urlPath: string,
	pkg: PackageUnderTest,
	wrong: string[],
): void {
	for (const use of uses) {
		if (!nodeByName(pkg, use.node)) wrong.push(`${where}: usedBy names no node ${use.node}`);
		const problem = sourceCalls(pkg.root, use.source, operationId, urlPath, parseKey(where).method);
		if (problem) wrong.push(`${where}: usedBy ${use.node}: ${problem}`);
	}
}

/** One offer of an endpoint entry: does the package really offer this request there? */
function checkEndpointOffer(
	offer: Offer,
	spec: { method: string; path: string; operationId: string },
	pkg: PackageUnderTest,
): string | undefined {
	if (offer.credential) {
		const credential = pkg.credentials.find((c) => c.name === offer.credential);
		if (!credential) return `names no credential ${offer.credential}`;
		if (!offer.test) return `credential ${offer.credential}: only its test can cover an endpoint`;
		const request = credential.test?.request;
		if (!request) return `credential ${offer.credential} has no test request`;
		const method = String(request.method ?? 'GET').toUpperCase();
		return method === spec.method && request.url === spec.path
			? undefined
			: `credential ${offer.credential}'s test sends ${method} ${String(request.url)}, not ${spec.method} ${spec.path}`;
	}
	const node = offer.node ? nodeByName(pkg, offer.node) : undefined;
	if (!node) return `names no node ${String(offer.node)}`;
	if (offer.operation) {
		const option = findOperation(node, offer.operation);
		if (typeof option === 'string') return `${offer.node} ${option}`;
		const request = option.routing?.request;
		const method = String(request?.method ?? 'GET').toUpperCase();
		return method === spec.method && request?.url === spec.path
			? undefined
			: `${offer.node} ${offer.operation} sends ${method} ${String(request?.url)}, not ${spec.method} ${spec.path}`;
	}
	if (offer.listSearch) {
		const fn = (node.methods?.listSearch as Obj | undefined)?.[offer.listSearch];
		if (typeof fn !== 'function')
			return `${offer.node} has no listSearch method ${offer.listSearch}`;
		if (!searchListMethods(node.description.properties).has(offer.listSearch))
			return `no parameter of ${offer.node} uses the list search ${offer.listSearch}`;
		if (!offer.source) return `listSearch ${offer.listSearch} needs its source file`;
		return sourceCalls(pkg.root, offer.source, spec.operationId, spec.path, spec.method);
	}
	return 'says neither operation, listSearch nor credential test';
}

/** "POST /v2/…" → method and path. */
function parseKey(key: string): { method: string; path: string } {
	const space = key.indexOf(' ');
	return { method: key.slice(0, space).toUpperCase(), path: key.slice(space + 1) };
}

/**
 * The manifest's claims about the package, which need no spec: statuses, and that every
 * offer and internal use it names exists and sends the entry's request (or offers its event).
 */
export function checkClaims(manifest: Manifest, pkg: PackageUnderTest): string[] {
	const wrong: string[] = [];
	for (const [key, entry] of Object.entries(manifest.partnerApi.endpoints)) {
		checkStatus(key, entry, wrong);
		const spec = { ...parseKey(key), operationId: entry.operationId };
		for (const offer of entry.coveredBy ?? []) {
			const problem = checkEndpointOffer(offer, spec, pkg);
			if (problem) wrong.push(`${key}: coveredBy ${problem}`);
		}
		checkUsedBy(key, entry.usedBy ?? [], entry.operationId, spec.path, pkg, wrong);
	}
	for (const [type, entry] of Object.entries(manifest.notificationApi.types)) {
		const where = `notification type ${type}`;
		checkStatus(where, entry, wrong);
		for (const offer of entry.coveredBy ?? []) {
			const node = offer.node ? nodeByName(pkg, offer.node) : undefined;
			if (!node) {
				wrong.push(`${where}: coveredBy names no node ${String(offer.node)}`);
				continue;
			}
			if (offer.event !== type) {
				wrong.push(`${where}: coveredBy must name the event ${type}; got ${String(offer.event)}`);
				continue;
			}
			const events = optionsOf(node.description.properties.find((p) => p.name === 'events'));
			if (!events.some((o) => o.value === type))
				wrong.push(`${where}: ${offer.node}'s Events list does not offer ${type}`);
		}
	}
	return wrong;
}

/** The manifest against the specs: what it is missing, what they no longer have, what it misnames. */
export function checkInventory(
	manifest: Manifest,
	specs: { partner: SpecReader; notification: SpecReader },
	pkg: Pick<PackageUnderTest, 'calledOperationIds'>,
): CoverageReport {
	const missing: MissingEntry[] = [];
	const todo = {
		status: 'gap' as const,
		note: 'TODO: what is missing (or mark it covered/excluded)',
	};
	const missingEndpoint = (op: SpecOperation, why: string) => {
		const key = endpointKey(op);
		const known = missing.find((m) => m.key === key);
		if (known) known.why.push(why);
		else
			missing.push({
				section: 'partnerApi.endpoints',
				key,
				why: [why],
				template: { operationId: op.operationId ?? '', ...todo },
			});
	};
	const stale: string[] = [];
	const wrong: string[] = [];

	const operations = new Map<string, SpecOperation>(
		specs.partner.operations().map((op) => [endpointKey(op), op]),
	);
	const byOperationId = new Map(
		[...operations.values()].filter((op) => op.operationId).map((op) => [op.operationId!, op]),
	);
	const endpoints = manifest.partnerApi.endpoints;
	for (const chat of chatEndpoints(specs.partner)) {
		if (!endpoints[chat.key]) missingEndpoint(operations.get(chat.key)!, chat.why.join(', '));
	}
	for (const id of pkg.calledOperationIds) {
		const op = byOperationId.get(id);
		if (!op) wrong.push(`the package calls ${id}, which the partner spec does not have`);
		else if (!endpoints[endpointKey(op)]) missingEndpoint(op, `the package calls ${id}`);
	}
	for (const [key, entry] of Object.entries(endpoints)) {
		const op = operations.get(key);
		if (!op) stale.push(`${key} (${entry.operationId})`);
		else if (op.operationId !== entry.operationId)
			wrong.push(
				`${key}: operationId is ${String(op.operationId)} in the spec, not ${entry.operationId}`,
			);
	}

	const types = notificationTypes(specs.notification);
	const listed = manifest.notificationApi.types;
	for (const [type, schema] of types) {
		if (!listed[type])
			missing.push({
				section: 'notificationApi.types',
				key: type,
				why: [schema ? `DTO ${schema}` : 'in NotificationType, no DTO in the mapping'],
				template: { schema: schema ?? '', ...todo },
			});
	}
	for (const [type, entry] of Object.entries(listed)) {
		if (!types.has(type)) stale.push(`notification type ${type}`);
		else if (types.get(type) !== entry.schema)
			wrong.push(
				`notification type ${type}: schema is ${String(types.get(type))} in the spec, not ${entry.schema}`,
			);
	}
	return { missing, stale, wrong };
}

/** Entries by status, for the README. */
export function countByStatus(manifest: Manifest): Record<Status, number> {
	const counts: Record<Status, number> = { covered: 0, gap: 0, excluded: 0 };
	for (const entry of [
		...Object.values(manifest.partnerApi.endpoints),
		...Object.values(manifest.notificationApi.types),
	])
		counts[entry.status]++;
	return counts;
}

/** One line per missing entry: what it is and why it belongs in the manifest. */
export function describeMissing(m: MissingEntry): string {
	return `${m.section}: ${m.key} (${m.why.join('; ')})`;
}

/** What to do about each kind of finding: the test's failure message. */
export function explain(report: CoverageReport): string {
	const parts: string[] = [];
	if (report.missing.length)
		parts.push(
			[
				`Not in ${MANIFEST_NAME} yet:`,
				...report.missing.map((m) => `  - ${describeMissing(m)}`),
				`Add each to its section of ${MANIFEST_NAME}, starting from:`,
				...report.missing.map((m) => `  ${JSON.stringify(m.key)}: ${JSON.stringify(m.template)}`),
				`"covered" needs coveredBy: { node, operation: "resource:operation" }, { node, event },`,
				`{ node, listSearch, source } or { credential, test: true }; "excluded" needs a reason.`,
			].join('\n'),
		);
	if (report.stale.length)
		parts.push(
			[
				`In ${MANIFEST_NAME}, but the spec no longer has them (remove them, or fix the key):`,
				...report.stale.map((s) => `  - ${s}`),
			].join('\n'),
		);
	if (report.wrong.length)
		parts.push(
			[
				`Entries of ${MANIFEST_NAME} that do not hold:`,
				...report.wrong.map((w) => `  - ${w}`),
			].join('\n'),
		);
	return parts.join('\n\n');
}
