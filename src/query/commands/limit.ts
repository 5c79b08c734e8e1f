/**
 * `limit N` (also `head N` and `tail N`, deprecated aliases): passes on the
 * first N rows, then refuses more, which stops the reading of input.
 *
 * @module
 */
import type { StageFactory } from '../plan.js';

/**
 * The `limit` stage.
 *
 * @internal
 */
export function limitStage(n: number): StageFactory {
  return (next) => {
    let count = 0;
    let open = n > 0;
    return {
      push(row) {
        if (!open) return false;
        count++;
        const more = next.push(row);
        if (count >= n) open = false;
        return more && open;
      },
      end() {
        next.end();
      },
    };
  };
}
