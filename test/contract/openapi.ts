/**
 * OpenAPI contract checker for recorded HTTP exchanges (see RecordedRequest in
 * ../simulator/server.ts): does a request match an operation of the official
 * Yandex Market Partner API spec, and does the response match what the spec
 * declares for that operation and status?
 *
 * The spec is a tree of YAML files with relative `$ref`s. Files are loaded on
 * demand; every schema file is registered in Ajv under its absolute file URL as
 * `$id`, with relative refs rewritten to absolute ones, so refs across files and
 * recursive refs resolve naturally. OpenAPI 3.0 specifics handled on the way:
 * `nullable`, boolean `exclusiveMinimum/Maximum`, formats int32/int64/binary…,
 * `x-aliases` of query parameters.
 *
 * Messages read like `POST /v2/businesses/1001/chats: query.limit must be <= 20`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as yaml from 'js-yaml';

import {
	multipartBoundary,
	parseMultipart,
	type MultipartPart,
	type RecordedRequest,
} from '../simulator/server';
import { PARTNER_SPEC_DIR } from './specs';

/** The partner API's spec folder (holds openapi.yaml); see specs.js for YM_OPENAPI_ROOT. */
export const SPEC_DIR: string = PARTNER_SPEC_DIR;

export interface Contract {
	validateRequest(r: RecordedRequest): string[];
	validateResponse(r: RecordedRequest): string[];
	/** Request and response errors together. */
	validateExchange(r: RecordedRequest): string[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = Record<string, any>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
	operationId: string;
	method: string;
	template: string;
	/** File the operation (path item) lives in; relative refs resolve against it. */
	file: string;
	def: Obj;
	/** Path-level + operation-level parameters, $refs resolved, with their files. */
	parameters: { param: Obj; file: string }[];
}

interface PathEntry {
	template: string;
	regex: RegExp;
	names: string[];
	/** Count of literal characters: the most specific template wins. */
	literal: number;
	ref: string;
}

class SpecLoader {
	private readonly docs = new Map<string, Json>();
	private readonly registered = new Set<string>();
	private readonly validators = new Map<string, ValidateFunction>();
	readonly ajv: Ajv;

