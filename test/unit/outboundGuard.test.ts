// The outbound URL guard as pure logic: address classes, URL forms, the allowlist, and what the
// host resolves to (a stub resolver stands in for DNS, which this machine does not have).
import {
  checkOutboundUrl,
  graphEndpointAllowlist,
  isPublicAddress,
  MICROSOFT_GRAPH_HOSTS,
  MICROSOFT_LOGIN_HOSTS,
  nonPublicReason,
  type OutboundAllowlist,
  type ResolveHost,
  urlFormProblem,
} from '../../src/outbound';

/** A public address of Microsoft's (login.microsoftonline.com resolves into 20.190.128.0/18). */
const MICROSOFT_ADDRESS = '20.190.151.68';

function resolverOf(addresses: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve: ResolveHost = async (hostname) => {
    asked.push(hostname);
    const found = addresses[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };
  return { resolve, asked };
}

const microsoftDns = () =>
  resolverOf(
    Object.fromEntries(
      [...MICROSOFT_GRAPH_HOSTS, ...MICROSOFT_LOGIN_HOSTS].map((host) => [host, [MICROSOFT_ADDRESS]]),
    ),
  );

describe('address classes', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.0.9', 'a loopback address'],
    ['10.0.0.1', 'a private address'],
    ['172.16.5.4', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['169.254.169.254', 'a link-local address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['0.0.0.0', 'an unspecified address'],
    ['224.0.0.1', 'a multicast address'],
    ['255.255.255.255', 'a broadcast address'],
    ['198.18.0.1', 'a reserved address'],
    ['192.0.2.10', 'a reserved address'],
    ['::1', 'a loopback address'],
    ['::', 'an unspecified address'],
    ['fe80::1', 'a link-local address'],
    ['fc00::1', 'a unique-local address'],
    ['fd12:3456::1', 'a unique-local address'],
    ['ff02::1', 'a multicast address'],
    ['::ffff:127.0.0.1', 'a loopback address (in IPv6 form)'],
    ['::ffff:a9fe:a9fe', 'a link-local address (in IPv6 form)'],
    ['::ffff:10.0.0.1', 'a private address (in IPv6 form)'],
    ['64:ff9b::a00:1', 'a private address (in IPv6 form)'],
    ['::7f00:1', 'not a global unicast address'],
    ['fec0::1', 'not a global unicast address'],
    ['2002:7f00:1::1', 'a 6to4 address'],
    ['2001::1', 'a Teredo address'],
    ['2001:db8::1', 'a reserved address'],
  ])('%s is %s', (address, reason) => {
    expect(nonPublicReason(address)).toBe(reason);
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([MICROSOFT_ADDRESS, '8.8.8.8', '2603:1036:3000::1', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    '%s is public',
    (address) => {
      expect(nonPublicReason(address)).toBeUndefined();
    },
  );
});

describe('checkOutboundUrl with the Graph endpoint allowlist', () => {
  const microsoftOnly = graphEndpointAllowlist();

  it.each([
    ['https://graph.microsoft.com', 'https://graph.microsoft.com'],
    ['https://graph.microsoft.com/', 'https://graph.microsoft.com'],
    ['https://GRAPH.Microsoft.com:443', 'https://graph.microsoft.com'],
    ['https://login.microsoftonline.com', 'https://login.microsoftonline.com'],
    ['https://graph.microsoft.us', 'https://graph.microsoft.us'],
    ['https://dod-graph.microsoft.us', 'https://dod-graph.microsoft.us'],
    ['https://login.microsoftonline.us', 'https://login.microsoftonline.us'],
    ['https://microsoftgraph.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn'],
    ['https://login.chinacloudapi.cn', 'https://login.chinacloudapi.cn'],
    ['https://login.partner.microsoftonline.cn', 'https://login.partner.microsoftonline.cn'],
  ])('accepts %s (public addresses) as %s', async (url, origin) => {
    const dns = microsoftDns();
    const verdict = await checkOutboundUrl(url, microsoftOnly, dns.resolve);
    expect(verdict).toMatchObject({ allowed: true, trusted: false });
    expect(verdict.allowed && verdict.url.origin).toBe(origin);
    expect(dns.asked).toEqual([new URL(url).hostname]);
  });

  it.each([
    ['graph.microsoft.com', 'must be an absolute https:// URL'],
    ['http://graph.microsoft.com', 'must be an https:// URL'],
    ['ftp://graph.microsoft.com', 'must be an https:// URL'],
    ['https://user:pw@graph.microsoft.com', 'must not contain a user name or password'],
    ['https://user@graph.microsoft.com', 'must not contain a user name or password'],
    ['https://:pw@graph.microsoft.com', 'must not contain a user name or password'],
    ['https://graph.microsoft.com?x=1', 'must not have a query'],
    ['https://graph.microsoft.com/?', 'must not have a query'],
    ['https://graph.microsoft.com#f', 'must not have a fragment'],
    ['https://graph.microsoft.com/#', 'must not have a fragment'],
    ['https://graph.microsoft.com/v1.0', 'must be the service root, without a path'],
    ['https://graph.microsoft.com//', 'must be the service root, without a path'],
    ['https://graph.microsoft.com:8443', 'graph.microsoft.com:8443 is not on the allowlist'],
    ['https://attacker.example', 'attacker.example:443 is not on the allowlist'],
    [
      'https://graph.microsoft.com.attacker.example',
      'graph.microsoft.com.attacker.example:443 is not on the allowlist',
    ],
    ['https://graph.microsoft.com.', 'graph.microsoft.com.:443 is not on the allowlist'],
    ['https://169.254.169.254', '169.254.169.254 is a link-local address'],
    ['https://10.0.0.1', '10.0.0.1 is a private address'],
    ['https://127.0.0.1', '127.0.0.1 is a loopback address'],
    ['https://0x7f.1', '127.0.0.1 is a loopback address'],
    ['https://2130706433', '127.0.0.1 is a loopback address'],
    ['https://[::1]', '::1 is a loopback address'],
    ['https://[::ffff:127.0.0.1]', '::ffff:7f00:1 is a loopback address (in IPv6 form)'],
    ['https://[::ffff:169.254.169.254]', '::ffff:a9fe:a9fe is a link-local address (in IPv6 form)'],
    ['https://[fd00::1]', 'fd00::1 is a unique-local address'],
    ['https://[fe80::1]', 'fe80::1 is a link-local address'],
    ['https://8.8.8.8', '8.8.8.8:443 is not on the allowlist'],
  ])('refuses %s: %s, resolving nothing', async (url, reason) => {
    const dns = microsoftDns();
    expect(await checkOutboundUrl(url, microsoftOnly, dns.resolve)).toEqual({
      allowed: false,
      reason,
      unresolved: false,
    });
    expect(dns.asked).toEqual([]);
  });

  it.each([
    [['127.0.0.1'], 'loopback'],
    [['169.254.169.254'], 'link-local (cloud metadata)'],
    [[MICROSOFT_ADDRESS, '10.0.0.7'], 'one private among public ones'],
    [['::ffff:10.0.0.7'], 'IPv4-mapped private'],
    [['fd00::7'], 'unique-local'],
  ])('refuses a Microsoft host that resolves to %j (%s)', async (addresses) => {
    const { resolve } = resolverOf({ 'graph.microsoft.com': addresses });
    expect(await checkOutboundUrl('https://graph.microsoft.com', microsoftOnly, resolve)).toEqual({
      allowed: false,
      reason: 'graph.microsoft.com resolves to an address that is not public',
      unresolved: false,
    });
  });

  it('says when the host does not resolve, which a later attempt may change', async () => {
    const { resolve } = resolverOf({});
    expect(await checkOutboundUrl('https://graph.microsoft.us', microsoftOnly, resolve)).toEqual({
      allowed: false,
      reason: 'graph.microsoft.us could not be resolved',
      unresolved: true,
    });
  });

  it('accepts an allowlisted loopback host:port without resolving it, and nothing beside it', async () => {
    const allowlist = graphEndpointAllowlist(['127.0.0.1:4443', '[::1]:8443', 'graph-proxy.internal:443']);
    const dns = resolverOf({ 'graph-proxy.internal': ['10.1.2.3'] });
    for (const url of ['https://127.0.0.1:4443', 'https://[::1]:8443/', 'https://graph-proxy.internal']) {
      expect(await checkOutboundUrl(url, allowlist, dns.resolve)).toMatchObject({
        allowed: true,
        trusted: true,
      });
    }
    expect(dns.asked).toEqual([]);
    for (const url of [
      'https://127.0.0.1:4444',
      'https://127.0.0.1',
      'https://[::1]:4443',
      'https://localhost:4443',
    ]) {
      expect(await checkOutboundUrl(url, allowlist, dns.resolve)).toMatchObject({ allowed: false });
    }
    // Being listed does not excuse the URL's form.
    expect(await checkOutboundUrl('https://u:p@127.0.0.1:4443', allowlist, dns.resolve)).toMatchObject({
      allowed: false,
      reason: 'must not contain a user name or password',
    });
  });
});

describe('checkOutboundUrl for URLs that may name any public host', () => {
  const anyPublic: OutboundAllowlist = { publicHosts: 'any', trustedHosts: new Set() };

  it('accepts a host that resolves public and refuses one that resolves private', async () => {
    const { resolve } = resolverOf({
      'hooks.example.net': ['8.8.4.4'],
      'intranet.example.net': ['192.168.0.9'],
    });
    expect(await checkOutboundUrl('https://hooks.example.net', anyPublic, resolve)).toMatchObject({
      allowed: true,
    });
    expect(await checkOutboundUrl('https://hooks.example.net:8443', anyPublic, resolve)).toMatchObject({
      allowed: true,
    });
    expect(await checkOutboundUrl('https://intranet.example.net', anyPublic, resolve)).toMatchObject({
      allowed: false,
      reason: 'intranet.example.net resolves to an address that is not public',
    });
  });

  it("resolves with the system's resolver by default (localhost, from /etc/hosts)", async () => {
    expect(await checkOutboundUrl('https://localhost:8443', anyPublic)).toEqual({
      allowed: false,
      reason: 'localhost resolves to an address that is not public',
      unresolved: false,
    });
  });

  it('accepts a public IP literal and refuses private ones in every notation', async () => {
    const { resolve } = resolverOf({});
    expect(await checkOutboundUrl('https://8.8.8.8', anyPublic, resolve)).toMatchObject({ allowed: true });
    for (const url of [
      'https://[::ffff:10.0.0.1]',
      'https://[64:ff9b::a9fe:a9fe]',
      'https://[::]',
      'https://0',
    ]) {
      expect(await checkOutboundUrl(url, anyPublic, resolve)).toMatchObject({ allowed: false });
    }
  });
});

describe('URL forms', () => {
  const anyPublic: OutboundAllowlist = { publicHosts: 'any', trustedHosts: new Set() };

  it('a service root (Graph) refuses paths and queries, as before', () => {
    expect(urlFormProblem('https://graph.example.net/v1.0')).toBe('must be the service root, without a path');
    expect(urlFormProblem('https://graph.example.net/?a=1')).toBe('must not have a query');
  });

  it('an endpoint (webhook, Teams) may have a path and a query, but no fragment or user info', async () => {
    expect(urlFormProblem('https://hooks.example.net/tenantvault/in', 'endpoint')).toBeUndefined();
    expect(
      urlFormProblem('https://prod.westeurope.logic.azure.com/workflows/1/triggers?sig=x', 'endpoint'),
    ).toBeUndefined();
    expect(urlFormProblem('https://hooks.example.net/in#x', 'endpoint')).toBe('must not have a fragment');
    expect(urlFormProblem('https://a:b@hooks.example.net/in', 'endpoint')).toBe(
      'must not contain a user name or password',
    );
    expect(urlFormProblem('http://hooks.example.net/in', 'endpoint')).toBe('must be an https:// URL');
    const { resolve } = resolverOf({ 'hooks.example.net': ['8.8.4.4'] });
    expect(
      await checkOutboundUrl('https://hooks.example.net/in?x=1', anyPublic, resolve, 'endpoint'),
    ).toMatchObject({
      allowed: true,
    });
  });
});
