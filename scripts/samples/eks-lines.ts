/**
 * Text lines of the EKS control-plane log types other than audit:
 * aws-iam-authenticator (logrus text) and klog (api, controller manager,
 * scheduler).
 *
 * @module
 */
import type { IamPrincipal } from './audit.js';
import type { Micros } from './story.js';
import { isoSeconds, klogHeader } from './time.js';

/** Which stream family a text line belongs to. */
export type LineStream =
  | 'authenticator'
  | 'api'
  | 'controllerManager'
  | 'controllerManagerStandby'
  | 'scheduler';

/** One text line for a control-plane stream. */
export interface TextLine {
  readonly t: Micros;
  readonly stream: LineStream;
  /** API server instance for per-instance streams (api, authenticator); `undefined` lets the assembler choose. */
  readonly instance?: 'a' | 'b' | 'c';
  /** A key whose hash picks the instance when `instance` is not set (the related auditID). */
  readonly affinity?: string;
  readonly text: string;
}

const PLAIN = /^[A-Za-z0-9\-._/@^+]+$/;

/** Quotes a logrus field value the way logrus' text formatter does. */
export function logrusValue(value: string): string {
  if (value === '' || PLAIN.test(value)) return value;
  return JSON.stringify(value);
}

function logrus(
  t: Micros,
  level: string,
  msg: string,
  fields: readonly (readonly [string, string])[],
): string {
  const sorted = [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const rest = sorted.map(([k, v]) => `${k}=${logrusValue(v)}`).join(' ');
  return `time="${isoSeconds(t)}" level=${level} msg=${JSON.stringify(msg)}${rest ? ` ${rest}` : ''}`;
}

/**
 * The authenticator's pair of lines for a successful token review: "STS
 * response" then "access granted".
 *
 * @example
 * ```ts
 * authenticatorGranted(t, principal, 52552, 'b'); // two TextLines
 * ```
 */
export function authenticatorGranted(
  t: Micros,
  p: IamPrincipal,
  port: number,
  instance: 'a' | 'b' | 'c' | undefined,
  affinity?: string,
): TextLine[] {
  const client = `127.0.0.1:${port}`;
  const sts = 'sts.us-west-2.amazonaws.com';
  const base = {
    stream: 'authenticator' as const,
    ...(instance ? { instance } : {}),
    ...(affinity ? { affinity } : {}),
  };
  return [
    {
      ...base,
      t,
      text: logrus(t, 'info', 'STS response', [
        ['accesskeyid', p.accessKeyId],
        ['accountid', p.accountId],
        ['arn', p.arn],
        ['client', client],
        ['method', 'POST'],
        ['path', '/authenticate'],
        ['session', p.sessionName],
        ['stsendpoint', sts],
        ['userid', p.principalId],
      ]),
    },
    {
      ...base,
      t: t + 1_000,
      text: logrus(t + 1_000, 'info', 'access granted', [
        ['arn', p.canonicalArn],
        ['client', client],
        ['groups', `[${p.groups.join(' ')}]`],
        ['method', 'POST'],
        ['path', '/authenticate'],
        ['stsendpoint', sts],
        ['uid', `aws-iam-authenticator:${p.accountId}:${p.principalId}`],
        ['username', p.username],
      ]),
    },
  ];
}

/** The authenticator's line for a token it could not use. */
export function authenticatorDenied(
  t: Micros,
  port: number,
  error: string,
  instance: 'a' | 'b' | 'c' | undefined,
  affinity?: string,
): TextLine {
  return {
    t,
    stream: 'authenticator',
    ...(instance ? { instance } : {}),
    ...(affinity ? { affinity } : {}),
    text: logrus(t, 'warning', 'access denied', [
      ['client', `127.0.0.1:${port}`],
      ['error', error],
      ['method', 'POST'],
      ['path', '/authenticate'],
    ]),
  };
}

/**
 * A klog line (`I0514 13:41:07.123456      11 file.go:42] message`).
 *
 * @example
 * ```ts
 * klog(t, 'scheduler', 'I', 1, 'schedule_one.go:302', '"Successfully bound pod to node"');
 * ```
 */
export function klog(
  t: Micros,
  stream: Exclude<LineStream, 'authenticator'>,
  level: 'I' | 'W' | 'E',
  thread: number,
  source: string,
  message: string,
  instance?: 'a' | 'b' | 'c',
): TextLine {
  return {
    t,
    stream,
    ...(instance ? { instance } : {}),
    text: `${klogHeader(level, t, thread, source)}${message}`,
  };
}

/** A klog structured (InfoS) message: `"msg" k="v" k2=v2`. */
export function structured(
  msg: string,
  fields: readonly (readonly [string, string | number | boolean])[],
): string {
  const parts = fields.map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
  return [JSON.stringify(msg), ...parts].join(' ');
}
