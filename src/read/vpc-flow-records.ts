/**
 * The reader of VPC Flow Logs files as S3 delivers them (the `vpc-flow-logs`
 * format): a header line naming the fields, then one record per line.
 *
 * @module
 */
import type { LogSource } from '../log-event.js';
import { serviceEvent } from './build-event.js';
import type { FormatHandler } from './json-records.js';
import { createLineSplitter } from './line-splitter.js';
import type { RecordSink } from './record-sink.js';
import {
  isVpcFlowDefaultRecord,
  isVpcFlowHeader,
  VPC_FLOW_DEFAULT_FIELDS,
  vpcFlowServiceRecord,
} from './vpc-flow-logs.js';

const utf8 = new TextDecoder('utf-8');

/**
 * The handler of a flow-log file: a header line then one record per line. A
 * file without a header whose lines are default-format records is read with
 * the default field list. A header line later in the input (files
 * concatenated) switches the field list; it is not a record. A line with the
 * wrong number of values is rejected as `bad_record` with its line and offset.
 *
 * @internal
 */
export function createVpcFlowHandler(sink: RecordSink, startOffset: number): FormatHandler {
  let names: readonly string[] | undefined;
  return createLineSplitter({
    maxLineBytes: sink.maxLineBytes,
    startOffset,
    onTooLong: (line, offset, length) => sink.rejectTooLong(line, offset, length),
    onLine(bytes, start, end, line, offset) {
      let s = start;
      while (s < end && (bytes[s] === 32 || bytes[s] === 9 || bytes[s] === 13)) s++;
      if (s === end) return;
      // header lines are recognised on the raw text, before the prefilter: they are not records
      const head = bytes[s]!;
      if (head >= 97 && head <= 122) {
        const text = utf8.decode(bytes.subarray(start, end));
        if (isVpcFlowHeader(text)) {
          names = text.trim().split(/ +/);
          return;
        }
      }
      if (!sink.candidate(bytes, start, end)) return;
      const message = sink.decode(bytes, start, end, line, offset);
      if (message === undefined) return;
      const source: LogSource =
        sink.file === undefined ? { line, offset } : { file: sink.file, line, offset };
      const fields = names ?? (isVpcFlowDefaultRecord(message) ? VPC_FLOW_DEFAULT_FIELDS : undefined);
      const service = fields === undefined ? undefined : vpcFlowServiceRecord(fields, message);
      if (service === undefined) {
        sink.reject(
          'bad_record',
          names === undefined
            ? 'a flow-log line before any header that is not a default-format record'
            : `a flow-log line with ${message.trim().split(/ +/).length} values for ${names.length} header fields`,
          line,
          offset,
        );
        return;
      }
      sink.emit(
        serviceEvent(
          sink,
          'vpc-flow',
          message,
          service.record,
          service.time,
          service.stream,
          {},
          source,
          end - start,
        ),
      );
    },
  });
}