	constructor(readonly dir: string) {
		this.ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
		addFormats(this.ajv);
		const anyString = { type: 'string', validate: () => true } as const;
		this.ajv.addFormat('int32', {
			type: 'number',
			validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647,
		});
		this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
		this.ajv.addFormat('float', { type: 'number', validate: () => true });
		this.ajv.addFormat('double', { type: 'number', validate: () => true });
		this.ajv.addFormat('binary', anyString);
		this.ajv.addFormat('byte', {
			type: 'string',
			validate: (s: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(s),
		});
		this.ajv.addFormat('date-dd-MM-yyyy', {
			type: 'string',
			validate: (s: string) => /^\d{2}-\d{2}-\d{4}$/.test(s),
		});
		this.ajv.addFormat('date-dd-MM-yyyy-HH-mm-ss', {
			type: 'string',
			validate: (s: string) => /^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$/.test(s),
		});
		// The spec's `time` values are local times like "09:00" (no offset).
		this.ajv.addFormat('time', {
			type: 'string',
			validate: (s: string) => /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$/.test(s),
		});
	}

	/** Parsed YAML of a spec file (absolute path), cached. */
	load(file: string): Json {
		let doc = this.docs.get(file);
		if (doc === undefined) {
			doc = yaml.load(fs.readFileSync(file, 'utf8')) as Json;
			this.docs.set(file, doc);
		}
		return doc;
	}

	/** Absolute file and fragment a `$ref` (relative to `fromFile`) points to. */
	target(ref: string, fromFile: string): { file: string; pointer: string } {
		const hash = ref.indexOf('#');
		const rel = hash < 0 ? ref : ref.slice(0, hash);
		const pointer = hash < 0 ? '' : ref.slice(hash + 1);
		return { file: rel ? path.resolve(path.dirname(fromFile), rel) : fromFile, pointer };
	}

	/** Follows `$ref`s (non-schema objects: path items, parameters, responses…). */
	deref(node: Json, file: string): { node: Obj; file: string } {
		let cur: Json = node;
		let curFile = file;
		for (let hops = 0; isObj(cur) && typeof (cur as Obj).$ref === 'string'; hops++) {
			if (hops > 50) throw new Error(`$ref loop at ${curFile}`);
			const t = this.target((cur as Obj).$ref, curFile);
			cur = jsonPointer(this.load(t.file), t.pointer);
			curFile = t.file;
		}
		return { node: (cur ?? {}) as Obj, file: curFile };
	}

	/**
	 * Converts an OpenAPI 3.0 schema (found in `file`) to a JSON Schema for Ajv:
	 * refs become absolute file URLs (their files get registered), `nullable` and
	 * boolean exclusive bounds are translated.
	 */
	convert(schema: Json, file: string, pending: Set<string>): Json {
		if (Array.isArray(schema)) return schema.map((s) => this.convert(s, file, pending));
		if (!isObj(schema)) return schema;
		const out: Obj = {};
		for (const [k, v] of Object.entries(schema)) {
			if (k === '$ref' && typeof v === 'string') {
				const t = this.target(v, file);
				pending.add(t.file);
				out.$ref = fileId(t.file) + (t.pointer ? '#' + t.pointer : '');
			} else if (
				k === 'properties' ||
				k === 'patternProperties' ||
				k === 'definitions' ||
				k === '$defs'
			) {
				// Maps of name → schema: keys are names, not keywords.
				out[k] = isObj(v)
					? Object.fromEntries(
							Object.entries(v).map(([name, s]) => [name, this.convert(s, file, pending)]),
						)
					: v;
			} else if (k === 'example' || k === 'examples' || k === 'description' || k.startsWith('x-')) {
				// Documentation only.
			} else {
				out[k] = this.convert(v, file, pending);
			}
		}
		for (const bound of ['Minimum', 'Maximum'] as const) {
			const ex = `exclusive${bound}`;
			if (out[ex] === true && typeof out[bound.toLowerCase()] === 'number') {
				out[ex] = out[bound.toLowerCase()];
				delete out[bound.toLowerCase()];
			} else if (out[ex] === false) {
				delete out[ex];
			}
		}
		if (out.nullable === true) {
			delete out.nullable;
			if (typeof out.type === 'string' && out.$ref === undefined) {
				out.type = [out.type, 'null'];
				if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
				return out;
			}
			return { anyOf: [out, { type: 'null' }] };
		}
		delete out.nullable;
		return out;
	}

	/** Registers schema files (and everything they reference) in Ajv. */
	register(files: Set<string>): void {
		const queue = [...files];
		while (queue.length) {
			const file = queue.pop()!;
			if (this.registered.has(file)) continue;
			this.registered.add(file);
			const pending = new Set<string>();
			const schema = this.convert(this.load(file), file, pending) as Obj;
			this.ajv.addSchema({ ...schema, $id: fileId(file) });
			for (const f of pending) if (!this.registered.has(f)) queue.push(f);
		}
	}

	/** A compiled validator for an inline schema found in `file`; cached by `key`. */
	validator(key: string, schema: Json, file: string): ValidateFunction {
		let v = this.validators.get(key);
		if (!v) {
			const pending = new Set<string>();
			const converted = this.convert(schema, file, pending);
			this.register(pending);
			v = this.ajv.compile(isObj(converted) ? converted : {});
			this.validators.set(key, v);
		}
		return v;
	}

	/** Follows $refs of a schema to read its structure (type, properties) in JS. */
	schemaShape(schema: Json, file: string): { node: Obj; file: string } {
		return this.deref(schema, file);
	}
}

function isObj(v: unknown): v is Obj {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fileId(file: string): string {
	return pathToFileURL(file).href;
}

function jsonPointer(doc: Json, pointer: string): Json {
	if (!pointer || pointer === '/') return doc;
	let cur: Json = doc;
	for (const raw of pointer.replace(/^\//, '').split('/')) {
		const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
		cur = isObj(cur) || Array.isArray(cur) ? ((cur as Obj)[key] as Json) : null;
	}
	return cur;
}

/** `/result/chats/0/status` → `result.chats[0].status`. */
function dotted(base: string, instancePath: string): string {
	let out = base;
	for (const seg of instancePath.split('/').slice(1)) {
		const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
		out += /^\d+$/.test(key) ? `[${key}]` : out ? `.${key}` : key;
	}
	return out;
}

function formatAjvErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
	const out: string[] = [];
	for (const e of errors ?? []) {
		let msg = e.message ?? 'is invalid';
		if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
			msg += ` (${e.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')})`;
		} else if (e.keyword === 'additionalProperties') {
			msg += ` (${e.params.additionalProperty})`;
		} else if (e.keyword === 'type' && e.params.type) {
			// Ajv already says "must be integer"; nothing to add.
		}
		out.push(`${dotted(where, e.instancePath)} ${msg}`.trim());
	}
	// anyOf/allOf produce repeats; keep each once.
	return [...new Set(out)];
}

function mediaType(contentType: string | undefined): string {
	return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function isJson(mt: string): boolean {
	return mt === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mt);
}

/** Picks the content entry of a `content` map for a media type (exact, then wildcards). */
function pickContent(content: Obj, mt: string): Obj | undefined {
	if (content[mt]) return content[mt];
	const [type] = mt.split('/');
	return content[`${type}/*`] ?? content['*/*'];
}

/** Turns a query/path/header string into the parameter schema's type. */
function coerce(raw: string, shape: Obj): unknown {
	const type = Array.isArray(shape.type)
		? shape.type.find((t: string) => t !== 'null')
		: shape.type;
	switch (type) {
		case 'integer':
			return /^-?\d+$/.test(raw) ? Number(raw) : raw;
		case 'number':
			return raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
		case 'boolean':
			return raw === 'true' ? true : raw === 'false' ? false : raw;
		case 'array':
			return raw === '' ? [] : raw.split(',');
		default:
			return raw;
	}
}

class OpenApiContract implements Contract {
	private readonly loader: SpecLoader;
	private readonly paths: PathEntry[];
	private readonly rootFile: string;
	private readonly rootSecurity: Obj[];
	private readonly operations = new Map<string, Operation | null>();

