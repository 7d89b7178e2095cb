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

/**
 * Date-time windows of at most `months` covering (from, to). Market's bounds are exclusive, so
 * each window starts a second before the last one ended: an entry on a seam is in both, and
 * the caller keeps it once.
 */
export function dateTimeWindows(from: Date, to: Date, months: number): Array<[string, string]> {
	const windows: Array<[string, string]> = [];
	let start = from;
	for (;;) {
		// A day short of the limit: Market's own count of "6 months" is not stated.
		const end = new Date(addMonths(start, months).getTime() - 86_400_000);
		if (end.getTime() >= to.getTime()) {
			windows.push([start.toISOString(), to.toISOString()]);
			return windows;
		}
		windows.push([start.toISOString(), end.toISOString()]);
		start = new Date(end.getTime() - 1000);
	}
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** Day windows of at most `months` (both days included) covering [from, to]. */
export function dayWindows(from: Date, to: Date, months: number): Array<[string, string]> {
	const windows: Array<[string, string]> = [];
	let start = from;
	for (;;) {
		const end = new Date(addMonths(start, months).getTime() - 86_400_000);
		if (end.getTime() >= to.getTime()) {
			windows.push([day(start), day(to)]);
			return windows;
		}
		windows.push([day(start), day(end)]);
		start = new Date(end.getTime() + 86_400_000);
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
