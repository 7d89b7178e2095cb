/**
 * The Market simulator in a process of its own, driven over IPC by the benchmark, so that
 * the CPU the benchmark measures is the client's (n8n's engine and the node), not the
 * simulator's.
 */
import { startSimulator, type Simulator, type SimulatorOptions } from '../test/simulator/server';

export type Command =
	| { cmd: 'start'; options: SimulatorOptions; quotaEvery?: { sends: number; pauseMs: number } }
	| { cmd: 'reset' }
	| {
			cmd: 'seed';
			chats?: number;
			messages?: { chatId: number; count: number };
			reviews?: number;
			questions?: number;
	  }
	| { cmd: 'stats' }
	| { cmd: 'close' };

export interface Stats {
	requests: number;
	byStatus: Record<string, number>;
	byOperation: Record<string, number>;
	sent: number;
	duplicateTexts: number;
	firstStartedAt: number;
	lastEndedAt: number;
	/** Requests sent into an imposed quota window beyond the ≤ 4 that were in flight when it began. */
	sentIntoKnownSpentWindow: number;
	/** How long the imposed quota windows lasted that a later send had to wait out, in ms. */
	windowsToWaitMs: number;
}

let sim: Simulator | undefined;
let quotaEvery: { sends: number; pauseMs: number } | undefined;
let sends = 0;
/** The quota windows the benchmark imposed: [start, until] in epoch ms. */
let windows: Array<[number, number]> = [];

function stats(): Stats {
	const s = sim!;
	const byStatus: Record<string, number> = {};
	const byOperation: Record<string, number> = {};
	for (const r of s.requests) {
		byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
		byOperation[r.operationId ?? '-'] = (byOperation[r.operationId ?? '-'] ?? 0) + 1;
	}
	const texts = s.state.sentMessages.map((m) => m.message);
	// A window's first refusals can be requests already in flight (at most 4 per business);
	// any beyond those were sent after the client had been told.
	let inside = 0;
	for (const [from, until] of windows) {
		const refused = s.requests.filter(
			(r) => r.status === 420 && r.startedAt >= from && r.startedAt < until,
		);
		inside += Math.max(0, refused.length - 4);
	}
	return {
		requests: s.requests.length,
		byStatus,
		byOperation,
		sent: texts.length + s.state.sentFiles.length,
		duplicateTexts: texts.length - new Set(texts).size,
		firstStartedAt: s.requests[0]?.startedAt ?? 0,
		lastEndedAt: Math.max(0, ...s.requests.map((r) => r.endedAt)),
		sentIntoKnownSpentWindow: inside,
		windowsToWaitMs: windows
			.filter(([start]) => s.requests.some((r) => r.status === 200 && r.startedAt > start))
			.reduce((sum, [start, until]) => sum + (until - start), 0),
	};
}

process.on('message', async (message: Command) => {
	const reply = (value: unknown) => process.send!(value);
	switch (message.cmd) {
		case 'start':
			quotaEvery = message.quotaEvery;
			sim = await startSimulator({
				...message.options,
				afterReply: (record) => {
					if (!quotaEvery || record.operationId !== 'sendMessageToChat' || record.status !== 200)
						return;
					if (++sends % quotaEvery.sends === 0) {
						const now = Date.now();
						sim!.spendQuotaUntil('sendMessageToChat', now + quotaEvery.pauseMs);
						// The simulator ends a window on a whole second, as Market's Until does.
						windows.push([now, Math.ceil((now + quotaEvery.pauseMs) / 1000) * 1000]);
					}
				},
			});
			return reply({ url: sim.url });
		case 'reset':
			sim!.reset();
			sends = 0;
			windows = [];
			return reply({});
		case 'seed': {
			const s = sim!;
			const business = s.state.businesses[0].id;
			let lastChatId = 0;
			for (let i = 0; i < (message.chats ?? 0); i++)
				lastChatId = s.addChat({ businessId: business }).chatId;
			for (let i = 0; i < (message.reviews ?? 0); i++)
				s.addFeedback({ businessId: business, offerId: `SKU-${i % 20}`, rating: 1 + (i % 5) });
			for (let i = 0; i < (message.questions ?? 0); i++)
				s.addQuestion({ businessId: business, offerId: `SKU-${i % 20}` });
			if (message.messages) {
				for (let i = 0; i < message.messages.count; i++) {
					s.addMessage(message.messages.chatId, { message: `message ${i}` });
				}
			}
			return reply({
				lastChatId,
				chats: s.state.chats.filter((c) => c.businessId === business).length,
			});
		}
		case 'stats':
			return reply(stats());
		case 'close':
			await sim?.close();
			reply({});
			process.exit(0);
	}
});
