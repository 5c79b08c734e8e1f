/**
 * The shape of a recognised service line, shared by the service-line parsers
 * (`vpc-flow-logs.ts`, `route53-logs.ts`, `lambda-logs.ts`) and the
 * dispatcher that tries them (`service-record.ts`), in a module of its own so
 * that the parsers and the dispatcher do not import each other.
 *
 * @module
 */
import type { LogKind } from '../log-event.js';

/** A recognised service line: its kind, typed record, own time (NaN if none) and inferred stream. */
export interface ServiceRecord {
  readonly kind: Extract<LogKind, 'vpc-flow' | 'route53' | 'lambda'>;
  readonly record: Readonly<Record<string, string | number>>;
  readonly time: number;
  readonly stream: string | undefined;
}
