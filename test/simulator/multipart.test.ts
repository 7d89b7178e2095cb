/** The simulator's own multipart/form-data parser. */
import { MultipartError, multipartBoundary, parseHeaderParams, parseMultipart } from './server';

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

describe('multipartBoundary', () => {
	it.each([
		['multipart/form-data; boundary=abc', 'abc'],
		['multipart/form-data;boundary=abc;charset=utf-8', 'abc'],
		['Multipart/Form-Data; BOUNDARY="a b;c"', 'a b;c'],
		[
			'multipart/form-data; boundary="----WebKitFormBoundary7MA4YWxk"',
			'----WebKitFormBoundary7MA4YWxk',
		],
	])('%s → %s', (ct, boundary) => {
		expect(multipartBoundary(ct)).toBe(boundary);
	});

	it.each([
		'application/json',
		'multipart/form-data',
		'multipart/form-data; boundary=',
		'',
		undefined,
	])('%s → null', (ct) => {
		expect(multipartBoundary(ct)).toBeNull();
	});
});

describe('parseHeaderParams', () => {
	it('reads quoted values with escapes and RFC 5987 extended values', () => {
		expect(parseHeaderParams('form-data; name="file"; filename="a \\"b\\"; c.txt"')).toEqual({
			value: 'form-data',
			params: { name: 'file', filename: 'a "b"; c.txt' },
		});
		const ext = parseHeaderParams(
			`form-data; name=file; filename="fallback.txt"; filename*=UTF-8''%D1%84%D0%B0%D0%B9%D0%BB.txt`,
		);
		expect(ext.params.filename).toBe('файл.txt');
	});
});

describe('parseMultipart', () => {
	it('splits parts, keeps binary data intact and ignores preamble/epilogue', () => {
		const binary = Buffer.from([0, 1, 2, 13, 10, 45, 45, 98, 255, 13, 10]);
		const body = Buffer.concat([
			crlf(
				'this is a preamble',
				'--xyz',
				'Content-Disposition: form-data; name="a"',
				'',
				'hello',
				'--xyz',
			),
			crlf(
				'',
				'Content-Disposition: form-data; name="file"; filename="bin.dat"',
				'Content-Type: application/octet-stream',
				'',
				'',
			),
			binary,
			crlf('', '--xyz--', 'epilogue'),
		]);
		const parts = parseMultipart(body, 'xyz');
		expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
			['a', undefined, undefined],
			['file', 'bin.dat', 'application/octet-stream'],
		]);
		expect(parts[0].data.toString()).toBe('hello');
		expect(parts[1].data.equals(binary)).toBe(true);
	});

	it('handles empty parts and UTF-8 filenames', () => {
		const body = crlf(
			'--b',
			'Content-Disposition: form-data; name="empty"',
			'',
			'',
			'--b',
			'Content-Disposition: form-data; name="file"; filename="отчёт 2026.pdf"',
			'',
			'x',
			'--b--',
		);
		const parts = parseMultipart(body, 'b');
		expect(parts[0].data.length).toBe(0);
		expect(parts[1].filename).toBe('отчёт 2026.pdf');
	});

	it('does not end a part at a boundary-like string that is not at a line start', () => {
		const body = crlf('--b', 'Content-Disposition: form-data; name="t"', '', 'x--b y', '--b--');
		expect(parseMultipart(body, 'b')[0].data.toString()).toBe('x--b y');
	});

	it.each([
		['no boundary at all', crlf('hello')],
		['no closing boundary', crlf('--b', 'Content-Disposition: form-data; name="a"', '', 'data')],
		['no Content-Disposition', crlf('--b', 'Content-Type: text/plain', '', 'data', '--b--')],
		[
			'not form-data',
			crlf('--b', 'Content-Disposition: attachment; name="a"', '', 'data', '--b--'),
		],
		['unterminated headers', crlf('--b', 'Content-Disposition: form-data; name="a"')],
	])('rejects %s', (_, body) => {
		expect(() => parseMultipart(body, 'b')).toThrow(MultipartError);
	});
});
