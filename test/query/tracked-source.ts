/**
 * Test sources that record how far a query read them and whether it closed
 * them early (`return()`), shared by the engine's early-stop tests.
 */
import type { LogEvent } from '../../src/log-event.js';

/** What a tracked source saw. */
export interface Seen {
  read: number;
  returned: boolean;
}

/** An async source that counts what was read and whether `return()` was called. */
export function asyncSource(events: readonly LogEvent[]): { source: AsyncIterable<LogEvent>; seen: Seen } {
  const seen: Seen = { read: 0, returned: false };
  const source: AsyncIterable<LogEvent> = {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        async next() {
          if (i >= events.length) return { done: true, value: undefined };
          seen.read++;
          return { done: false, value: events[i++] as LogEvent };
        },
        async return() {
          seen.returned = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { source, seen };
}

/** The same as a synchronous iterable. */
export function syncSource(events: readonly LogEvent[]): { source: Iterable<LogEvent>; seen: Seen } {
  const seen: Seen = { read: 0, returned: false };
  const source: Iterable<LogEvent> = {
    [Symbol.iterator]() {
      let i = 0;
      return {
        next() {
          if (i >= events.length) return { done: true, value: undefined };
          seen.read++;
          return { done: false, value: events[i++] as LogEvent };
        },
        return() {
          seen.returned = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { source, seen };
}
