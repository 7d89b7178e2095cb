/**
 * The editor shows an operation's fields before the first run from
 * `__schema__/v<version>/<resource>/<operation>.json` next to the node file (n8n serves it at
 * /schemas/<node type>/<version>/<resource>/<operation>.json). Every operation must have one,
 * and real output items must match it, or the preview would promise fields that never come.
 */
import Ajv from 'ajv';
import fs from 'fs';
import path from 'path';
import { YandexMarket } from '../../nodes/YandexMarket/YandexMarket.node';
import { FIXTURE_FACTS, createFixtures } from '../simulator/fixtures';
import type { RunOptions } from '../support/engine';
import { byId, run, useSimulator } from './setup';

const { sim } = useSimulator();
const business = byId(FIXTURE_FACTS.businesses.demo);
const { chatId: orderChatId } = FIXTURE_FACTS.demoOrderWithChat;
const { longChat } = FIXTURE_FACTS;

const SCHEMA_DIR = path.join(__dirname, '../../nodes/YandexMarket/__schema__/v1.0.0');

type Run = [RunOptions['parameters'], Partial<RunOptions>?];

const review = { resource: 'review', businessId: business };
const question = { resource: 'question', businessId: business };
const feedbacks = FIXTURE_FACTS.demoFeedbacks;
const questions = FIXTURE_FACTS.demoQuestions;

/** A message of the long chat with a file, so that `payload` shows up in real output. */
const withFile = createFixtures().messages.find((m) => m.chatId === longChat.chatId && m.payload)!;
const download = { options: { downloadAttachments: true } };
const pdf = { data: Buffer.from('%PDF-1.4'), fileName: 'a.pdf', mimeType: 'application/pdf' };

/** Real runs of every operation: parameters and input; with files downloaded where offered. */
const RUNS: Record<string, Record<string, Run[]>> = {
	chat: {
		getAll: [[{ resource: 'chat', operation: 'getAll', businessId: business, limit: 50 }]],
		create: [
			[
				{
					resource: 'chat',
					operation: 'create',
					businessId: business,
					contextType: 'ORDER',
					contextId: String(FIXTURE_FACTS.demoOrdersWithoutChat[0]),
				},
			],
		],
		get: [
			[{ resource: 'chat', operation: 'get', businessId: business, chatId: byId(orderChatId) }],
		],
		getHistory: [false, true].map((files): Run => [
			{
				resource: 'chat',
				operation: 'getHistory',
				businessId: business,
				chatId: byId(longChat.chatId),
				returnAll: true,
				...(files ? download : {}),
			},
		]),
	},
	message: {
		get: [String(longChat.lastMessageId), String(withFile.messageId)].map((messageId): Run => [
			{
				resource: 'message',
				operation: 'get',
				businessId: business,
				chatId: byId(longChat.chatId),
				messageId,
				...download,
			},
		]),
		send: [
			[
				{
					resource: 'message',
					operation: 'send',
					businessId: business,
					chatId: byId(102),
					text: 'hi',
				},
			],
		],
		sendFile: [
			[
				{
					resource: 'message',
					operation: 'sendFile',
					businessId: business,
					chatId: byId(102),
					binaryPropertyName: 'data',
				},
				{ input: [{ json: {}, binary: { data: pdf } }] },
			],
		],
	},
	review: {
		getAll: [[{ ...review, operation: 'getAll', limit: 60, filters: { reactionStatus: 'ALL' } }]],
		get: [[{ ...review, operation: 'get', feedbackId: String(feedbacks.latestId) }]],
		getComments: [
			[
				{
					...review,
					operation: 'getComments',
					feedbackId: feedbacks.longThread.feedbackId,
					limit: 60,
				},
			],
		],
		reply: [
			[
				{
					...review,
					operation: 'reply',
					feedbackId: feedbacks.buyerReply.feedbackId,
					text: 'Спасибо!',
				},
			],
			[
				{
					...review,
					operation: 'reply',
					feedbackId: feedbacks.buyerReply.feedbackId,
					text: 'Спасибо!',
					skipIfAnswered: false,
				},
			],
		],
		updateReply: [
			[
				{
					...review,
					operation: 'updateReply',
					feedbackId: feedbacks.buyerReply.feedbackId,
					commentId: String(feedbacks.buyerReply.storeCommentId),
					text: 'Исправлено',
				},
			],
		],
		deleteReply: [
			[
				{
					...review,
					operation: 'deleteReply',
					commentId: String(feedbacks.buyerReply.storeCommentId),
				},
			],
		],
		skipReaction: [
			[{ ...review, operation: 'skipReaction', feedbackId: String(feedbacks.latestId) }],
		],
	},
	question: {
		getAll: [[{ ...question, operation: 'getAll', limit: 60, filters: { needAnswer: false } }]],
		get: [[{ ...question, operation: 'get', questionId: String(questions.latestId) }]],
		getAnswers: [
			[
				{
					...question,
					operation: 'getAnswers',
					questionId: String(questions.fullAnswer.questionId),
				},
			],
		],
		answer: [
			[
				{
					...question,
					operation: 'answer',
					questionId: String(questions.fullAnswer.questionId),
					text: 'Да',
				},
			],
			[
				{
					...question,
					operation: 'answer',
					questionId: String(questions.fullAnswer.questionId),
					text: 'Да',
					skipIfAnswered: false,
				},
			],
		],
		comment: [
			[
				{
					...question,
					operation: 'comment',
					answerId: String(questions.fullAnswer.answerId),
					text: 'Да',
				},
			],
			[
				{
					...question,
					operation: 'comment',
					answerId: String(questions.buyerAnswer.answerId),
					text: 'Спасибо',
				},
			],
		],
		updateAnswer: [
			[
				{
					...question,
					operation: 'updateAnswer',
					answerId: String(questions.fullAnswer.answerId),
					text: 'Уточнение',
				},
			],
		],
		deleteAnswer: [
			[{ ...question, operation: 'deleteAnswer', answerId: String(questions.fullAnswer.answerId) }],
		],
	},
};