	constructor(dir: string) {
		this.loader = new SpecLoader(dir);
		this.rootFile = path.join(dir, 'openapi.yaml');
		const root = this.loader.load(this.rootFile) as Obj;
		this.rootSecurity = Array.isArray(root.security) ? root.security : [];
		this.paths = Object.entries((root.paths ?? {}) as Obj).map(([template, item]) => {
			const names: string[] = [];
			const source = template
				.split(/(\{[^}]+\})/)
				.map((part) => {
					const m = /^\{([^}]+)\}$/.exec(part);
					if (m) {
						names.push(m[1]);
						return '([^/]+)';
					}
					return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
				})
				.join('');
			return {
				template,
				regex: new RegExp(`^${source}$`),
				names,
				literal: template.replace(/\{[^}]+\}/g, '').length,
				ref: isObj(item) && typeof item.$ref === 'string' ? item.$ref : '',
			};
		});
	}

	/** The spec operation for a method + path, with the path parameters' raw values. */
	private match(
		method: string,
		urlPath: string,
	): { op: Operation; pathValues: Record<string, string> } | null {
		const candidates = this.paths
			.filter((p) => p.regex.test(urlPath))
			.sort((a, b) => b.literal - a.literal);
		for (const entry of candidates) {
			const op = this.operation(entry, method.toLowerCase());
			if (!op) continue;
			const m = entry.regex.exec(urlPath)!;
			const pathValues: Record<string, string> = {};
			entry.names.forEach((name, i) => {
				try {
					pathValues[name] = decodeURIComponent(m[i + 1]);
				} catch {
					pathValues[name] = m[i + 1];
				}
			});
			return { op, pathValues };
		}
		return null;
	}

	private operation(entry: PathEntry, method: string): Operation | null {
		const key = `${method} ${entry.template}`;
		if (this.operations.has(key)) return this.operations.get(key)!;
		let result: Operation | null = null;
		if (HTTP_METHODS.includes(method)) {
			const rootPaths = (this.loader.load(this.rootFile) as Obj).paths as Obj;
			const { node: item, file } = this.loader.deref(rootPaths[entry.template], this.rootFile);
			const def = item[method];
			if (isObj(def)) {
				const params = new Map<string, { param: Obj; file: string }>();
				for (const raw of [...(item.parameters ?? []), ...(def.parameters ?? [])]) {
					const { node, file: pf } = this.loader.deref(raw, file);
					params.set(`${node.in}:${node.name}`, { param: node, file: pf });
				}
				result = {
					operationId: def.operationId ?? `${method.toUpperCase()} ${entry.template}`,
					method,
					template: entry.template,
					file,
					def,
					parameters: [...params.values()],
				};
			}
		}
		this.operations.set(key, result);
		return result;
	}

	validateRequest(r: RecordedRequest): string[] {
		const prefix = `${r.method} ${r.path}`;
		const matched = this.match(r.method, r.path);
		if (!matched) return [`${prefix}: no operation in the spec for ${r.method} ${r.path}`];
		const { op, pathValues } = matched;
		const errors: string[] = [];
		const err = (m: string) => errors.push(`${prefix}: ${m}`);

		// Parameters.
		const knownQuery = new Set<string>();
		for (const { param, file } of op.parameters) {
			const where = `${param.in}.${param.name}`;
			let raw: string | undefined;
			if (param.in === 'path') raw = pathValues[param.name];
			else if (param.in === 'query') {
				const names: string[] = [
					...new Set<string>([
						param.name,
						...(Array.isArray(param['x-aliases']) ? param['x-aliases'] : []),
					]),
				];
				names.forEach((n) => knownQuery.add(n));
				const present = names.filter((n) => r.query[n] !== undefined);
				if (present.length > 1)
					err(`query has both ${present.join(' and ')} (aliases of ${param.name})`);
				raw = present.length ? r.query[present[0]] : undefined;
			} else if (param.in === 'header') raw = r.headers[String(param.name).toLowerCase()];
			else continue; // cookies: not used by this API
			if (raw === undefined) {
				if (param.required) err(`${where} is required`);
				continue;
			}
			if (!param.schema) continue;
			const shape = this.loader.schemaShape(param.schema, file).node;
			const value = coerce(raw, shape);
			const v = this.loader.validator(`param ${op.file} ${where}`, param.schema, file);
			if (!v(value)) formatAjvErrors(where, v.errors).forEach(err);
		}
		for (const name of Object.keys(r.query)) {
			if (!knownQuery.has(name)) err(`query.${name} is not a parameter of ${op.operationId}`);
		}

		// Security: every scheme of this API is a header (Api-Key, or OAuth's Authorization).
		const security: Obj[] = Array.isArray(op.def.security) ? op.def.security : this.rootSecurity;
		if (security.length > 0 && !security.some((s) => Object.keys(s).length === 0)) {
			if (!r.headers['api-key'] && !r.headers.authorization) {
				err('header Api-Key is missing (the operation requires ApiKey or OAuth authorization)');
			}
		}

		// Body.
		const { node: body, file: bodyFile } = op.def.requestBody
			? this.loader.deref(op.def.requestBody, op.file)
			: { node: undefined as Obj | undefined, file: op.file };
		if (!body) {
			if (r.rawBody.length > 0 && op.method === 'get') err('GET request has a body');
			return errors;
		}
		if (r.rawBody.length === 0) {
			if (body.required) err('body is required');
			return errors;
		}
		const contentType = r.headers['content-type'];
		const mt = mediaType(contentType);
		const content = isObj(body.content) ? body.content : {};
		const media = pickContent(content, mt);
		if (!media) {
			err(
				`Content-Type '${contentType ?? ''}' is not accepted (expected ${Object.keys(content).join(', ')})`,
			);
			return errors;
		}
		if (!media.schema) return errors;
		const validate = this.loader.validator(
			`body ${op.file} ${op.method} ${mt}`,
			media.schema,
			bodyFile,
		);
		if (isJson(mt)) {
			let value = r.json;
			if (value === undefined) {
				try {
					value = JSON.parse(r.rawBody.toString('utf8'));
				} catch (e) {
					err(`body is not valid JSON (${(e as Error).message})`);
					return errors;
				}
			}
			if (!validate(value)) formatAjvErrors('body', validate.errors).forEach(err);
		} else if (mt === 'multipart/form-data' || mt === 'application/x-www-form-urlencoded') {
			let parts: MultipartPart[] | undefined = r.multipart;
			if (!parts && mt === 'multipart/form-data') {
				const boundary = multipartBoundary(contentType);
				if (!boundary) {
					err('multipart/form-data Content-Type has no boundary');
					return errors;
				}
				try {
					parts = parseMultipart(r.rawBody, boundary);
				} catch (e) {
					err(`body is not valid multipart/form-data (${(e as Error).message})`);
					return errors;
				}
			}
			if (!parts) {
				parts = [...new URLSearchParams(r.rawBody.toString('utf8'))].map(([name, v]) => ({
					name,
					data: Buffer.from(v, 'utf8'),
				}));
			}
			const shape = this.loader.schemaShape(media.schema, bodyFile);
			const props: Obj = isObj(shape.node.properties) ? shape.node.properties : {};
			const value: Obj = {};
			for (const part of parts) {
				const prop = props[part.name]
					? this.loader.schemaShape(props[part.name], shape.file).node
					: undefined;
				if (prop && prop.format === 'binary') {
					if (part.filename === undefined)
						err(`body.${part.name} must be a file part (Content-Disposition with a filename)`);
					value[part.name] = `<${part.data.length} bytes>`;
				} else {
					value[part.name] = prop
						? coerce(part.data.toString('utf8'), prop)
						: part.data.toString('utf8');
				}
			}
			if (!validate(value)) formatAjvErrors('body', validate.errors).forEach(err);
		}
		return errors;
	}

	validateResponse(r: RecordedRequest): string[] {
		const prefix = `${r.method} ${r.path}`;
		const where = `response ${r.status}`;
		const matched = this.match(r.method, r.path);
		if (!matched) {
			// No operation: the only sensible answer is a 404 in the API's error envelope.
			if (r.status !== 404)
				return [`${prefix}: ${where} for a path/method the spec doesn't have (expected 404)`];
			const v = this.loader.validator(
				'ApiErrorResponse',
				{ $ref: 'components/schemas/ApiErrorResponse.yaml' },
				this.rootFile,
			);
			return v(r.responseBody)
				? []
				: formatAjvErrors(`${where} body`, v.errors).map((m) => `${prefix}: ${m}`);
		}
		const { op } = matched;
		const responses: Obj = isObj(op.def.responses) ? op.def.responses : {};
		const key = [String(r.status), `${String(r.status)[0]}XX`, 'default'].find(
			(k) => responses[k] !== undefined,
		);
		if (!key) {
			return [
				`${prefix}: ${where} is not declared for ${op.operationId} (declared: ${Object.keys(responses).join(', ')})`,
			];
		}
		const { node: resp, file } = this.loader.deref(responses[key], op.file);
		const content: Obj = isObj(resp.content) ? resp.content : {};
		const hasBody =
			r.responseBody !== undefined &&
			r.responseBody !== '' &&
			!(Buffer.isBuffer(r.responseBody) && r.responseBody.length === 0);
		if (Object.keys(content).length === 0) {
			return hasBody ? [`${prefix}: ${where} must have no body for ${op.operationId}`] : [];
		}
		const contentType = r.responseHeaders['content-type'];
		const mt = mediaType(contentType);
		const media = pickContent(content, mt);
		if (!media) {
			return [
				`${prefix}: ${where} Content-Type '${contentType ?? ''}' is not declared (expected ${Object.keys(content).join(', ')})`,
			];
		}
		if (!media.schema || !isJson(mt)) return [];
		let body = r.responseBody;
		if (Buffer.isBuffer(body) || typeof body === 'string') {
			try {
				body = JSON.parse(body.toString());
			} catch {
				return [`${prefix}: ${where} body is not valid JSON`];
			}
		}
		const v = this.loader.validator(
			`response ${op.file} ${op.method} ${key} ${mt}`,
			media.schema,
			file,
		);
		return v(body) ? [] : formatAjvErrors(`${where} body`, v.errors).map((m) => `${prefix}: ${m}`);
	}

	validateExchange(r: RecordedRequest): string[] {
		return [...this.validateRequest(r), ...this.validateResponse(r)];
	}
}

