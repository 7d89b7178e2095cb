/** multipart/form-data parsing, binary safe (RFC 7578, RFC 2046). */

export interface MultipartPart {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer;
}

// ---------------------------------------------------------------------------
// multipart/form-data parser (binary safe; RFC 7578 / RFC 2046)
// ---------------------------------------------------------------------------

export class MultipartError extends Error {}

/** Splits a header value like `form-data; name="file"; filename="a b.png"` into value and parameters. */
export function parseHeaderParams(header: string): {
	value: string;
	params: Record<string, string>;
} {
	const semi = header.indexOf(';');
	const value = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
	const params: Record<string, string> = {};
	let i = semi < 0 ? header.length : semi + 1;
	while (i < header.length) {
		while (i < header.length && /[\s;]/.test(header[i])) i++;
		const eq = header.indexOf('=', i);
		if (eq < 0) break;
		const name = header.slice(i, eq).trim().toLowerCase();
		i = eq + 1;
		let v = '';
		if (header[i] === '"') {
			i++;
			while (i < header.length && header[i] !== '"') {
				if (header[i] === '\\' && i + 1 < header.length) i++;
				v += header[i++];
			}
			i++; // closing quote
		} else {
			const end = header.indexOf(';', i);
			v = header.slice(i, end < 0 ? header.length : end).trim();
			i = end < 0 ? header.length : end;
		}
		if (name) params[name] = v;
	}
	// RFC 5987 extended value (filename*=UTF-8''na%C3%AFve.txt) wins over the plain one.
	for (const key of Object.keys(params)) {
		if (!key.endsWith('*')) continue;
		const m = /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(params[key]);
		if (!m) continue;
		const bytes = Buffer.from(
			m[2].replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) =>
				String.fromCharCode(parseInt(hex, 16)),
			),
			'latin1',
		);
		params[key.slice(0, -1)] = bytes.toString(/^utf-?8$/i.test(m[1]) ? 'utf8' : 'latin1');
	}
	return { value, params };
}

/** The boundary of a multipart content type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
	if (!contentType) return null;
	const { value, params } = parseHeaderParams(contentType);
	if (!value.startsWith('multipart/')) return null;
	return params.boundary ? params.boundary : null;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** Parses a multipart/form-data body. Throws MultipartError when it is malformed. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
	const delim = Buffer.from('--' + boundary, 'latin1');
	const crlfDelim = Buffer.concat([CRLF, delim]);
	// The first delimiter starts the body or a line (anything before it is preamble).
	let pos = body.indexOf(delim) === 0 ? 0 : body.indexOf(crlfDelim);
	if (pos < 0) throw new MultipartError(`no boundary "${boundary}" found in the body`);
	if (pos > 0) pos += 2;
	const parts: MultipartPart[] = [];
	for (;;) {
		pos += delim.length;
		if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // close delimiter; epilogue ignored
		while (body[pos] === 0x20 || body[pos] === 0x09) pos++; // transport padding
		if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a)
			throw new MultipartError('boundary line is not followed by CRLF');
		pos += 2;
		let headerText: string;
		let dataStart: number;
		if (body[pos] === 0x0d && body[pos + 1] === 0x0a) {
			headerText = ''; // a part without headers
			dataStart = pos + 2;
		} else {
			const headerEnd = body.indexOf(HEADER_END, pos);
			if (headerEnd < 0)
				throw new MultipartError('part headers are not terminated by an empty line');
			headerText = body.toString('utf8', pos, headerEnd);
			dataStart = headerEnd + 4;
		}
		// The CRLF before the next delimiter belongs to the delimiter, not to the data.
		const next = body.indexOf(crlfDelim, dataStart);
		if (next < 0) throw new MultipartError('missing closing boundary');
		const data = body.subarray(dataStart, next);
		parts.push(partFrom(headerText, data));
		pos = next + 2;
	}
}

function partFrom(headerText: string, data: Buffer): MultipartPart {
	const headers: Record<string, string> = {};
	// Unfold continuation lines, then split "Name: value".
	for (const line of headerText.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
		if (!line) continue;
		const colon = line.indexOf(':');
		if (colon <= 0) throw new MultipartError(`malformed part header "${line}"`);
		headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	const disposition = headers['content-disposition'];
	if (!disposition) throw new MultipartError('part has no Content-Disposition header');
	const { value, params } = parseHeaderParams(disposition);
	if (value !== 'form-data' || params.name === undefined) {
		throw new MultipartError(
			`part Content-Disposition must be form-data with a name, got "${disposition}"`,
		);
	}
	const part: MultipartPart = { name: params.name, data };
	if (params.filename !== undefined) part.filename = params.filename;
	if (headers['content-type']) part.contentType = headers['content-type'];
	return part;
}
