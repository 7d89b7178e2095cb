import { randomBytes } from 'crypto';

const CRLF = '\r\n';

/** RFC 7578 §2: quotes and line breaks in a field's file name are percent-encoded. */
function quoteFileName(name: string): string {
	return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * A multipart/form-data body with one file part, built here so the package needs no
 * runtime dependency and the bytes pass through n8n's request helper untouched.
 * The file name is sent as UTF-8, as browsers do (Cyrillic names stay readable).
 */
export function buildMultipart(
	field: string,
	fileName: string,
	mimeType: string,
	data: Buffer,
): { body: Buffer; contentType: string } {
	const boundary = `----n8nYandexMarket${randomBytes(16).toString('hex')}`;
	const head =
		`--${boundary}${CRLF}` +
		`Content-Disposition: form-data; name="${field}"; filename="${quoteFileName(fileName)}"${CRLF}` +
		`Content-Type: ${mimeType}${CRLF}${CRLF}`;
	const tail = `${CRLF}--${boundary}--${CRLF}`;
	return {
		body: Buffer.concat([Buffer.from(head, 'utf8'), data, Buffer.from(tail, 'utf8')]),
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}
