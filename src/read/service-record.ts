/**
 * Service log lines that CloudWatch Logs Insights gives discovered fields:
 * VPC Flow Logs records, Route 53 public DNS query log lines and Lambda
 * platform lines. {@link parseServiceMessage} recognises a message as one of
 * them; the event builder turns the result into a `LogEvent`.
 *
 * @module
 */
import { lambdaMessage } from './lambda-logs.js';
import { route53Message } from './route53-logs.js';
import type { ServiceRecord } from './service-record-type.js';
import { vpcFlowMessage } from './vpc-flow-logs.js';

/**
 * Recognises a text message as a service line (a default-format VPC flow
 * record, a Route 53 public DNS query log line or a Lambda `START`/`END`/`REPORT`
 * line), or returns `undefined`.
 *
 * @example
 * ```ts
 * parseServiceMessage('END RequestId: 3f5e')?.kind //=> 'lambda'
 * parseServiceMessage('hello') //=> undefined
 * ```
 */
export function parseServiceMessage(message: string): ServiceRecord | undefined {
  const c = message.charCodeAt(0);
  if (c === 83 || c === 69 || c === 82) return lambdaMessage(message); // S, E, R
  if (c >= 48 && c <= 57) return vpcFlowMessage(message) ?? route53Message(message);
  return undefined;
}