const contracts = new Map<string, Contract>();

/** Loads (once per folder) the contract from the spec folder. Throws if the folder has no openapi.yaml. */
export function loadContract(specDir: string = SPEC_DIR): Contract {
	const dir = path.resolve(specDir);
	let c = contracts.get(dir);
	if (!c) {
		if (!fs.existsSync(path.join(dir, 'openapi.yaml'))) {
			throw new Error(`OpenAPI spec not found: ${path.join(dir, 'openapi.yaml')}`);
		}
		c = new OpenApiContract(dir);
		contracts.set(dir, c);
	}
	return c;
}

/** One operation as a spec's openapi.yaml lists it. */
export interface SpecOperation {
	/** Upper case: GET, POST… */
	method: string;
	/** The path template as the spec writes it, e.g. /v2/businesses/{businessId}/chats. */
	path: string;
	operationId?: string;
	tags: string[];
	/** Absolute path of the file the path item lives in (refs in `def` resolve against it). */
	file: string;
	def: Obj;
}

/** Read access to a spec folder, for inventories of what it offers (see coverage.ts). */
export interface SpecReader {
	readonly dir: string;
	readonly rootFile: string;
	operations(): SpecOperation[];
	/** Follows `$ref`s of `node`, found in `file` (absolute), to the object they point to. */
	deref(node: unknown, file: string): { node: Obj; file: string };
}

/** Opens a spec folder (one that holds openapi.yaml); a folder argument lets tests read a modified copy. */
export function readSpec(specDir: string = SPEC_DIR): SpecReader {
	const dir = path.resolve(specDir);
	const rootFile = path.join(dir, 'openapi.yaml');
	if (!fs.existsSync(rootFile)) throw new Error(`OpenAPI spec not found: ${rootFile}`);
	const loader = new SpecLoader(dir);
	return {
		dir,
		rootFile,
		deref: (node, file) => loader.deref(node as Json, file),
		operations() {
			const root = loader.load(rootFile) as Obj;
			const out: SpecOperation[] = [];
			for (const [template, raw] of Object.entries((root.paths ?? {}) as Obj)) {
				const { node: item, file } = loader.deref(raw as Json, rootFile);
				for (const method of HTTP_METHODS) {
					const def = item[method];
					if (!isObj(def)) continue;
					out.push({
						method: method.toUpperCase(),
						path: template,
						operationId: typeof def.operationId === 'string' ? def.operationId : undefined,
						tags: Array.isArray(def.tags) ? def.tags.map(String) : [],
						file,
						def,
					});
				}
			}
			return out;
		},
	};
}
