/** Message → Send File: Market's sendFileToChat (POST /v2/businesses/{businessId}/chats/file/send). */
import type { INodeProperties } from 'n8n-workflow';
import { LIMITS } from '../../shared/constants';
import { buildMultipart } from '../../shared/multipart';
import { marketOperation } from '../../shared/run';
import { formatCount, invalidParameter } from '../../shared/validate';

const show = { resource: ['message'], operation: ['sendFile'] };

export const messageSendFileOperation = marketOperation(
	{
		name: 'Send File',
		value: 'sendFile',
		action: 'Send a file',
		description: 'Send a file (up to 5 MB) to the buyer in a chat',
	},
	{
		operationId: 'sendFileToChat',
		queryIds: { chatId: 'Chat ID' },
		async prepare(request) {
			const node = this.getNode();
			const itemIndex = this.getItemIndex();
			const property = String(this.getNodeParameter('binaryPropertyName', 'data')).trim();
			const binary = this.getInputData().binary ?? {};
			const file = binary[property];
			if (!file) {
				const available = Object.keys(binary);
				throw invalidParameter(
					node,
					itemIndex,
					`The input item has no binary field "${property}" (Input Binary Field)`,
					available.length
						? `Binary fields on this item: ${available.join(', ')}.`
						: 'This item has no binary data. Read or download the file in an earlier node.',
				);
			}
			const tooBig = (bytes: number) =>
				invalidParameter(
					node,
					itemIndex,
					`File "${file.fileName ?? property}" is ${formatCount(bytes)} bytes; Yandex Market accepts files up to 5 MB (${formatCount(LIMITS.fileMaxBytes)} bytes)`,
				);
			// Refuse a known-large file before reading it into memory.
			if (typeof file.bytes === 'number' && file.bytes > LIMITS.fileMaxBytes)
				throw tooBig(file.bytes);
			const data = await this.helpers.getBinaryDataBuffer(property);
			if (data.length > LIMITS.fileMaxBytes) throw tooBig(data.length);
			if (data.length === 0) {
				throw invalidParameter(
					node,
					itemIndex,
					`File "${file.fileName ?? property}" is empty (0 bytes)`,
				);
			}

			const fileName =
				file.fileName || `${property}${file.fileExtension ? `.${file.fileExtension}` : ''}`;
			const mimeType = file.mimeType || 'application/octet-stream';
			const multipart = buildMultipart('file', fileName, mimeType, data);
			request.body = multipart.body;
			request.contentType = multipart.contentType;
			request.sequenceKey = `chat:${request.businessId}:${request.qs.chatId}`;
			request.sent = { fileName, mimeType, fileSize: data.length };
		},
		output: (_body, request) => ({
			status: 'OK',
			businessId: request.businessId,
			chatId: request.qs.chatId,
			...request.sent,
		}),
	},
);

export const messageSendFileDescription: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show },
		hint: 'The name of the input binary field containing the file to be sent',
		description: 'Up to 5 MB. The buyer sees the file under its file name.',
	},
];
