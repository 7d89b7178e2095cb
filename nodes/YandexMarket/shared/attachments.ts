/**
 * Download Attachments, for every place a message comes out (Get History, Message → Get,
 * both triggers): each file of the message's `payload` becomes binary `attachment_<i>`,
 * and its payload entry says `binaryProperty`, or `downloadError` with the link kept.
 * A file that cannot be fetched never fails the item: the run goes on.
 *
 * Who gets which secret (Market's spec says nothing about its file links):
 * - the Api-Key only goes to the credential's Base URL (n8n adds it), never to a file host;
 * - the credential's optional OAuth Token for Files only after a link refused without it
 *   (401/403), and only to Yandex hosts or the Base URL's own host;
 * - a redirect to another origin carries neither.
 */
import type {
	IBinaryData,
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INode,
	INodeExecutionData,
	INodeProperties,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { CREDENTIAL_TYPE } from './constants';
import { failureInWords } from './errors';
import { backoff, pause } from './pacing';
import { resolveConnection } from './transport';
import { invalidParameter } from './validate';

export type FileContext =
	IExecuteFunctions | IExecuteSingleFunctions | IPollFunctions | IWebhookFunctions;

export const DEFAULT_MAX_ATTACHMENT_MB = 10;
export const MAX_ATTACHMENT_MB = 100;
/** Binary property names: `attachment_0`, `attachment_1`, … in payload order. */
export const BINARY_PREFIX = 'attachment_';
/** Hosts the OAuth token may go to, besides the Base URL's own. */
const YANDEX_DOMAINS = ['yandex.net', 'yandex.ru', 'yandex.com'];
/** Repeats of a download after a 5xx or no answer. */
const DOWNLOAD_RETRIES = 2;
const DOWNLOAD_TIMEOUT_MS = 30_000;
/** Timing (tests shorten it). */
export const downloadTiming = { retryBaseMs: 500, retryCapMs: 2000 };

/** The two options, declared once for every Options collection that offers them. */
export const attachmentOptions: INodeProperties[] = [
	{
		displayName: 'Download Attachments',
		name: 'downloadAttachments',
		type: 'boolean',
		default: false,
		description:
			"Whether to download the message's files (a buyer's photos, receipts) as binary data: attachment_0, attachment_1, … with their file names and types. A file that cannot be downloaded keeps its link, and payload[].downloadError says why.",
	},
	{
		displayName: 'Max Attachment Size (MB)',
		name: 'maxAttachmentSize',
		type: 'number',
		typeOptions: { minValue: 0.001, maxValue: MAX_ATTACHMENT_MB, numberPrecision: 3 },
		default: DEFAULT_MAX_ATTACHMENT_MB,
		description:
			'Files larger than this are not downloaded (their link stays, with a downloadError). Used with Download Attachments.',
	},
];

export interface AttachmentSettings {
	maxBytes: number;
	/** Epoch ms after which nothing more is downloaded (a trigger must answer in time). */
	deadline?: number;
	/** Proxy and certificate settings from the node's Request Options. */
	base?: IHttpRequestOptions;
}

/** The settings when Download Attachments is on, `undefined` when off; a bad size is refused. */
export function attachmentSettings(
	node: INode,
	options: IDataObject,
	itemIndex = 0,
): AttachmentSettings | undefined {
	if (options.downloadAttachments !== true) return undefined;
	const raw = options.maxAttachmentSize ?? DEFAULT_MAX_ATTACHMENT_MB;
	const mb = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (typeof mb !== 'number' || !Number.isFinite(mb) || mb <= 0 || mb > MAX_ATTACHMENT_MB) {
		throw invalidParameter(
			node,
			itemIndex,
			`Max Attachment Size (MB) (maxAttachmentSize) must be a number above 0 and at most ${MAX_ATTACHMENT_MB}; got ${JSON.stringify(raw)}`,
		);
	}
	return { maxBytes: Math.round(mb * 1024 * 1024) };
}

/** What the downloads of one node run share: where the Api-Key may go, the OAuth token. */
interface Access {
	apiOrigin: string;
	apiHost: string;
	fileToken: string;
}

async function accessOf(context: FileContext): Promise<Access> {
	const base = new URL((await resolveConnection(context)).baseUrl);
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const token = typeof credentials.fileToken === 'string' ? credentials.fileToken.trim() : '';
	return { apiOrigin: base.origin, apiHost: base.hostname, fileToken: token };
}

function tokenMayGoTo(url: URL, access: Access): boolean {
	const host = url.hostname.toLowerCase();
	return (
		host === access.apiHost ||
		YANDEX_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`))
	);
}

function megabytes(bytes: number): string {
	return `${Math.round((bytes / (1024 * 1024)) * 100) / 100} MB`;
}

/** The MIME type Market's file server gave, unless it says nothing (then n8n guesses from the name). */
function mimeTypeOf(headers: IDataObject | undefined): string | undefined {
	const raw = headers?.['content-type'];
	const type = String(Array.isArray(raw) ? raw[0] : (raw ?? ''))
		.split(';')[0]
		.trim()
		.toLowerCase();
	return type === '' || type === 'application/octet-stream' ? undefined : type;
}

type Outcome = { binary: IBinaryData } | { error: string };

/** One file: the link as it is, with the Api-Key on Market's own origin, then the OAuth token if refused. */
async function downloadFile(
	context: FileContext,
	file: IDataObject,
	index: number,
	access: Access,
	settings: AttachmentSettings,
): Promise<Outcome> {
	const name = typeof file.name === 'string' && file.name !== '' ? file.name : `file_${index}`;
	const size = Number(file.size);
	if (Number.isFinite(size) && size > settings.maxBytes) {
		return {
			error: `Not downloaded: the file is ${megabytes(size)}, over Max Attachment Size (${megabytes(settings.maxBytes)})`,
		};
	}
	let url: URL;
	try {
		url = new URL(String(file.url ?? ''), access.apiOrigin);
	} catch {
		return { error: 'Not downloaded: the file has no valid link' };
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return { error: `Not downloaded: the link is not HTTP(S) (${url.protocol})` };
	}

	let auth: 'none' | 'apiKey' | 'oauth' = url.origin === access.apiOrigin ? 'apiKey' : 'none';
	let failures = 0;
	for (;;) {
		const left = settings.deadline === undefined ? Infinity : settings.deadline - Date.now();
		if (left < 200) {
			return { error: 'Not downloaded: no time was left for it; the link is kept' };
		}
		const options: IHttpRequestOptions = {
			url: url.href,
			method: 'GET',
			encoding: 'arraybuffer',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: Math.min(DOWNLOAD_TIMEOUT_MS, left),
			sendCredentialsOnCrossOriginRedirect: false,
			headers: auth === 'oauth' ? { Authorization: `OAuth ${access.fileToken}` } : {},
		};
		if (settings.base?.proxy) options.proxy = settings.base.proxy;
		if (settings.base?.skipSslCertificateValidation) options.skipSslCertificateValidation = true;

		let response: IN8nHttpFullResponse | undefined;
		let problem: string;
		try {
			response = (await (auth === 'apiKey'
				? context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, options)
				: context.helpers.httpRequest(options))) as IN8nHttpFullResponse;
			problem = `the link answered ${response.statusCode}`;
		} catch (error) {
			// The error carries the request's headers: only its network code is kept.
			problem = `no answer (${failureInWords(error)})`;
		}
		const status = response?.statusCode ?? 0;
		if (response && status >= 200 && status < 300) {
			const body = response.body;
			const data = Buffer.isBuffer(body)
				? body
				: body instanceof ArrayBuffer
					? Buffer.from(body)
					: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body ?? ''));
			if (data.length > settings.maxBytes) {
				return {
					error: `Not downloaded: the file is over Max Attachment Size (${megabytes(settings.maxBytes)})`,
				};
			}
			const binary = await context.helpers.prepareBinaryData(
				data,
				name,
				mimeTypeOf(response.headers as IDataObject),
			);
			return { binary };
		}
		if (status === 401 || status === 403) {
			if (auth !== 'oauth' && access.fileToken !== '' && tokenMayGoTo(url, access)) {
				auth = 'oauth';
				continue;
			}
			if (auth === 'oauth') {
				return {
					error: `Not downloaded: the link refused the OAuth Token for Files too (${status}); check that the token is valid and has access to the Market Partner API`,
				};
			}
			if (access.fileToken !== '') {
				return {
					error: `Not downloaded: the link refused (${status}); the OAuth Token for Files is sent only to Yandex hosts, and ${url.hostname} is not one`,
				};
			}
			return {
				error: `Not downloaded: the link refused (${status}). If buyers' files need it, add an OAuth Token for Files to the Yandex Market API credential`,
			};
		}
		if (response && status < 500) return { error: `Not downloaded: ${problem}` };
		if (++failures > DOWNLOAD_RETRIES) return { error: `Not downloaded: ${problem}` };
		const wait = backoff(failures, downloadTiming.retryBaseMs, downloadTiming.retryCapMs);
		if (settings.deadline !== undefined && Date.now() + wait > settings.deadline) {
			return { error: `Not downloaded: ${problem}` };
		}
		if (!(await pause(wait))) return { error: `Not downloaded: ${problem}` };
	}
}

