/**
 * Timestamp formatting for the sample data, from integer microseconds.
 *
 * @module
 */
import type { Micros } from './story.js';

/** `2024-05-14T13:41:07.123456Z`: Kubernetes MicroTime. */
export function isoMicros(us: Micros): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString();
  const micro = String(us - ms * 1000).padStart(3, '0');
  return `${iso.slice(0, 23)}${micro}Z`;
}

/** `2024-05-14T13:41:07.123Z`: the CloudWatch export line prefix. */
export function isoMillis(us: Micros): string {
  return new Date(Math.floor(us / 1000)).toISOString();
}

/** `2024-05-14T13:41:07Z`: CloudTrail `eventTime` and logrus `time=`. */
export function isoSeconds(us: Micros): string {
  return `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}Z`;
}

/** `I0514 13:41:07.123456       11 file.go:42] `: the klog header. */
export function klogHeader(level: 'I' | 'W' | 'E', us: Micros, thread: number, source: string): string {
  const iso = isoMicros(us);
  const mmdd = iso.slice(5, 7) + iso.slice(8, 10);
  return `${level}${mmdd} ${iso.slice(11, 26)} ${String(thread).padStart(7, ' ')} ${source}] `;
}

/** `May 14, 2024, 7:41:07 PM`: the STS credential expiration format. */
export function stsExpiration(us: Micros): string {
  const d = new Date(Math.floor(us / 1000));
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const h24 = d.getUTCHours();
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h12}:${mm}:${ss} ${h24 < 12 ? 'AM' : 'PM'}`;
}
