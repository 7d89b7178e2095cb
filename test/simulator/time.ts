/** Market's clock: Moscow time (UTC+3 all year), as its dates are written and its days count. */
const MSK_OFFSET_MS = 3 * 3_600_000;

/** Formats epoch ms as ISO 8601 in Moscow time (`2026-11-20T18:00:00+03:00`). */
export function formatMsk(ms: number): string {
	return new Date(ms + MSK_OFFSET_MS).toISOString().slice(0, 19) + '+03:00';
}

/** The Moscow calendar date of a moment (`2026-11-20`). */
export function mskDate(ms: number): string {
	return formatMsk(ms).slice(0, 10);
}

/** The start of a Moscow calendar date (`2026-11-20`) in epoch ms. */
export function mskDayStart(date: string): number {
	return Date.parse(`${date}T00:00:00+03:00`);
}

/**
 * The same Moscow wall-clock time `months` calendar months earlier. A day the earlier month
 * does not have becomes its last day (31 August − 6 months = 28/29 February).
 */
export function monthsBefore(ms: number, months: number): number {
	const d = new Date(ms + MSK_OFFSET_MS);
	const month = d.getUTCMonth() - months;
	const lastDay = new Date(Date.UTC(d.getUTCFullYear(), month + 1, 0)).getUTCDate();
	d.setUTCFullYear(d.getUTCFullYear(), month, Math.min(d.getUTCDate(), lastDay));
	return d.getTime() - MSK_OFFSET_MS;
}
