// Keeps webhook requests away from the server's own network (SSRF): a target's host is resolved once, every
// address it resolves to is checked, and the connection is made to a checked address, never resolved again.
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Raised before any connection is attempted; the message says which address was refused and why. */
export class TargetRefusedError extends Error {
  override name = 'TargetRefusedError';
}

/** The host has no address: refused when an endpoint is saved, a failed (retried) attempt when delivering. */
export class TargetUnresolvedError extends TargetRefusedError {
  override name = 'TargetUnresolvedError';
}

export interface ResolvedTarget {
  hostname: string;
  /** Every address the host resolved to, all of them checked. */
  addresses: { address: string; family: 4 | 6 }[];
}

const rule = (reason: string, v4: [string, number][], v6: [string, number][]) => {
  const list = new BlockList();
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return { reason, list };
};

// Checked in this order, so the more specific reason wins (::1 is loopback before it is part of ::/96).
// BlockList also matches IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) against the IPv4 subnets.
const RULES = [
  rule('a loopback address', [['127.0.0.0', 8]], [['::1', 128]]),
  rule('an unspecified ("this network") address', [['0.0.0.0', 8]], [['::', 128]]),
  rule('a private address', [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]], [['fc00::', 7]]),
  rule('a link-local address (cloud metadata services such as 169.254.169.254 live there)', [['169.254.0.0', 16]], [['fe80::', 10]]),
  rule('a shared (carrier-grade NAT) address', [['100.64.0.0', 10]], []),
  rule('a multicast address', [['224.0.0.0', 4]], [['ff00::', 8]]),
  rule(
    'a reserved address',
    // IETF protocol assignments, benchmarking networks (often used inside data centres), class E and broadcast.
    [['192.0.0.0', 24], ['198.18.0.0', 15], ['240.0.0.0', 4]],
    // Deprecated IPv4-compatible (::a.b.c.d) and site-local addresses.
    [['::', 96], ['fec0::', 10]],
  ),
];

/** Why an address may not be a webhook target, or null when it is a public address. */
export function refusalReason(address: string): string | null {
  const family = isIP(address);
  if (!family) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { reason, list } of RULES) if (list.check(address, type)) return reason;
  return null;
}

const ALLOW_HINT = 'set WEBHOOK_ALLOW_PRIVATE_TARGETS=true to allow private targets in development';

/**
 * Resolves the URL's host (all its addresses) and checks each one; one refused address refuses the host,
 * since the connection could otherwise land on it. With allowPrivate, addresses are only resolved.
 */
export async function resolveTarget(url: URL, allowPrivate: boolean): Promise<ResolvedTarget> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetRefusedError(`${url.protocol} URLs are not allowed; use http: or https:`);
  // URL keeps the brackets of an IPv6 literal: [::1].
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: ResolvedTarget['addresses'];
  if (isIP(hostname)) {
    addresses = [{ address: hostname, family: isIP(hostname) as 4 | 6 }];
  } else {
    try {
      addresses = (await dnsLookup(hostname, { all: true, verbatim: true })) as ResolvedTarget['addresses'];
    } catch (err) {
      throw new TargetUnresolvedError(`${hostname} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'DNS error'})`);
    }
    if (!addresses.length) throw new TargetUnresolvedError(`${hostname} does not resolve`);
  }
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const reason = refusalReason(address);
      if (reason) {
        const shown = address === hostname ? address : `${hostname} resolves to ${address}, which`;
        throw new TargetRefusedError(`${shown} is ${reason}; ${ALLOW_HINT}`);
      }
    }
  }
  return { hostname, addresses };
}

/**
 * A `lookup` for http.request that answers with the addresses already checked instead of asking DNS again,
 * so a second answer (DNS rebinding) cannot redirect the socket. Node calls it only for hostnames, not IP literals.
 */
export function pinnedLookup(target: ResolvedTarget): LookupFunction {
  return (hostname, options, callback) => {
    if (hostname !== target.hostname) {
      callback(Object.assign(new Error(`unexpected lookup of ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      return;
    }
    // With autoSelectFamily (Node 20's default) the socket asks for every address and tries them in turn.
    if (options.all) callback(null, target.addresses);
    else callback(null, target.addresses[0].address, target.addresses[0].family);
  };
}

/**
 * For endpoint creation and updates: null when the URL may be used as a webhook target, otherwise a sentence
 * saying why not (bad scheme, host that does not resolve, refused address). Deliveries check again every time.
 */
export async function checkTargetUrl(url: string, allowPrivate: boolean): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  try {
    await resolveTarget(parsed, allowPrivate);
    return null;
  } catch (err) {
    if (err instanceof TargetRefusedError) return err.message;
    throw err;
  }
}
