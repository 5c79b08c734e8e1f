/**
 * Allow-lists, as in Falco's lists and exceptions: trusted CIDRs (NAT egress
 * addresses, VPN ranges), users, service accounts, namespaces and user
 * agents. A detection declares which lists apply to it
 * (`Detection.allowLists`); events that match one of them are withheld from
 * that detection's queries and run through a shadow copy of the queries
 * instead, so the finding reports how many matching records and rows the
 * allow-lists suppressed. Nothing disappears silently.
 *
 * @module
 */
import { z } from 'zod';
import type { LogEvent } from '../log-event.js';
import { type Ipv4Cidr, ipv4InCidr, parseCidr } from './cidr.js';
import { DetectError } from './errors.js';
import { getPath, getString } from './record.js';
import type { AllowListKind, Detection } from './types.js';
import { loadYamlModule } from './yaml-module.js';
import { yamlPosition } from './yaml-position.js';

/**
 * Every allow-list kind.
 *
 * @example
 * ```ts
 * ALLOW_LIST_KINDS.includes('cidrs'); //=> true
 * ```
 */
export const ALLOW_LIST_KINDS: readonly AllowListKind[] = [
  'cidrs',
  'users',
  'serviceAccounts',
  'namespaces',
  'userAgents',
];

/**
 * Trusted values. CIDRs are IPv4 blocks (a bare address is a /32); the
 * others are exact values or `*` wildcards (`system:serviceaccount:kube-system:*`,
 * `aws-sdk-go*`), case-sensitive.
 */
export interface AllowLists {
  /** Source addresses: audit `sourceIPs[0]`, CloudTrail `sourceIPAddress`. */
  readonly cidrs?: readonly string[];
  /** Audit `user.username`; CloudTrail `userIdentity.arn`, `userIdentity.userName` or the session issuer's ARN. */
  readonly users?: readonly string[];
  /** `system:serviceaccount:<ns>:<name>` (or `<ns>:<name>`): audit `user.username`, CloudTrail web-identity `userIdentity.userName`. */
  readonly serviceAccounts?: readonly string[];
  /** Audit `objectRef.namespace`. */
  readonly namespaces?: readonly string[];
  /** `userAgent` of either log. */
  readonly userAgents?: readonly string[];
}

const SA_PREFIX = 'system:serviceaccount:';

const AllowListsSchema = z
  .object({
    cidrs: z.array(z.string()).optional(),
    users: z.array(z.string()).optional(),
    serviceAccounts: z.array(z.string()).optional(),
    namespaces: z.array(z.string()).optional(),
    userAgents: z.array(z.string()).optional(),
  })
  .strict();

/**
 * Parses an allow-list file (YAML or JSON) of the {@link AllowLists} shape;
 * a top-level `allowLists:` key is also accepted. Errors name the file and
 * line (`DetectError` `invalid_allow_list`).
 *
 * @example
 * ```ts
 * loadAllowLists('cidrs: [192.0.2.10/32]\nusers: [alice]\n', { format: 'yaml' }).cidrs; //=> ['192.0.2.10/32']
 * ```
 */
