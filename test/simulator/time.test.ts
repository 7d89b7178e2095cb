/** Market's dates: Moscow time, calendar months. */
import { formatMsk, monthsBefore, mskDate, mskDayStart } from './time';

const at = (iso: string) => Date.parse(iso);

describe('Moscow time', () => {
	it('formats and dates moments in Moscow time', () => {
		expect(formatMsk(at('2026-11-20T21:30:00Z'))).toBe('2026-11-21T00:30:00+03:00');
		expect(mskDate(at('2026-11-20T21:30:00Z'))).toBe('2026-11-21');
		expect(mskDayStart('2026-11-21')).toBe(at('2026-11-20T21:00:00Z'));
	});

	it.each([
		['2026-11-21T09:30:00+03:00', 6, '2026-05-21T09:30:00+03:00'],
		['2026-08-31T12:00:00+03:00', 6, '2026-02-28T12:00:00+03:00'],
		['2028-08-31T12:00:00+03:00', 6, '2028-02-29T12:00:00+03:00'],
		['2026-03-31T00:00:00+03:00', 1, '2026-02-28T00:00:00+03:00'],
		['2026-01-15T01:00:00+03:00', 1, '2025-12-15T01:00:00+03:00'],
	])('%s minus %i months is %s (the last day when the month is shorter)', (from, n, to) => {
		expect(formatMsk(monthsBefore(at(from), n))).toBe(to);
	});
});
