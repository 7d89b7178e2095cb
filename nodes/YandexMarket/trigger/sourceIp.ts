/**
 * Is a notification from Yandex Market? Market's documentation lists the address ranges
 * its notifications come from and asks to check every request against them.
 */
// Parsed here rather than with Node's `net`: n8n's verification allows no Node imports.

/** Dotted decimal, each part 0–255 without leading zeros (as Node's `isIPv4` accepts). */
function isIPv4(text: string): boolean {
	const parts = text.split('.');
	return (
		parts.length === 4 &&
		parts.every((part) => /^(?:0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)
	);
}

/** Market's ranges (Push notifications → "Диапазоны IP-адресов, которые использует Маркет"). */
export const MARKET_RANGES = ['5.45.207.0/25', '141.8.142.0/25', '5.255.253.0/25'] as const;

interface Range {
	/** 4 or 16 bytes. */
	bytes: number[];
	prefix: number;
	text: string;
}

/** `::ffff:5.45.207.1` (how Node shows an IPv4 client on a dual-stack socket) → `5.45.207.1`. */
export function normalizeAddress(address: string): string {
	let text = address.trim();
	if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
	const zone = text.indexOf('%');
	if (zone >= 0) text = text.slice(0, zone);
	const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(text);
	if (mapped) return mapped[1];
	return text.toLowerCase();
}

function ipv4Bytes(text: string): number[] {
	return text.split('.').map(Number);
}

function ipv6Bytes(text: string): number[] | undefined {
	let t = text;
	// A dotted IPv4 tail (e.g. ::ffff:5.45.207.1) becomes its two hex groups.
	const tail = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(t);
	if (tail) {
		if (!isIPv4(tail[2])) return undefined;
		const [a, b, c, d] = ipv4Bytes(tail[2]);
		t = `${tail[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	const halves = t.split('::');
	if (halves.length > 2) return undefined;
	const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
	const left = groupsOf(halves[0]);
	let groups = left;
	if (halves.length === 2) {
		const right = groupsOf(halves[1]);
		const fill = 8 - left.length - right.length;
		if (fill < 1) return undefined;
		groups = [...left, ...Array<string>(fill).fill('0'), ...right];
	}
	if (groups.length !== 8) return undefined;
	const bytes: number[] = [];
	for (const group of groups) {
		if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
		const n = parseInt(group, 16);
		bytes.push(n >> 8, n & 0xff);
	}
	return bytes;
}

/** Whether 16 bytes are an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
function isMappedIpv4(bytes: number[]): boolean {
	return (
		bytes.length === 16 &&
		bytes.slice(0, 10).every((b) => b === 0) &&
		bytes[10] === 0xff &&
		bytes[11] === 0xff
	);
}

function toBytes(address: string): number[] | undefined {
	if (isIPv4(address)) return ipv4Bytes(address);
	if (!address.includes(':')) return undefined;
	const bytes = ipv6Bytes(address);
	return bytes && isMappedIpv4(bytes) ? bytes.slice(12) : bytes;
}

/** Parses `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or IPv6 CIDR; undefined when it is none of these. */
export function parseRange(text: string): Range | undefined {
	const trimmed = text.trim();
	const slash = trimmed.indexOf('/');
	const addressText = normalizeAddress(slash >= 0 ? trimmed.slice(0, slash) : trimmed);
	const bytes = toBytes(addressText);
	if (!bytes) return undefined;
	const max = bytes.length * 8;
	let prefix = max;
	if (slash >= 0) {
		const prefixText = trimmed.slice(slash + 1);
		if (!/^\d{1,3}$/.test(prefixText)) return undefined;
		prefix = Number(prefixText);
		if (prefix > max) return undefined;
	}
	return { bytes, prefix, text: trimmed };
}

function inRange(bytes: number[], range: Range): boolean {
	if (bytes.length !== range.bytes.length) return false;
	let bits = range.prefix;
	for (let i = 0; bits > 0; i++, bits -= 8) {
		const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
		if ((bytes[i] & mask) !== (range.bytes[i] & mask)) return false;
	}
	return true;
}

/**
 * The seller's Extra Allowed IPs: addresses or CIDR ranges separated by commas, spaces or
 * new lines. Returns the ranges and the entries that are neither.
 */
export function parseAllowList(text: string | undefined): { ranges: Range[]; invalid: string[] } {
	const ranges: Range[] = [];
	const invalid: string[] = [];
	for (const entry of String(text ?? '').split(/[\s,;]+/)) {
		if (entry === '') continue;
		const range = parseRange(entry);
		if (range) ranges.push(range);
		else invalid.push(entry);
	}
	return { ranges, invalid };
}

const MARKET = MARKET_RANGES.map((r) => parseRange(r)!);

/** Whether `address` is in Market's ranges or in one of `extra`. */
export function isAllowedAddress(address: string | undefined, extra: Range[] = []): boolean {
	if (!address) return false;
	const bytes = toBytes(normalizeAddress(address));
	if (!bytes) return false;
	return [...MARKET, ...extra].some((range) => inRange(bytes, range));
}

/** What n8n (Express) knows about the caller. */
export interface ClientInfo {
	/** `req.ip`: the caller, or the nearest proxy when n8n does not trust proxies. */
	ip?: string;
	/** `X-Forwarded-For` as received. */
	forwardedFor?: string;
	/** `req.ips`: empty unless n8n trusts proxies (N8N_PROXY_HOPS > 0). */
	ips?: string[];
}

/** The 403 message: who was refused, and what to do when that is wrong. */
export function rejectionMessage(client: ClientInfo): string {
	const who = client.ip ? normalizeAddress(client.ip) : 'an unknown address';
	const parts = [
		`Refused: the request came from ${who}, which is not one of Yandex Market's addresses (${MARKET_RANGES.join(', ')}).`,
	];
	if (client.forwardedFor && (client.ips ?? []).length === 0) {
		parts.push(
			`The request went through a proxy (X-Forwarded-For: ${client.forwardedFor}) but n8n does not trust proxies, so it sees the proxy's address: set N8N_PROXY_HOPS to the number of reverse proxies in front of n8n (usually 1) and restart n8n.`,
		);
	} else {
		parts.push(
			"If n8n runs behind a reverse proxy, set N8N_PROXY_HOPS to the number of proxies in front of it so that n8n sees the caller's address.",
		);
	}
	parts.push("To let other addresses in, add them to the trigger's Extra Allowed IPs option.");
	return parts.join(' ');
}
