/**
 * IP address functions.
 *
 * Decisions: IPv4 is strict dotted-quad (four decimal octets 0–255, no
 * leading zeros, since `010` is ambiguous between octal and decimal). IPv6
 * is RFC 4291 text (`::` compression, an embedded dotted-quad tail), without
 * a zone (`%eth0`). A CIDR may have host bits set (`10.1.2.3/8` is
 * `10.0.0.0/8`); a bare address is a /32 or /128. An address and a subnet of
 * different families never match, except that an IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`) is treated as its IPv4 address by `isPrivateIP`,
 * `isPublicIP` and `isReservedIP`. Invalid input answers `false`.
 *
 * @module
 */
import { argString } from './args.js';
import type { ScalarFunctionDef } from './types.js';

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
/** An address as bytes (4 or 16). @internal */
export type IpBytes = readonly number[];

/**
 * Parses a strict dotted-quad IPv4 address.
 *
 * @example
 * ```ts
 * parseIpv4('10.0.0.1') //=> [10, 0, 0, 1]
 * parseIpv4('010.0.0.1') //=> undefined
 * ```
 */
export function parseIpv4(s: string): number[] | undefined {
  if (s.length > 15) return undefined;
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || !/^\d+$/.test(p)) return undefined;
    if (p.length > 1 && p.startsWith('0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/**
 * Parses an IPv6 address to 16 bytes.
 *
 * @example
 * ```ts
 * parseIpv6('::1')?.[15] //=> 1
 * ```
 */
export function parseIpv6(s: string): number[] | undefined {
  if (s.length < 2 || s.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (text: string): number[] | undefined => {
    if (text === '') return [];
    const groups = text.split(':');
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i] ?? '';
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (!v4) return undefined;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
        continue;
      }
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  return bytes;
}

/** Parses an IPv4 or IPv6 address into bytes. @internal */
export function parseIp(s: string): IpBytes | undefined {
  return s.includes(':') ? parseIpv6(s) : parseIpv4(s);
}

/** A parsed CIDR. @internal */
export interface Cidr {
  readonly bytes: IpBytes;
  readonly prefix: number;
}

/** Parses an IPv4 or IPv6 CIDR (a bare address is a /32 or /128). @internal */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const bytes = parseIp(addr.trim());
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  if (slash < 0) return { bytes, prefix: max };
  const p = s.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(p)) return undefined;
  const prefix = Number(p);
  return prefix > max ? undefined : { bytes, prefix };
}

/** Whether an address is in a CIDR of the same family. @internal */
export function inCidr(ip: IpBytes, cidr: Cidr): boolean {
  if (ip.length !== cidr.bytes.length) return false;
  let bits = cidr.prefix;
  for (let i = 0; i < ip.length && bits > 0; i++) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((ip[i] ?? 0) & mask) !== ((cidr.bytes[i] ?? 0) & mask)) return false;
    bits -= 8;
  }
  return true;
}

function cidrList(list: readonly string[]): readonly Cidr[] {
  return list.map(parseCidr).filter((c): c is Cidr => c !== undefined);
}

const PRIVATE = cidrList(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']);

const RESERVED = cidrList([
  '0.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16',
  'fe80::/10',
  'ff00::/8',
]);

const MAPPED_PREFIX = parseCidr('::ffff:0:0/96') as Cidr;

/** An IPv4-mapped IPv6 address as its IPv4 bytes; anything else unchanged. */
function unmap(ip: IpBytes): IpBytes {
  return ip.length === 16 && inCidr(ip, MAPPED_PREFIX) ? ip.slice(12) : ip;
}

function classify(s: string | undefined): 'private' | 'reserved' | 'public' | undefined {
  if (s === undefined) return undefined;
  const parsed = parseIp(s);
  if (!parsed) return undefined;
  const ip = unmap(parsed);
  if (PRIVATE.some((c) => inCidr(ip, c))) return 'private';
  if (RESERVED.some((c) => inCidr(ip, c))) return 'reserved';
  return 'public';
}

function subnetDef(name: string, family: 4 | 6 | undefined, example: string): ScalarFunctionDef {
  const what = family === undefined ? 'an IPv4 or IPv6' : `an IPv${family}`;
  return {
    kind: 'scalar',
    name,
    signature: `${name}(ip, cidr)`,
    family: 'ip',
    returns: 'boolean',
    minArgs: 2,
    maxArgs: 2,
    summary: `true when the first argument is ${what} address inside the CIDR subnet given second, else false.`,
    example,
    call: (args) => {
      const s = argString(args[0]);
      const c = argString(args[1]);
      if (s === undefined || c === undefined) return false;
      const ip = parseIp(s);
      const cidr = parseCidr(c);
      if (!ip || !cidr) return false;
      if (family !== undefined && ip.length !== (family === 4 ? 4 : 16)) return false;
      return inCidr(ip, cidr);
    },
  };
}

function validDef(
  name: string,
  parse: (s: string) => IpBytes | undefined,
  example: string,
  what: string,
): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    signature: `${name}(s)`,
    family: 'ip',
    returns: 'boolean',
    minArgs: 1,
    maxArgs: 1,
    summary: `true when the value is a valid ${what} address, else false.`,
    example,
    call: (args) => {
      const s = argString(args[0]);
      return s !== undefined && parse(s) !== undefined;
    },
  };
}

