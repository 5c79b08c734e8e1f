/**
 * `kubetrail schema audit|cloudtrail`: print a record type's JSON Schema.
 *
 * @module
 */
import { InternalError } from '../../errors.js';
import { auditEventJsonSchema, cloudTrailRecordJsonSchema } from '../../schema/index.js';
import { parseCommand } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { findCommand } from '../help.js';
import { type CliIo, write } from '../io.js';

const SCHEMAS: Readonly<Record<string, () => unknown>> = {
  audit: auditEventJsonSchema,
  cloudtrail: cloudTrailRecordJsonSchema,
};

/**
 * Runs `kubetrail schema`. Resolves to the exit code.
 *
 * @example
 * ```ts
 * await schemaCommand(['audit'], io); //=> 0
 * ```
 */
export async function schemaCommand(args: readonly string[], io: CliIo): Promise<number> {
  const help = findCommand('schema');
  if (help === undefined) throw new InternalError('internal_error', 'schema help missing');
  const { positionals } = parseCommand(help, args);
  const [name, ...rest] = positionals;
  const make = name !== undefined && Object.hasOwn(SCHEMAS, name) ? SCHEMAS[name] : undefined;
  if (make === undefined || rest.length > 0) {
    throw new UsageError(
      'bad_schema',
      `schema: expected audit or cloudtrail, got '${positionals.join(' ')}'`,
      'schema',
    );
  }
  await write(io.stdout, JSON.stringify(make(), null, 2) + '\n');
  return EXIT.ok;
}