/** resource → operations, as the node's UI offers them. */
function offeredOperations(): Record<string, string[]> {
	const { properties } = new YandexMarket().description;
	const resources = properties.find((p) => p.name === 'resource')!.options as Array<{
		value: string;
	}>;
	return Object.fromEntries(
		resources.map(({ value }) => [
			value,
			(
				properties.find(
					(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(value),
				)!.options as Array<{ value: string }>
			).map((o) => o.value),
		]),
	);
}

const ajv = new Ajv({ allErrors: true, strict: true });

/** The schema, closed: a field the node outputs but the schema lacks would be missing from the preview. */
function closed(schema: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = { ...schema };
	if (schema.properties) {
		out.additionalProperties = false;
		out.properties = Object.fromEntries(
			Object.entries(schema.properties as Record<string, Record<string, unknown>>).map(([k, v]) => [
				k,
				closed(v),
			]),
		);
	}
	if (schema.items) out.items = closed(schema.items as Record<string, unknown>);
	return out;
}

describe('Output schemas (editor preview before the first run)', () => {
	it('exist for every operation the node offers, and this test runs each of them', () => {
		const offered = offeredOperations();
		const withSchema = Object.fromEntries(
			fs
				.readdirSync(SCHEMA_DIR)
				.map((r) => [
					r,
					fs.readdirSync(path.join(SCHEMA_DIR, r)).map((f) => f.replace(/\.json$/, '')),
				]),
		);
		const sort = (o: Record<string, string[]>) =>
			Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [...v].sort()]));
		expect(sort(withSchema)).toEqual(sort(offered));
		expect(
			sort(Object.fromEntries(Object.entries(RUNS).map(([r, ops]) => [r, Object.keys(ops)]))),
		).toEqual(sort(offered));
	});

	for (const [resource, operations] of Object.entries(RUNS)) {
		for (const [operation, runs] of Object.entries(operations)) {
			it(`${resource} → ${operation}: every output item matches its schema`, async () => {
				const schema = JSON.parse(
					fs.readFileSync(path.join(SCHEMA_DIR, resource, `${operation}.json`), 'utf8'),
				);
				// What the editor needs to show a preview at all (its isNonEmptyJsonSchema check).
				expect(schema.type).toBe('object');
				expect(Object.keys(schema.properties).length).toBeGreaterThan(0);
				const validate = ajv.compile(closed(schema));

				const items = [];
				for (const [parameters, extra] of runs) {
					const result = await run(sim(), parameters, extra);
					expect(result.error).toBeUndefined();
					expect(result.items.length).toBeGreaterThan(0);
					items.push(...result.items);
				}
				// YM_DUMP_OUTPUT=1 prints every item, to write or check a schema from real output.
				if (process.env.YM_DUMP_OUTPUT)
					for (const item of items)
						console.log(JSON.stringify({ resource, operation, json: item.json }));
				for (const item of items) expect(validate(item.json) ? [] : validate.errors).toEqual([]);
			});
		}
	}
});