export function loadAllowLists(
  text: string,
  options: { readonly format?: 'yaml' | 'json'; readonly file?: string } = {},
): AllowLists {
  const where = options.file ?? '<allow-lists>';
  let value: unknown;
  try {
    value =
      options.format === 'json'
        ? JSON.parse(text)
        : loadYamlModule().parse(text, { maxAliasCount: 100, logLevel: 'error' });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new DetectError('invalid_allow_list', `${where}: ${message}`, { cause });
  }
  if (value !== null && typeof value === 'object' && 'allowLists' in value) {
    value = (value as { allowLists: unknown }).allowLists;
  }
  const parsed = AllowListsSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const line = options.format === 'json' ? undefined : lineOf(text, issue.path);
    throw new DetectError(
      'invalid_allow_list',
      `${where}${line === undefined ? '' : `:${line}`}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    );
  }
  const lists = parsed.data as AllowLists;
  for (const c of lists.cidrs ?? []) checkCidr(c, where);
  return lists;
}

function lineOf(text: string, path: readonly PropertyKey[]): number {
  const yaml = loadYamlModule();
  const lines = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter: lines, logLevel: 'error' });
  return yamlPosition(
    doc,
    lines,
    path.filter((p): p is string | number => typeof p !== 'symbol'),
  ).line;
}

function checkCidr(text: string, where: string): Ipv4Cidr {
  try {
    return parseCidr(text);
  } catch (cause) {
    throw new DetectError(
      'invalid_allow_list',
      `${where}: cidrs: not an IPv4 CIDR: ${JSON.stringify(text)}`,
      {
        cause,
      },
    );
  }
}

/**
 * Joins allow-lists (a file's and the command line's): every list is the
 * union of the given ones.
 *
 * @example
 * ```ts
 * mergeAllowLists({ users: ['alice'] }, { users: ['bob'], cidrs: ['10.0.0.0/8'] });
 * //=> { users: ['alice', 'bob'], cidrs: ['10.0.0.0/8'] }
 * ```
 */
export function mergeAllowLists(...lists: readonly AllowLists[]): AllowLists {
  const out: Partial<Record<AllowListKind, string[]>> = {};
  for (const l of lists) {
    for (const kind of ALLOW_LIST_KINDS) {
      const values = l[kind];
      if (values === undefined || values.length === 0) continue;
      const into = out[kind] ?? [];
      for (const v of values) if (!into.includes(v)) into.push(v);
      out[kind] = into;
    }
  }
  return out;
}

/** Whether `text` matches a pattern with `*` wildcards (no regex: linear in the text per piece). */
export function matchesPattern(text: string, pattern: string): boolean {
  if (!pattern.includes('*')) return text === pattern;
  const pieces = pattern.split('*');
  const head = pieces[0]!;
  const tail = pieces[pieces.length - 1]!;
  if (!text.startsWith(head) || text.length < head.length + tail.length) return false;
  let at = head.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const found = text.indexOf(pieces[i]!, at);
    if (found < 0) return false;
    at = found + pieces[i]!.length;
  }
  return text.length - tail.length >= at && text.endsWith(tail);
}

/** Which lists a detection declares and which of them are non-empty. */
export function applicableLists(detection: Detection, lists: AllowLists | undefined): AllowListKind[] {
  if (lists === undefined || detection.allowLists === undefined) return [];
  return detection.allowLists.filter((k) => (lists[k]?.length ?? 0) > 0);
}

/**
 * The test that withholds an event from a detection, or `undefined` when no
 * declared list is set. An event is withheld when any applicable list
 * matches it.
 *
 * @example
 * ```ts
 * const test = allowListTest(detection, { cidrs: ['192.0.2.10/32'] });
 * test?.(event); //=> true for a CloudTrail event from 192.0.2.10
 * ```
 */
export function allowListTest(
  detection: Detection,
  lists: AllowLists | undefined,
): ((event: LogEvent) => boolean) | undefined {
  const kinds = applicableLists(detection, lists);
  if (kinds.length === 0 || lists === undefined) return undefined;
  const tests: ((record: unknown) => boolean)[] = [];
  const audit = detection.kind === 'kubernetes-audit';
  for (const kind of kinds) {
    const values = lists[kind]!;
    switch (kind) {
      case 'cidrs': {
        const blocks = values.map((v) => checkCidr(v, 'allow-lists'));
        tests.push((r) => {
          const ip = audit ? getString(r, 'sourceIPs', 0) : getString(r, 'sourceIPAddress');
          return ip !== undefined && blocks.some((b) => ipv4InCidr(ip, b));
        });
        break;
      }
      case 'users':
        tests.push((r) =>
          (audit
            ? [getString(r, 'user', 'username')]
            : [
                getString(r, 'userIdentity', 'arn'),
                getString(r, 'userIdentity', 'userName'),
                getString(r, 'userIdentity', 'sessionContext', 'sessionIssuer', 'arn'),
              ]
          ).some((u) => u !== undefined && values.some((p) => matchesPattern(u, p))),
        );
        break;
      case 'serviceAccounts': {
        const patterns = values.map((v) => (v.startsWith(SA_PREFIX) ? v : `${SA_PREFIX}${v}`));
        tests.push((r) => {
          const u = audit ? getString(r, 'user', 'username') : getString(r, 'userIdentity', 'userName');
          return u?.startsWith(SA_PREFIX) === true && patterns.some((p) => matchesPattern(u, p));
        });
        break;
      }
      case 'namespaces':
        tests.push((r) => {
          const ns = audit
            ? getString(r, 'objectRef', 'namespace')
            : namespaceOfServiceAccount(getString(r, 'userIdentity', 'userName'));
          return ns !== undefined && values.some((p) => matchesPattern(ns, p));
        });
        break;
      case 'userAgents':
        tests.push((r) => {
          const ua = getPath(r, 'userAgent');
          return typeof ua === 'string' && values.some((p) => matchesPattern(ua, p));
        });
        break;
    }
  }
  return (event) => {
    const r = event.record;
    if (r === undefined || r === null || typeof r !== 'object') return false;
    for (const t of tests) if (t(r)) return true;
    return false;
  };
}

function namespaceOfServiceAccount(user: string | undefined): string | undefined {
  if (user === undefined || !user.startsWith(SA_PREFIX)) return undefined;
  const rest = user.slice(SA_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon < 0 ? undefined : rest.slice(0, colon);
}