/**
 * Items with the files of each message downloaded: `json.payload[i]` gains `binaryProperty`
 * or `downloadError`, `binary.attachment_<i>` holds the file. Messages without files, and
 * every other field, are left as they are. Files are fetched one after another.
 */
export async function withAttachments(
	this: FileContext,
	items: INodeExecutionData[],
	settings: AttachmentSettings,
): Promise<INodeExecutionData[]> {
	let access: Access | undefined;
	const out: INodeExecutionData[] = [];
	for (const item of items) {
		const payload = item.json.payload;
		if (!Array.isArray(payload) || payload.length === 0) {
			out.push(item);
			continue;
		}
		access ??= await accessOf(this);
		const binary: IBinaryKeyData = { ...(item.binary ?? {}) };
		const files: IDataObject[] = [];
		for (const [index, entry] of payload.entries()) {
			const file = { ...(entry as IDataObject) };
			const outcome = await downloadFile(this, file, index, access, settings);
			if ('binary' in outcome) {
				const key = `${BINARY_PREFIX}${index}`;
				binary[key] = outcome.binary;
				file.binaryProperty = key;
			} else {
				file.downloadError = outcome.error;
			}
			files.push(file);
		}
		const next: INodeExecutionData = { ...item, json: { ...item.json, payload: files } };
		if (Object.keys(binary).length > 0) next.binary = binary;
		out.push(next);
	}
	return out;
}

/**
 * For the triggers, which must not fail over a file: the items with their files when the
 * options ask for them; an unusable Max Attachment Size is reported on every file instead.
 */
export async function attachmentsFor(
	this: FileContext,
	items: INodeExecutionData[],
	options: IDataObject,
	deadline: number,
): Promise<INodeExecutionData[]> {
	let settings: AttachmentSettings | undefined;
	try {
		settings = attachmentSettings(this.getNode(), options);
	} catch (error) {
		const reason = `Not downloaded: ${(error as Error).message}`;
		return items.map((item) =>
			Array.isArray(item.json.payload)
				? {
						...item,
						json: {
							...item.json,
							payload: (item.json.payload as IDataObject[]).map((file) => ({
								...file,
								downloadError: reason,
							})),
						},
					}
				: item,
		);
	}
	return settings ? await withAttachments.call(this, items, { ...settings, deadline }) : items;
}
