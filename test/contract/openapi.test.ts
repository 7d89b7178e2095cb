/**
 * The contract checker: accepts valid exchanges, rejects invalid ones with
 * readable messages.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { RecordedRequest } from '../simulator/server';
import { loadContract, type Contract } from './openapi';
import { describeWithSpecs } from './specs';

interface Exchange {
	method: string;
	path: string;
	query?: Record<string, string>;
	headers?: Record<string, string>;
	json?: unknown;
	rawBody?: Buffer;
	status?: number;
	responseBody?: unknown;
	responseHeaders?: Record<string, string>;
}

/** A RecordedRequest with sensible defaults (authorised JSON request, 200 JSON response). */
function rec(x: Exchange): RecordedRequest {
	const headers: Record<string, string> = { 'api-key': 'key', ...x.headers };
	let rawBody = x.rawBody ?? Buffer.alloc(0);
	if (x.json !== undefined) {
		rawBody = Buffer.from(JSON.stringify(x.json));
		headers['content-type'] ??= 'application/json';
	}
	return {
		seq: 1,
		operationId: null,
		method: x.method,
		path: x.path,
		query: x.query ?? {},
		headers,
		rawBody,
		json: x.json,
		status: x.status ?? 200,
		responseHeaders: { 'content-type': 'application/json; charset=utf-8', ...x.responseHeaders },
		responseBody: x.responseBody,
		startedAt: 0,
		endedAt: 0,
	};
}

const chatInfo = {
	chatId: 101,
	orderId: 7000101,
	context: {
		type: 'ORDER',
		customer: { name: 'Анна', publicId: 'p1' },
		campaignId: 2001,
		orderId: 7000101,
	},
	type: 'CHAT',
	status: 'WAITING_FOR_PARTNER',
	createdAt: '2026-11-20T10:00:00+03:00',
	updatedAt: '2026-11-20T18:00:00+03:00',
};

const chatsOk = (over: Partial<Exchange> = {}) =>
	rec({
		method: 'POST',
		path: '/v2/businesses/1001/chats',
		query: { limit: '20' },
		json: { statuses: ['WAITING_FOR_PARTNER'] },
		responseBody: { status: 'OK', result: { chats: [chatInfo], paging: { nextPageToken: 'abc' } } },
		...over,
	});

const errorBody = { status: 'ERROR', errors: [{ code: 'BAD_REQUEST', message: 'bad' }] };