/**
 * The IP address functions.
 *
 * @example
 * ```ts
 * IP_FUNCTIONS.map((f) => f.name).includes('isIpv4InSubnet') //=> true
 * ```
 */
export const IP_FUNCTIONS: readonly ScalarFunctionDef[] = [
  validDef('isValidIp', parseIp, 'isValidIp("2001:db8::1") => true', 'IPv4 or IPv6'),
  validDef('isValidIpV4', parseIpv4, 'isValidIpV4("192.0.2.1") => true', 'IPv4'),
  validDef('isValidIpV6', parseIpv6, 'isValidIpV6("192.0.2.1") => false', 'IPv6'),
  subnetDef('isIpInSubnet', undefined, 'isIpInSubnet("192.0.2.3", "192.0.2.0/24") => true'),
  subnetDef('isIpv4InSubnet', 4, 'isIpv4InSubnet("192.0.2.3", "192.0.2.0/24") => true'),
  subnetDef('isIpv6InSubnet', 6, 'isIpv6InSubnet("2001:db8::1", "2001:db8::/32") => true'),
  {
    kind: 'scalar',
    name: 'ipv4ToNumber',
    signature: 'ipv4ToNumber(ip)',
    family: 'ip',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'An IPv4 address as an unsigned 32-bit number; no value when invalid.',
    example: 'ipv4ToNumber("192.0.2.1") => 3221225985',
    call: (args) => {
      const s = argString(args[0]);
      const b = s === undefined ? undefined : parseIpv4(s);
      if (!b) return undefined;
      return (b[0] ?? 0) * 16777216 + (b[1] ?? 0) * 65536 + (b[2] ?? 0) * 256 + (b[3] ?? 0);
    },
  },
  {
    kind: 'scalar',
    name: 'isPrivateIP',
    signature: 'isPrivateIP(ip)',
    family: 'ip',
    returns: 'boolean',
    minArgs: 1,
    maxArgs: 1,
    summary:
      'true for RFC 1918 IPv4 (10/8, 172.16/12, 192.168/16) and IPv6 unique-local (fc00::/7) addresses.',
    example: 'isPrivateIP("10.1.2.3") => true',
    call: (args) => classify(argString(args[0])) === 'private',
  },
  {
    kind: 'scalar',
    name: 'isReservedIP',
    signature: 'isReservedIP(ip)',
    family: 'ip',
    returns: 'boolean',
    minArgs: 1,
    maxArgs: 1,
    summary:
      'true for IANA special-purpose addresses other than private ones: this-network, loopback, link-local, CGNAT, documentation, benchmarking, multicast, future-use and broadcast ranges (and their IPv6 counterparts).',
    example: 'isReservedIP("127.0.0.1") => true',
    call: (args) => classify(argString(args[0])) === 'reserved',
  },
  {
    kind: 'scalar',
    name: 'isPublicIP',
    signature: 'isPublicIP(ip)',
    family: 'ip',
    returns: 'boolean',
    minArgs: 1,
    maxArgs: 1,
    summary: 'true for a valid address that is neither private nor reserved.',
    example: 'isPublicIP("8.8.8.8") => true',
    call: (args) => classify(argString(args[0])) === 'public',
  },
];
