// Which IP addresses an outbound request may reach when its host was not trusted by the operator.
// ipaddr.js (express's own dependency) classifies the ranges; the few it leaves as "unicast" in
// 1.9 but that no public service lives in are added here.
import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/** IPv4 unicast ranges ipaddr.js 1.9 does not name: benchmarking (RFC 2544) and 6to4 relay anycast. */
const EXTRA_IPV4_NON_PUBLIC: [IPv4, number][] = [
  [ipaddr.IPv4.parse('198.18.0.0'), 15],
  [ipaddr.IPv4.parse('192.88.99.0'), 24],
];

/**
 * Only global unicast (2000::/3) is public IPv6. Listing the bad ranges instead would let through
 * what ipaddr.js 1.9 leaves unnamed: IPv4-compatible ::a.b.c.d, site-local fec0::/10, 100::/64.
 */
const IPV6_GLOBAL_UNICAST: [IPv6, number] = [ipaddr.IPv6.parse('2000::'), 3];

/** IPv6 forms that carry an IPv4 address in their last 32 bits: judged by that address. */
const IPV4_EMBEDDING_RANGES = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052']);

const RANGE_NAMES: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  uniqueLocal: 'a unique-local address',
  reserved: 'a reserved address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
};

/** Whether `text` is an IPv4 or IPv6 address (IPv6 without brackets), not a host name. */
export function isIpAddress(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text);
}

/**
 * Why the address is not public ("a loopback address", …), or undefined for a public address.
 * Throws for text that is not an IP address.
 */
export function nonPublicReason(address: string): string | undefined {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return ipv4Reason(parsed as IPv4);
  const ipv6 = parsed as IPv6;
  const range = ipv6.range();
  if (IPV4_EMBEDDING_RANGES.has(range)) {
    const reason = ipv4Reason(embeddedIpv4(ipv6));
    return reason && `${reason} (in IPv6 form)`;
  }
  if (range !== 'unicast') return RANGE_NAMES[range] ?? `a ${range} address`;
  return ipv6.match(IPV6_GLOBAL_UNICAST) ? undefined : 'not a global unicast address';
}

export function isPublicAddress(address: string): boolean {
  return nonPublicReason(address) === undefined;
}

function ipv4Reason(address: IPv4): string | undefined {
  const range = address.range();
  if (range !== 'unicast') return RANGE_NAMES[range] ?? `a ${range} address`;
  return EXTRA_IPV4_NON_PUBLIC.some((cidr) => address.match(cidr)) ? 'a reserved address' : undefined;
}

function embeddedIpv4(address: IPv6): IPv4 {
  const bytes = address.toByteArray().slice(12);
  return new ipaddr.IPv4(bytes);
}
