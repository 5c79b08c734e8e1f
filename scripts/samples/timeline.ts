/**
 * Time-ordered streams of audit events and CloudTrail records: background
 * draws at a controllable rate, merged with the scheduled episodes and the
 * attack story through a min-heap, so memory stays bounded whatever the size.
 *
 * @module
 */
import { type GroundTruthStep, type StoryAudit, storyAudit, storyTrail } from './attack.js';
import type { TimedAudit } from './audit.js';
import { type AuditWorld, emitBackground } from './background-audit.js';
import { createCast } from './cast.js';
import {
  adminSessionTrail,
  ciDeployTrail,
  emitTrailBackground,
  type TimedRecord,
  type TrailWorld,
} from './cloudtrail.js';
import type { TextLine } from './eks-lines.js';
import { adminSessionAudit, agenda, ciDeployAudit } from './episodes.js';
import { TimeHeap } from './heap.js';
import { createRng } from './prng.js';
import { DAY_START, type Micros } from './story.js';

/** Decides the mean gap to the next background draw; `undefined` stops the background. */
export type Pace = (t: Micros) => number | undefined;

/** The audit side of the story for a seed: world, scheduled events, lines and ground truth. */
export interface AuditPlan {
  readonly world: AuditWorld;
  readonly scheduled: readonly TimedAudit[];
  readonly lines: readonly TextLine[];
  readonly truth: readonly GroundTruthStep[];
}

/**
 * Plans the audit side: the attack, the 5xx incident and the agenda.
 *
 * @example
 * ```ts
 * const plan = planAudit(1);
 * plan.truth.length > 0; // true
 * ```
 */
export function planAudit(seed: number): AuditPlan {
  const root = createRng(seed);
  const world: AuditWorld = { rng: root.fork('audit-background'), cast: createCast(root.fork('cast')) };
  const storyWorld: AuditWorld = { rng: root.fork('audit-story'), cast: world.cast };
  const story: StoryAudit = storyAudit(storyWorld);
  const scheduled: TimedAudit[] = [...story.audit];
  const lines: TextLine[] = [...story.lines];
  for (const item of agenda(root)) {
    const e =
      item.kind === 'ci-deploy' ? ciDeployAudit(storyWorld, item) : adminSessionAudit(storyWorld, item);
    scheduled.push(...e.audit);
    lines.push(...e.lines);
  }
  return { world, scheduled, lines, truth: story.truth };
}

/**
 * Yields audit events in stage-time order: background draws paced by `pace`,
 * merged with the planned events. Planned events always come out, even when
 * the background stops early.
 */
export function* auditTimeline(plan: AuditPlan, pace: Pace): Generator<TimedAudit> {
  const heap = new TimeHeap<TimedAudit>();
  for (const e of plan.scheduled) heap.push(e.t, e);
  const rng = plan.world.rng.fork('pace');
  let t = DAY_START;
  for (;;) {
    const mean = pace(t);
    if (mean === undefined) break;
    t += Math.max(1, Math.round(rng.exponential(mean)));
    for (const e of emitBackground(plan.world, t)) heap.push(e.t, e);
    while (heap.peekTime() <= t) yield heap.pop() as TimedAudit;
  }
  while (heap.size > 0) yield heap.pop() as TimedAudit;
}

/** The CloudTrail side of the story for a seed. */
export interface TrailPlan {
  readonly world: TrailWorld;
  readonly scheduled: readonly TimedRecord[];
  readonly truth: readonly GroundTruthStep[];
}

/** Plans the CloudTrail side: the attack's AWS calls and the agenda's. */
export function planTrail(seed: number): TrailPlan {
  const root = createRng(seed);
  const cast = createCast(root.fork('cast'));
  const world: TrailWorld = { rng: root.fork('trail-background'), cast };
  const storyWorld: TrailWorld = { rng: root.fork('trail-story'), cast };
  const story = storyTrail(storyWorld);
  const scheduled: TimedRecord[] = [...story.records];
  for (const item of agenda(root)) {
    scheduled.push(
      ...(item.kind === 'ci-deploy' ? ciDeployTrail(storyWorld, item) : adminSessionTrail(storyWorld, item)),
    );
  }
  return { world, scheduled, truth: story.truth };
}

/** Yields CloudTrail records in event-time order (see {@link auditTimeline}). */
export function* trailTimeline(plan: TrailPlan, pace: Pace): Generator<TimedRecord> {
  const heap = new TimeHeap<TimedRecord>();
  for (const r of plan.scheduled) heap.push(r.t, r);
  const rng = plan.world.rng.fork('pace');
  let t = DAY_START;
  for (;;) {
    const mean = pace(t);
    if (mean === undefined) break;
    t += Math.max(1, Math.round(rng.exponential(mean)));
    for (const r of emitTrailBackground(plan.world, t)) heap.push(r.t, r);
    while (heap.peekTime() <= t) yield heap.pop() as TimedRecord;
  }
  while (heap.size > 0) yield heap.pop() as TimedRecord;
}