describeWithSpecs('the contract checker on valid and invalid exchanges')('contract checker', () => {
	let c: Contract;
	beforeAll(() => {
		c = loadContract();
	});

	describe('requests', () => {
		it('accepts valid requests', () => {
			expect(c.validateExchange(chatsOk())).toEqual([]);
			expect(
				c.validateRequest(
					rec({ method: 'POST', path: '/v2/businesses/1001/chats', json: { statuses: null } }),
				),
			).toEqual([]);
			expect(
				c.validateRequest(
					rec({
						method: 'POST',
						path: '/v2/businesses/1001/chats/history',
						query: { chatId: '101', limit: '100', page_token: 'x' },
						json: { messageIdFrom: 101050 },
					}),
				),
			).toEqual([]);
			expect(
				c.validateRequest(
					rec({ method: 'GET', path: '/v2/campaigns', query: { page: '1', pageSize: '100' } }),
				),
			).toEqual([]);
			expect(c.validateRequest(rec({ method: 'POST', path: '/v2/auth/token' }))).toEqual([]);
		});

		it('reports a bad limit with a readable message', () => {
			expect(c.validateRequest(chatsOk({ query: { limit: '21' } }))).toEqual([
				'POST /v2/businesses/1001/chats: query.limit must be <= 20',
			]);
			expect(c.validateRequest(chatsOk({ query: { limit: '0' } }))).toEqual([
				'POST /v2/businesses/1001/chats: query.limit must be >= 1',
			]);
			expect(c.validateRequest(chatsOk({ query: { limit: 'ten' } }))).toEqual([
				'POST /v2/businesses/1001/chats: query.limit must be integer',
			]);
			expect(
				c.validateRequest(
					rec({
						method: 'POST',
						path: '/v2/businesses/1001/chats/history',
						query: { chatId: '1', limit: '101' },
						json: {},
					}),
				),
			).toEqual(['POST /v2/businesses/1001/chats/history: query.limit must be <= 100']);
		});

		it('reports missing and unknown parameters, and bad path parameters', () => {
			expect(c.validateRequest(rec({ method: 'GET', path: '/v2/businesses/1001/chat' }))).toEqual([
				'GET /v2/businesses/1001/chat: query.chatId is required',
			]);
			expect(
				c.validateRequest(
					rec({
						method: 'GET',
						path: '/v2/businesses/1001/chat',
						query: { chatId: '1', foo: 'x' },
					}),
				),
			).toEqual(['GET /v2/businesses/1001/chat: query.foo is not a parameter of getChat']);
			expect(
				c.validateRequest(
					rec({ method: 'GET', path: '/v2/businesses/0/chat', query: { chatId: 'abc' } }),
				),
			).toEqual([
				'GET /v2/businesses/0/chat: path.businessId must be >= 1',
				'GET /v2/businesses/0/chat: query.chatId must be integer',
			]);
			expect(
				c.validateRequest(
					rec({
						method: 'GET',
						path: '/v2/campaigns',
						query: { pageToken: 'a', page_token: 'b' },
					}),
				),
			).toEqual([
				'GET /v2/campaigns: query has both pageToken and page_token (aliases of pageToken)',
			]);
		});

		it('reports a missing Api-Key', () => {
			const r = chatsOk();
			delete r.headers['api-key'];
			expect(c.validateRequest(r)).toEqual([
				'POST /v2/businesses/1001/chats: header Api-Key is missing (the operation requires ApiKey or OAuth authorization)',
			]);
		});

		it('reports body problems', () => {
			const send = (json: unknown) =>
				c.validateRequest(
					rec({
						method: 'POST',
						path: '/v2/businesses/1001/chats/message',
						query: { chatId: '1' },
						json,
					}),
				);
			expect(send({ message: 'hi' })).toEqual([]);
			expect(send({})).toEqual([
				"POST /v2/businesses/1001/chats/message: body must have required property 'message'",
			]);
			expect(send({ message: '' })).toEqual([
				'POST /v2/businesses/1001/chats/message: body.message must NOT have fewer than 1 characters',
			]);
			expect(send({ message: 'x'.repeat(4097) })).toEqual([
				'POST /v2/businesses/1001/chats/message: body.message must NOT have more than 4096 characters',
			]);
			// JSON Schema's maxLength counts code points: 4,096 emoji (8,192 UTF-16 units) pass.
			expect(send({ message: '😀'.repeat(4096) })).toEqual([]);
			expect(send({ message: '😀'.repeat(4097) })).toEqual([
				'POST /v2/businesses/1001/chats/message: body.message must NOT have more than 4096 characters',
			]);
			expect(c.validateRequest(chatsOk({ json: { statuses: ['OPEN'], types: [] } }))).toEqual([
				'POST /v2/businesses/1001/chats: body.types must NOT have fewer than 1 items',
				'POST /v2/businesses/1001/chats: body.statuses[0] must be equal to one of the allowed values ("NEW", "WAITING_FOR_CUSTOMER", "WAITING_FOR_PARTNER", "WAITING_FOR_ARBITER", "WAITING_FOR_MARKET", "FINISHED")',
			]);
			expect(c.validateRequest(rec({ method: 'POST', path: '/v2/businesses/1001/chats' }))).toEqual(
				['POST /v2/businesses/1001/chats: body is required'],
			);
			expect(
				c.validateRequest(
					rec({
						method: 'POST',
						path: '/v2/businesses/1001/chats',
						rawBody: Buffer.from('{'),
						headers: { 'content-type': 'application/json' },
					}),
				),
			).toEqual([
				expect.stringMatching(/^POST \/v2\/businesses\/1001\/chats: body is not valid JSON/),
			]);
			expect(
				c.validateRequest(
					rec({
						method: 'POST',
						path: '/v2/businesses/1001/chats',
						rawBody: Buffer.from('a=b'),
						headers: { 'content-type': 'text/plain' },
					}),
				),
			).toEqual([
				"POST /v2/businesses/1001/chats: Content-Type 'text/plain' is not accepted (expected application/json)",
			]);
			expect(
				c.validateRequest(
					rec({
						method: 'POST',
						path: '/v2/businesses/1001/chats/new',
						json: { context: { type: 'DIRECT', id: 1 } },
					}),
				),
			).toEqual([
				'POST /v2/businesses/1001/chats/new: body.context.type must be equal to one of the allowed values ("ORDER", "RETURN")',
			]);
		});

		it('checks multipart bodies: the file part must be there and be a file', () => {
			const multipart = (parts: string[]) =>
				rec({
					method: 'POST',
					path: '/v2/businesses/1001/chats/file/send',
					query: { chatId: '1' },
					headers: { 'content-type': 'multipart/form-data; boundary=XX' },
					rawBody: Buffer.from(parts.map((p) => `--XX\r\n${p}\r\n`).join('') + '--XX--\r\n'),
					responseBody: { status: 'OK' },
				});
			const file =
				'Content-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG';
			expect(c.validateExchange(multipart([file]))).toEqual([]);
			expect(
				c.validateRequest(multipart(['Content-Disposition: form-data; name="other"\r\n\r\nx'])),
			).toEqual([
				"POST /v2/businesses/1001/chats/file/send: body must have required property 'file'",
			]);
			expect(
				c.validateRequest(
					multipart(['Content-Disposition: form-data; name="file"\r\n\r\njust text']),
				),
			).toEqual([
				'POST /v2/businesses/1001/chats/file/send: body.file must be a file part (Content-Disposition with a filename)',
			]);
			const broken = multipart([file]);
			broken.rawBody = Buffer.from('--XX\r\nno end');
			expect(c.validateRequest(broken)).toEqual([
				expect.stringMatching(/file\/send: body is not valid multipart\/form-data/),
			]);
		});

		it('reports unknown operations', () => {
			expect(c.validateRequest(rec({ method: 'GET', path: '/v2/businesses/1001/chats' }))).toEqual([
				'GET /v2/businesses/1001/chats: no operation in the spec for GET /v2/businesses/1001/chats',
			]);
		});
	});

	describe('responses', () => {
		it('accepts valid responses of every chat operation', () => {
			const ok = [
				rec({
					method: 'POST',
					path: '/v2/businesses/1/chats/new',
					responseBody: { status: 'OK', result: { chatId: 5 } },
				}),
				rec({
					method: 'GET',
					path: '/v2/businesses/1/chat',
					responseBody: { status: 'OK', result: chatInfo },
				}),
				rec({
					method: 'POST',
					path: '/v2/businesses/1/chats/history',
					responseBody: {
						status: 'OK',
						result: {
							context: { type: 'DIRECT' },
							messages: [
								{
									messageId: 1,
									createdAt: '2026-11-20T10:00:00+03:00',
									sender: 'CUSTOMER',
									message: 'hi',
								},
								{
									messageId: 2,
									createdAt: '2026-11-20T10:01:00Z',
									sender: 'PARTNER',
									payload: [{ name: 'a.pdf', size: 3, url: 'http://x/f' }],
								},
							],
							paging: {},
						},
					},
				}),
				rec({
					method: 'POST',
					path: '/v2/businesses/1/chats/message',
					responseBody: { status: 'OK' },
				}),
				rec({
					method: 'GET',
					path: '/v2/businesses/1/chats/message',
					responseBody: {
						status: 'OK',
						result: {
							messageId: 1,
							createdAt: '2026-11-20T10:00:00+03:00',
							sender: 'MARKET',
							payload: null,
						},
					},
				}),
				rec({
					method: 'POST',
					path: '/v2/auth/token',
					responseBody: {
						status: 'OK',
						result: { apiKey: { name: 'k', authScopes: ['COMMUNICATION'] } },
					},
				}),
				rec({
					method: 'GET',
					path: '/v2/campaigns',
					responseBody: {
						campaigns: [
							{ id: 1, domain: 'd', business: { id: 1, name: 'B' }, placementType: 'FBS' },
						],
						pager: { total: 1 },
					},
				}),
			];
			for (const r of ok) expect(c.validateResponse(r)).toEqual([]);
			for (const status of [400, 401, 403, 404, 420, 500]) {
				expect(c.validateResponse(chatsOk({ status, responseBody: errorBody }))).toEqual([]);
			}
		});

		it('rejects wrong shapes with the path to the problem', () => {
			const bad = { ...chatInfo, status: 'OPEN' } as Record<string, unknown>;
			delete bad.createdAt;
			expect(
				c.validateResponse(chatsOk({ responseBody: { status: 'OK', result: { chats: [bad] } } })),
			).toEqual([
				"POST /v2/businesses/1001/chats: response 200 body.result.chats[0] must have required property 'createdAt'",
				'POST /v2/businesses/1001/chats: response 200 body.result.chats[0].status must be equal to one of the allowed values ("NEW", "WAITING_FOR_CUSTOMER", "WAITING_FOR_PARTNER", "WAITING_FOR_ARBITER", "WAITING_FOR_MARKET", "FINISHED")',
			]);
			expect(c.validateResponse(chatsOk({ responseBody: { status: 'OK', result: {} } }))).toEqual([
				"POST /v2/businesses/1001/chats: response 200 body.result must have required property 'chats'",
			]);
			expect(
				c.validateResponse(
					chatsOk({
						responseBody: {
							status: 'OK',
							result: { chats: [{ ...chatInfo, updatedAt: '2026-11-20 18:00' }] },
						},
					}),
				),
			).toEqual([
				'POST /v2/businesses/1001/chats: response 200 body.result.chats[0].updatedAt must match format "date-time"',
			]);
			expect(
				c.validateResponse(
					rec({
						method: 'GET',
						path: '/v2/businesses/1/chats/message',
						responseBody: {
							status: 'OK',
							result: { messageId: 0, createdAt: 'x', sender: 'BOT' },
						},
					}),
				),
			).toHaveLength(3);
			expect(
				c.validateResponse(
					chatsOk({
						status: 400,
						responseBody: { status: 'ERROR', errors: [{ message: 'no code' }] },
					}),
				),
			).toEqual([
				"POST /v2/businesses/1001/chats: response 400 body.errors[0] must have required property 'code'",
			]);
			expect(
				c.validateResponse(chatsOk({ status: 400, responseBody: { status: 'FAILED' } })),
			).toEqual([
				'POST /v2/businesses/1001/chats: response 400 body.status must be equal to one of the allowed values ("OK", "ERROR")',
			]);
		});

		it('rejects undeclared statuses and content types', () => {
			expect(c.validateResponse(chatsOk({ status: 503, responseBody: errorBody }))).toEqual([
				'POST /v2/businesses/1001/chats: response 503 is not declared for getChats (declared: 200, 400, 401, 403, 404, 420, 500)',
			]);
			expect(
				c.validateResponse(
					rec({ method: 'POST', path: '/v2/auth/token', status: 404, responseBody: errorBody }),
				),
			).toEqual([
				'POST /v2/auth/token: response 404 is not declared for getAuthTokenInfo (declared: 200, 400, 401, 403, 420, 500)',
			]);
			expect(
				c.validateResponse(chatsOk({ responseHeaders: { 'content-type': 'text/html' } })),
			).toEqual([
				"POST /v2/businesses/1001/chats: response 200 Content-Type 'text/html' is not declared (expected application/json)",
			]);
		});

		it('accepts a 404 error envelope for paths the spec does not have', () => {
			expect(
				c.validateResponse(
					rec({ method: 'GET', path: '/v2/nothing', status: 404, responseBody: errorBody }),
				),
			).toEqual([]);
			expect(
				c.validateResponse(
					rec({ method: 'GET', path: '/v2/nothing', status: 200, responseBody: {} }),
				),
			).toEqual([
				"GET /v2/nothing: response 200 for a path/method the spec doesn't have (expected 404)",
			]);
		});
	});
});

describe('without a spec folder', () => {
	it('loadContract throws naming the file', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-spec-'));
		try {
			expect(() => loadContract(dir)).toThrow(`OpenAPI spec not found: ${dir}/openapi.yaml`);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
