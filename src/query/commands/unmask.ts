/**
 * `unmask`: shows data-protection-masked content in the service. Exported
 * logs are not masked, so offline it is the identity: rows pass unchanged.
 *
 * @module
 */
import type { StageFactory } from '../plan.js';

/**
 * The `unmask` stage (identity).
 *
 * @internal
 */
export const unmaskStage: StageFactory = (next) => next;
