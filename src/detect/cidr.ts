/**
 * IPv4 CIDR matching for investigations (no regexes, no allocation per test).
 *
 * @module
 */
import { DetectError } from './errors.js';

/** A parsed IPv4 CIDR block. */
export interface Ipv4Cidr {
  readonly base: number;
  readonly mask: number;
  readonly text: string;
}

/** Parses a dotted-quad IPv4 address to an unsigned 32-bit number, or `undefined`. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return undefined;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
    }
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/**
 * Parses `a.b.c.d/len` (a bare address means /32). Throws `DetectError`
 * `invalid_investigation_option` on anything else.
 *
 * @example
 * ```ts
 * ipv4InCidr('10.1.2.3', parseCidr('10.0.0.0/8')); //=> true
 * ```
 */
export function parseCidr(text: string): Ipv4Cidr {
  const [addr, lenText, extra] = text.split('/');
  const base = addr === undefined ? undefined : parseIpv4(addr);
  const len = lenText === undefined ? 32 : /^\d{1,2}$/.test(lenText) ? Number(lenText) : Number.NaN;
  if (base === undefined || extra !== undefined || !(len >= 0 && len <= 32)) {
    throw new DetectError('invalid_investigation_option', `not an IPv4 CIDR: ${JSON.stringify(text)}`);
  }
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return { base: (base & mask) >>> 0, mask, text };
}

/** Whether a dotted-quad address lies in the block; non-IPv4 text never does. */
export function ipv4InCidr(ip: string, cidr: Ipv4Cidr): boolean {
  const n = parseIpv4(ip);
  return n !== undefined && (n & cidr.mask) >>> 0 === cidr.base;
}
