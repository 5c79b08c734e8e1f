import { expect, test } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { parseTime } from '../../src/cli/time-range.js';

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);

test.each([
  ['now', NOW],
  ['-24h', NOW - 86_400_000],
  ['-30m', NOW - 1_800_000],
  ['-7d', NOW - 7 * 86_400_000],
  ['-90s', NOW - 90_000],
  ['+1h', NOW + 3_600_000],
  ['2024-05-01T10:00:00Z', Date.UTC(2024, 4, 1, 10)],
  ['2024-05-01T10:00:00', Date.UTC(2024, 4, 1, 10)],
  ['2024-05-01 10:00:00.500', Date.UTC(2024, 4, 1, 10, 0, 0, 500)],
  ['2024-05-01T12:00:00+02:00', Date.UTC(2024, 4, 1, 10)],
  ['2024-05-01', Date.UTC(2024, 4, 1)],
  ['1714557600000', 1714557600000],
])('%s', (text, expected) => {
  expect(parseTime(text, NOW, '--start')).toBe(expected);
});

test.each(['yesterday', '-24', '-h', '24h', '2024-13-45', ''])('rejects %j', (text) => {
  expect(() => parseTime(text, NOW, '--start')).toThrow(UsageError);
});

test('relative times can follow their option as a separate argument', async () => {
  const { parseCommand } = await import('../../src/cli/args.js');
  const { findCommand } = await import('../../src/cli/help.js');
  const parsed = parseCommand(findCommand('query')!, ['q', 'p', '--start', '-24h', '--end', '-1h']);
  expect(parsed.options.start).toBe('-24h');
  expect(parsed.options.end).toBe('-1h');
  expect(parsed.positionals).toEqual(['q', 'p']);
});
