/**
 * api-coverage.json against Market's specs and the package: every chat endpoint and every
 * notification type is listed, nothing listed is gone from the specs, and every "covered"
 * names an operation, list search, credential test or trigger event that really exists.
 * The second half shows each check failing, on modified copies of the specs and manifest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';

import { YandexMarketApi } from '../../credentials/YandexMarketApi.credentials';
import { YandexMarket } from '../../nodes/YandexMarket/YandexMarket.node';
import { YandexMarketPollTrigger } from '../../nodes/YandexMarket/YandexMarketPollTrigger.node';
import { YandexMarketTrigger } from '../../nodes/YandexMarket/YandexMarketTrigger.node';
import { MARKET_METHODS } from '../../nodes/YandexMarket/shared/methods';
import { ALL_EVENTS } from '../../nodes/YandexMarket/trigger/notifications';
import {
	REPO_ROOT,
	chatEndpoints,
	checkClaims,
	checkInventory,
	countByStatus,
	describeMissing,
	explain,
	loadManifest,
	notificationTypes,
	type Manifest,
	type PackageUnderTest,
} from './coverage';
import { readSpec } from './openapi';
import { NOTIFICATION_SPEC_DIR, PARTNER_SPEC_DIR, describeWithSpecs } from './specs';

const pkg: PackageUnderTest = {
	nodes: [new YandexMarket(), new YandexMarketTrigger(), new YandexMarketPollTrigger()],
	credentials: [new YandexMarketApi()],
	calledOperationIds: Object.keys(MARKET_METHODS),
	root: REPO_ROOT,
};

const manifest = loadManifest();
/** A copy to change in one test without touching the others. */
const copy = (): Manifest => JSON.parse(JSON.stringify(manifest)) as Manifest;
/** The findings a changed manifest adds to the real one's (so these tests fail only for their own reason). */
const addedClaims = (m: Manifest): string[] => {
	const before = new Set(checkClaims(manifest, pkg));
	return checkClaims(m, pkg).filter((w) => !before.has(w));
};

describe('api-coverage.json: the claims about the package', () => {
	it('every covered entry names an operation, list search, credential test or event that exists', () => {
		const wrong = checkClaims(manifest, pkg);
		if (wrong.length) throw new Error(explain({ missing: [], stale: [], wrong }));
		expect(wrong).toEqual([]);
	});

	it("has the action node's operations under their requests, and every event the trigger offers", () => {
		const covered = Object.entries(manifest.partnerApi.endpoints).flatMap(([key, entry]) =>
			(entry.coveredBy ?? []).filter((o) => o.operation).map((o) => `${o.operation} ${key}`),
		);
		expect(covered).toContain('message:send POST /v2/businesses/{businessId}/chats/message');
		expect(covered).toContain('message:get GET /v2/businesses/{businessId}/chats/message');
		const offered = (
			new YandexMarketTrigger().description.properties.find((p) => p.name === 'events')!
				.options as Array<{ value: string }>
		)
			.map((o) => o.value)
			// All Events is a choice of every type, not one of Market's.
			.filter((value) => value !== ALL_EVENTS);
		const coveredEvents = Object.values(manifest.notificationApi.types).flatMap((entry) =>
			(entry.coveredBy ?? []).map((o) => o.event),
		);
		expect([...coveredEvents].sort()).toEqual([...offered].sort());
	});

	describe('fails, naming the entry, when a claim does not hold', () => {
		it('an operation the node does not have', () => {
			const m = copy();
			m.partnerApi.endpoints['POST /v2/businesses/{businessId}/chats/message'].coveredBy = [
				{ node: 'yandexMarket', operation: 'message:archive' },
			];
			expect(addedClaims(m)).toEqual([
				'POST /v2/businesses/{businessId}/chats/message: coveredBy yandexMarket has no operation "archive" for resource "message" (operations: get, send, sendFile)',
			]);
		});

		it('an operation that sends another request', () => {
			const m = copy();
			m.partnerApi.endpoints['GET /v2/businesses/{businessId}/chat'].coveredBy = [
				{ node: 'yandexMarket', operation: 'chat:getHistory' },
			];
			expect(addedClaims(m)).toEqual([
				'GET /v2/businesses/{businessId}/chat: coveredBy yandexMarket chat:getHistory sends POST /v2/businesses/{businessId}/chats/history, not GET /v2/businesses/{businessId}/chat',
			]);
		});

		it('an event the trigger does not offer, or a node that is not a trigger', () => {
			const m = copy();
			m.notificationApi.types.CHAT_CREATED.coveredBy = [
				{ node: 'yandexMarketPollTrigger', event: 'CHAT_CREATED' },
			];
			m.notificationApi.types.ORDER_CREATED.coveredBy = [
				{ node: 'yandexMarketTrigger', event: 'ORDER_UPDATED' },
			];
			expect(addedClaims(m)).toEqual([
				'notification type ORDER_CREATED: coveredBy must name the event ORDER_CREATED; got ORDER_UPDATED',
				"notification type CHAT_CREATED: yandexMarketPollTrigger's Events list does not offer CHAT_CREATED",
			]);
		});

		it('a credential test, list search or internal use that does not send the request', () => {
			const m = copy();
			m.partnerApi.endpoints['GET /v2/campaigns'].coveredBy = [
				{ credential: 'yandexMarketApi', test: true },
				{ node: 'yandexMarketTrigger', listSearch: 'searchChats', source: 'x.ts' },
			];
			m.partnerApi.endpoints['GET /v2/businesses/{businessId}/chat'].usedBy = [
				{ node: 'yandexMarketPollTrigger', source: 'nodes/YandexMarket/poll/poll.ts', note: '' },
			];
			expect(addedClaims(m)).toEqual([
				"GET /v2/businesses/{businessId}/chat: usedBy yandexMarketPollTrigger: nodes/YandexMarket/poll/poll.ts does not name 'getChat'",
				"GET /v2/campaigns: coveredBy credential yandexMarketApi's test sends POST /v2/auth/token, not GET /v2/campaigns",
				'GET /v2/campaigns: coveredBy yandexMarketTrigger has no listSearch method searchChats',
			]);
		});

		it('a status without what it needs', () => {
			const m = copy();
			delete m.notificationApi.types.PING.reason;
			m.partnerApi.endpoints['POST /v2/businesses/{businessId}/chats/new'] = {
				operationId: 'createChat',
				status: 'gap',
			};
			expect(addedClaims(m)).toEqual([
				'POST /v2/businesses/{businessId}/chats/new: a gap needs a note saying what is missing',
				'notification type PING: excluded needs a reason',
			]);
		});
	});
});

