import type { IDataObject, INode } from 'n8n-workflow';
import { invalidParameter } from './validate';

/**
 * Date ranges longer than Market takes in one request, cut into windows it takes, so that
 * Return All means all. Market's review bounds are exclusive date-times (6 months at most);
 * question bounds are days (1 month at most).
 */

/** `date` plus `months` calendar months (the day clamped to the month's last). */
export function addMonths(date: Date, months: number): Date {
	const next = new Date(date.getTime());
	const day = next.getUTCDate();
	next.setUTCDate(1);
	next.setUTCMonth(next.getUTCMonth() + months);
	const last = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
	next.setUTCDate(Math.min(day, last));
	return next;
}

const DAY_MS = 86_400_000;

/**
 * Windows of at most `months` covering the range, latest last:
 * - `dateTime` (reviews): Market's bounds are exclusive date-times, so each window starts a
 *   second before the last one ended; an entry on a seam is in both, and the caller keeps it once;
 * - `day` (questions): both days are included, so the next window starts the day after.
 * Each is a day short of the limit: Market's own count of "6 months" is not stated.
 */
export function dateWindows(
	from: Date,
	to: Date,
	months: number,
	unit: 'dateTime' | 'day',
): Array<[string, string]> {
	const format = (date: Date) =>
		unit === 'day' ? date.toISOString().slice(0, 10) : date.toISOString();
	const nextStart = unit === 'day' ? DAY_MS : -1000;
	const windows: Array<[string, string]> = [];
	let start = from;
	for (;;) {
		const end = new Date(addMonths(start, months).getTime() - DAY_MS);
		if (end.getTime() >= to.getTime()) {
			windows.push([format(start), format(to)]);
			return windows;
		}
		windows.push([format(start), format(end)]);
		start = new Date(end.getTime() + nextStart);
	}
}

/**
 * A From or To filter as a date; undefined when empty. `day`: Market takes a calendar day, read
 * as written ("2026-08-01", whatever n8n's time zone) when it starts with one.
 */
export function filterDate(
	node: INode,
	itemIndex: number,
	filters: IDataObject,
	field: string,
	label: string,
	day = false,
): Date | undefined {
	const raw = filters[field];
	if (raw === undefined || raw === null || raw === '') return undefined;
	const written = day ? /^\d{4}-\d{2}-\d{2}/.exec(String(raw)) : null;
	const date = new Date(written ? `${written[0]}T00:00:00Z` : String(raw));
	if (Number.isNaN(date.getTime()))
		throw invalidParameter(
			node,
			itemIndex,
			`${label} (${field}) is not a date: ${JSON.stringify(raw)}`,
		);
	return date;
}
