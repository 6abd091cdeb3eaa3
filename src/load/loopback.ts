import { isIPv4, isIPv6 } from 'node:net';
import { LoadError } from '../errors.js';

/**
 * perfgate only ever sends load to this machine: a gate running in CI must not be able to flood a
 * real host because of a typo in a config file. The URL is parsed with the WHATWG parser, which
 * normalises the shorthand forms of an address (127.1, 2130706433, 0x7f.1) before the check, and
 * the normalised href is what the load generator is given, so the host checked is the host hit.
 */
export function assertLoopbackUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LoadError(
      `load target URL "${url}" is not a valid URL; expected an absolute URL such as http://127.0.0.1:3000/path`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new LoadError(`load target URL "${url}" uses protocol "${parsed.protocol}"; expected http: or https:`);
  }
  if (!isLoopbackHost(parsed.hostname)) {
    throw new LoadError(
      `load target URL "${url}" is not on this machine: host "${parsed.hostname}" is not loopback; ` +
        'expected 127.0.0.0/8, localhost or [::1] (perfgate sends load only to the local machine)',
    );
  }
  return parsed;
}

/**
 * The one loopback check of perfgate (config, readiness probes and load all use it): a hostname as
 * the WHATWG URL parser gives it (IPv6 in brackets), or written by hand, in any case.
 */
export function isLoopbackHost(name: string): boolean {
  const hostname = name.toLowerCase();
  if (hostname === 'localhost') return true;
  if (isIPv4(hostname)) return hostname.startsWith('127.');
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (!isIPv6(bare)) return false;
  if (bare === '::1') return true;
  // IPv4-mapped loopback, which the parser writes as ::ffff:7fXX:XXXX.
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(bare);
}