describeWithSpecs('api-coverage.json against the specs')(
	'api-coverage.json against the specs',
	() => {
		const specs = () => ({
			partner: readSpec(PARTNER_SPEC_DIR),
			notification: readSpec(NOTIFICATION_SPEC_DIR),
		});

		it('lists every chat endpoint, every endpoint the package calls and every notification type', () => {
			const report = checkInventory(manifest, specs(), pkg);
			// The message says what is missing and how to add it.
			if (report.missing.length) throw new Error(explain({ ...report, stale: [], wrong: [] }));
			expect(report.missing).toEqual([]);
		});

		it('lists nothing the specs no longer have, under their operation IDs and DTOs', () => {
			const report = checkInventory(manifest, specs(), pkg);
			if (report.stale.length || report.wrong.length)
				throw new Error(explain({ ...report, missing: [] }));
			expect({ stale: report.stale, wrong: report.wrong }).toEqual({ stale: [], wrong: [] });
		});

		it('finds the chat endpoints and the notification types in the real specs', () => {
			// The inventory is not vacuous: Market's chat methods and notification types are there.
			const chats = chatEndpoints(specs().partner).map((c) => c.operationId);
			expect(chats).toEqual(expect.arrayContaining(['getChats', 'sendMessageToChat']));
			const types = notificationTypes(specs().notification);
			expect(types.get('CHAT_MESSAGE_SENT')).toBe('ChatMessageSentNotificationDTO');
			expect(types.has('PING')).toBe(true);
			const counts = countByStatus(manifest);
			expect(counts.covered + counts.gap + counts.excluded).toBe(
				Object.keys(manifest.partnerApi.endpoints).length +
					Object.keys(manifest.notificationApi.types).length,
			);
		});

		describe('on a modified copy of the specs', () => {
			let tmp: string;
			let report: ReturnType<typeof checkInventory>;

			const editYaml = (file: string, edit: (doc: any) => void) => {
				const doc = yaml.load(fs.readFileSync(file, 'utf8'));
				edit(doc);
				fs.writeFileSync(file, yaml.dump(doc));
			};

			beforeAll(() => {
				tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ym-coverage-'));
				const partner = path.join(tmp, 'partner');
				const notification = path.join(tmp, 'notification');
				fs.cpSync(PARTNER_SPEC_DIR, partner, { recursive: true });
				fs.cpSync(NOTIFICATION_SPEC_DIR, notification, { recursive: true });

				// Three new chat endpoints, each found by one rule only: path file, tag, operationId.
				const newPath = (file: string, operationId: string, tags: string[]) =>
					fs.writeFileSync(
						path.join(partner, 'paths', file),
						yaml.dump({ post: { operationId, tags, responses: { 200: { description: 'OK' } } } }),
					);
				newPath('v2_businesses_businessId_chats_archive.yaml', 'archiveDialog', ['dbs']);
				newPath('v2_businesses_businessId_dialogs.yaml', 'getDialogs', ['chats']);
				newPath('v2_businesses_businessId_support.yaml', 'getSupportChatLink', ['dbs']);
				editYaml(path.join(partner, 'openapi.yaml'), (doc) => {
					doc.paths['/v2/businesses/{businessId}/chats/archive'] = {
						$ref: 'paths/v2_businesses_businessId_chats_archive.yaml',
					};
					doc.paths['/v2/businesses/{businessId}/dialogs'] = {
						$ref: 'paths/v2_businesses_businessId_dialogs.yaml',
					};
					doc.paths['/v2/businesses/{businessId}/support'] = {
						$ref: 'paths/v2_businesses_businessId_support.yaml',
					};
					// Gone from the spec: a chat endpoint the manifest lists and the node calls.
					delete doc.paths['/v2/businesses/{businessId}/chats/new'];
				});
				// The history method renamed.
				editYaml(
					path.join(partner, 'paths', 'v2_businesses_businessId_chats_history.yaml'),
					(doc) => {
						doc.post.operationId = 'getChatHistoryV2';
					},
				);

				// A new notification type (enum and mapping), one removed, one only in the enum.
				const schemas = path.join(notification, 'components', 'schemas');
				fs.writeFileSync(
					path.join(schemas, 'ChatClosedNotificationDTO.yaml'),
					yaml.dump({ type: 'object', properties: { chatId: { type: 'integer' } } }),
				);
				editYaml(path.join(schemas, 'NotificationType.yaml'), (doc) => {
					doc.enum = [
						...doc.enum.filter((t: string) => t !== 'QUESTION_COMMENT_CREATED'),
						'CHAT_CLOSED',
						'CHAT_REOPENED',
					];
				});
				editYaml(path.join(schemas, 'SendNotificationRequest.yaml'), (doc) => {
					delete doc.discriminator.mapping.QUESTION_COMMENT_CREATED;
					doc.discriminator.mapping.CHAT_CLOSED = './ChatClosedNotificationDTO.yaml';
					doc.oneOf.push({ $ref: './ChatClosedNotificationDTO.yaml' });
				});

				const modified = checkInventory(
					manifest,
					{ partner: readSpec(partner), notification: readSpec(notification) },
					pkg,
				);
				// Only what the changes add: these tests fail for their own reason, not the manifest's.
				const before = checkInventory(manifest, specs(), pkg);
				const seen = (list: string[]) => (x: string) => !list.includes(x);
				report = {
					missing: modified.missing.filter(
						(m) => !before.missing.some((b) => describeMissing(b) === describeMissing(m)),
					),
					stale: modified.stale.filter(seen(before.stale)),
					wrong: modified.wrong.filter(seen(before.wrong)),
				};
			});

			afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

			it('fails for chat endpoints and notification types the manifest does not list', () => {
				expect(report.missing.map(describeMissing)).toEqual([
					'partnerApi.endpoints: POST /v2/businesses/{businessId}/chats/archive (path file paths/v2_businesses_businessId_chats_archive.yaml)',
					'partnerApi.endpoints: POST /v2/businesses/{businessId}/dialogs (tag chats)',
					'partnerApi.endpoints: POST /v2/businesses/{businessId}/support (operationId getSupportChatLink)',
					'notificationApi.types: CHAT_CLOSED (DTO ChatClosedNotificationDTO)',
					'notificationApi.types: CHAT_REOPENED (in NotificationType, no DTO in the mapping)',
				]);
				// The message shows an entry to paste for each.
				const message = explain(report);
				expect(message).toContain(
					'"POST /v2/businesses/{businessId}/dialogs": {"operationId":"getDialogs","status":"gap","note":"TODO: what is missing (or mark it covered/excluded)"}',
				);
				expect(message).toContain(
					'"CHAT_CLOSED": {"schema":"ChatClosedNotificationDTO","status":"gap"',
				);
			});

			it('fails for entries the spec no longer has, or has under another name', () => {
				expect(report.stale).toEqual([
					'POST /v2/businesses/{businessId}/chats/new (createChat)',
					'notification type QUESTION_COMMENT_CREATED',
				]);
				expect(report.wrong).toEqual([
					'the package calls createChat, which the partner spec does not have',
					'the package calls getChatHistory, which the partner spec does not have',
					'POST /v2/businesses/{businessId}/chats/history: operationId is getChatHistoryV2 in the spec, not getChatHistory',
				]);
				expect(explain(report)).toContain(
					'In api-coverage.json, but the spec no longer has them (remove them, or fix the key):',
				);
			});
		});
	},
);
