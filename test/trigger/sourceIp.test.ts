import {
	MARKET_RANGES,
	isAllowedAddress,
	normalizeAddress,
	parseAllowList,
	parseRange,
	rejectionMessage,
} from '../../nodes/YandexMarket/trigger/sourceIp';

describe("Market's address ranges", () => {
	it('are the three /25 ranges of the documentation', () => {
		expect(MARKET_RANGES).toEqual(['5.45.207.0/25', '141.8.142.0/25', '5.255.253.0/25']);
	});

	it.each([
		['5.45.207.0', true],
		['5.45.207.1', true],
		['5.45.207.127', true],
		['5.45.207.128', false],
		['5.45.207.255', false],
		['5.45.206.255', false],
		['141.8.142.0', true],
		['141.8.142.64', true],
		['141.8.142.127', true],
		['141.8.142.128', false],
		['141.8.143.1', false],
		['5.255.253.0', true],
		['5.255.253.127', true],
		['5.255.253.128', false],
		['5.255.252.127', false],
		['127.0.0.1', false],
		['10.0.0.1', false],
		['0.0.0.0', false],
	])('%s → %s', (address, allowed) => {
		expect(isAllowedAddress(address)).toBe(allowed);
	});

	it.each([
		['::ffff:5.45.207.1', true],
		['::FFFF:141.8.142.127', true],
		['::ffff:5.45.207.128', false],
		['::ffff:052d:cf01', true], // 5.45.207.1 written in hex
		['::ffff:052d:cf80', false], // 5.45.207.128
		['0:0:0:0:0:ffff:5.255.253.5', true],
		['[::ffff:5.45.207.1]', true],
		['::1', false],
		['2a02:6b8::1', false],
	])('IPv6 form %s → %s', (address, allowed) => {
		expect(isAllowedAddress(address)).toBe(allowed);
	});

	it('refuses what is no address at all', () => {
		for (const bad of [
			undefined,
			'',
			'localhost',
			'5.45.207',
			'5.45.207.1.1',
			'5.45.207.256',
			'a.b.c.d',
		]) {
			expect(isAllowedAddress(bad)).toBe(false);
		}
	});
});

describe('Extra Allowed IPs', () => {
	it('takes addresses and CIDR ranges separated by commas, spaces or lines', () => {
		const { ranges, invalid } = parseAllowList(
			' 203.0.113.7, 198.51.100.0/24\n2001:db8::/32;10.1.2.3/32 ',
		);
		expect(invalid).toEqual([]);
		expect(ranges.map((r) => r.text)).toEqual([
			'203.0.113.7',
			'198.51.100.0/24',
			'2001:db8::/32',
			'10.1.2.3/32',
		]);
		expect(isAllowedAddress('203.0.113.7', ranges)).toBe(true);
		expect(isAllowedAddress('203.0.113.8', ranges)).toBe(false);
		expect(isAllowedAddress('198.51.100.0', ranges)).toBe(true);
		expect(isAllowedAddress('198.51.100.255', ranges)).toBe(true);
		expect(isAllowedAddress('198.51.101.0', ranges)).toBe(false);
		expect(isAllowedAddress('::ffff:198.51.100.9', ranges)).toBe(true);
		expect(isAllowedAddress('2001:db8:1::5', ranges)).toBe(true);
		expect(isAllowedAddress('2001:db9::5', ranges)).toBe(false);
		expect(isAllowedAddress('10.1.2.3', ranges)).toBe(true);
		// Market's own ranges stay allowed.
		expect(isAllowedAddress('5.45.207.10', ranges)).toBe(true);
	});

	it('reports entries that are not addresses', () => {
		expect(parseAllowList('1.2.3.4, nonsense, 1.2.3.0/33, 300.1.1.1, 1.2.3.4/x').invalid).toEqual([
			'nonsense',
			'1.2.3.0/33',
			'300.1.1.1',
			'1.2.3.4/x',
		]);
		expect(parseAllowList(undefined)).toEqual({ ranges: [], invalid: [] });
	});

	it('handles /0 and odd prefixes', () => {
		const all = parseRange('0.0.0.0/0')!;
		expect(isAllowedAddress('8.8.8.8', [all])).toBe(true);
		const odd = parseRange('192.168.1.64/27')!;
		expect(isAllowedAddress('192.168.1.64', [odd])).toBe(true);
		expect(isAllowedAddress('192.168.1.95', [odd])).toBe(true);
		expect(isAllowedAddress('192.168.1.96', [odd])).toBe(false);
		expect(isAllowedAddress('192.168.1.63', [odd])).toBe(false);
		// An IPv4 range never matches an IPv6 address and the other way round.
		expect(isAllowedAddress('2001:db8::1', [all])).toBe(false);
	});
});

describe('normalizeAddress', () => {
	it('unwraps IPv4-mapped IPv6, brackets and zones', () => {
		expect(normalizeAddress('::ffff:5.45.207.1')).toBe('5.45.207.1');
		expect(normalizeAddress('[fe80::1%eth0]')).toBe('fe80::1');
		expect(normalizeAddress(' 5.45.207.1 ')).toBe('5.45.207.1');
	});
});

describe('rejection message', () => {
	it('names the address and, behind an untrusted proxy, N8N_PROXY_HOPS', () => {
		const text = rejectionMessage({ ip: '::ffff:10.0.0.2', ips: [], forwardedFor: '5.45.207.1' });
		expect(text).toContain('10.0.0.2');
		expect(text).toContain('X-Forwarded-For: 5.45.207.1');
		expect(text).toContain('N8N_PROXY_HOPS');
		expect(text).toContain('5.45.207.0/25');
	});

	it('mentions N8N_PROXY_HOPS also without a forwarded header', () => {
		const text = rejectionMessage({ ip: '203.0.113.9' });
		expect(text).toContain('203.0.113.9');
		expect(text).toContain('N8N_PROXY_HOPS');
		expect(text).toContain('Extra Allowed IPs');
	});
});
