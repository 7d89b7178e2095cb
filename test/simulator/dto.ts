/** How the simulator's records are rendered as Market's DTOs. */
import type { ChatRecord, MessageRecord } from './fixtures';

// ---------------------------------------------------------------------------
// DTO rendering
// ---------------------------------------------------------------------------

export function contextDTO(chat: ChatRecord) {
	const c = chat.context;
	const dto: Record<string, unknown> = { type: c.type };
	if (c.customer) dto.customer = { ...c.customer };
	if (c.campaignId !== undefined) dto.campaignId = c.campaignId;
	if (c.orderId !== undefined) dto.orderId = c.orderId;
	if (c.returnId !== undefined) dto.returnId = c.returnId;
	return dto;
}

export function chatInfoDTO(chat: ChatRecord) {
	const dto: Record<string, unknown> = { chatId: chat.chatId };
	// Deprecated but still returned, like the real API does for order chats.
	if (chat.context.orderId !== undefined) dto.orderId = chat.context.orderId;
	dto.context = contextDTO(chat);
	dto.type = chat.type;
	dto.status = chat.status;
	dto.createdAt = chat.createdAt;
	dto.updatedAt = chat.updatedAt;
	return dto;
}

export function messageDTO(m: MessageRecord) {
	const dto: Record<string, unknown> = {
		messageId: m.messageId,
		createdAt: m.createdAt,
		sender: m.sender,
	};
	if (m.message !== undefined) dto.message = m.message;
	if (m.payload && m.payload.length > 0) dto.payload = m.payload.map((p) => ({ ...p }));
	return dto;
}
