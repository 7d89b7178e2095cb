import { NodeOperationError, type INode } from 'n8n-workflow';

/** Groups digits the way sellers read them: 5 242 881 (or 1,000 with `separator` ','). */
export function formatCount(n: number, separator = ' '): string {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/**
 * A text's length as Market counts it: its spec limits strings with JSON Schema's maxLength,
 * which counts Unicode code points. So 😀 is 1 (JavaScript's `length` says 2), while a flag or
 * a skin-toned emoji, made of several code points, counts as several.
 */
export function codePointLength(text: string): number {
	let n = 0;
	for (const _ of text) n++;
	return n;
}

export function invalidParameter(
	node: INode,
	itemIndex: number,
	message: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(node, message, { itemIndex, description, level: 'warning' });
}

export interface TextLimits {
	/** How the error names the text, e.g. "Message text". */
	label: string;
	/** The parameter's display name and name, e.g. "Text" and "text". */
	displayName: string;
	field: string;
	min: number;
	max: number;
	/** What to do about a text that is too long, besides shortening it. */
	tooLong?: string;
}

/**
 * A text Market limits in length, checked before anything is sent: not blank, and at most
 * `max` code points, as Market counts. Returns the text as it is.
 */
export function checkText(
	node: INode,
	itemIndex: number,
	text: unknown,
	limits: TextLimits,
): string {
	const range = `${limits.min}–${limits.max}`;
	if (typeof text !== 'string' || text.trim() === '') {
		throw invalidParameter(
			node,
			itemIndex,
			`${limits.label} is empty; Yandex Market accepts ${range} characters`,
			`Fill in ${limits.displayName} (${limits.field}), or map it from an earlier node.`,
		);
	}
	const length = codePointLength(text);
	if (length > limits.max) {
		throw invalidParameter(
			node,
			itemIndex,
			`${limits.label} is ${formatCount(length)} characters; Yandex Market accepts ${range}`,
			`Shorten the text (${limits.field})${limits.tooLong ? `, ${limits.tooLong}` : ''}. Market counts Unicode characters (code points): most emoji count as 1, a flag or a skin-toned emoji as 2 or more.`,
		);
	}
	return text;
}

/** Market's ID (int64 ≥ 1) in a number or a string of digits; undefined when it is none. */
export function idOf(value: unknown): number | undefined {
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	const id = /^\d+$/.test(text) ? Number(text) : NaN;
	return Number.isSafeInteger(id) && id >= 1 ? id : undefined;
}

/**
 * Market's IDs are int64 ≥ 1. Accepts a number or a string of digits (what a resource locator
 * or an expression gives) and refuses anything else before a request is made.
 */
export function parseId(
	node: INode,
	itemIndex: number,
	value: unknown,
	label: string,
	field: string,
): number {
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (text === '') {
		throw invalidParameter(
			node,
			itemIndex,
			`${label} (${field}) is empty; enter a whole number of 1 or more`,
		);
	}
	const id = idOf(text);
	if (id === undefined) {
		throw invalidParameter(
			node,
			itemIndex,
			`${label} (${field}) must be a whole number of 1 or more; got ${JSON.stringify(value)}`,
		);
	}
	return id;
}

/** Comma- or space-separated IDs, as sellers paste them (e.g. "123, 456"). */
export function parseIdList(
	node: INode,
	itemIndex: number,
	value: unknown,
	label: string,
	field: string,
): number[] {
	const parts = Array.isArray(value) ? value : String(value ?? '').split(/[\s,;]+/);
	const ids = parts
		.filter((part) => String(part).trim() !== '')
		.map((part) => parseId(node, itemIndex, part, label, field));
	return [...new Set(ids)];
}
