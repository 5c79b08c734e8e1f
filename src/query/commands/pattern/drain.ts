/**
 * The `pattern` miner: a Drain-style template miner made independent of the
 * order and chunking of its input.
 *
 * It works in two steps:
 *
 * 1. **Signatures.** Each text is masked ({@link maskText}) into tokens with
 *    typed placeholders; the masked token list is the text's *signature*.
 *    A {@link PatternSummary} counts events per signature (and, when asked,
 *    per time bin and per diff window). Counting is a sum, so summaries of
 *    any chunks of the input, merged in any order, are equal.
 * 2. **Templates.** {@link minePatterns} runs Drain over the distinct
 *    signatures in a fixed order (most events first, then by signature text):
 *    a parse tree keyed by token count and the first `depth` tokens leads to
 *    a leaf of candidate templates; the signature joins the most similar one
 *    (share of positions with equal tokens, wildcards not counted) if the
 *    similarity reaches `similarity`, turning differing positions into
 *    wildcards, and starts a new template otherwise (only the oldest
 *    {@link DEFAULT_MAX_CANDIDATES} templates of a leaf are candidates, so
 *    the work per signature is bounded). Since the input of this
 *    step is the merged summary in a fixed order, the templates do not depend
 *    on how the events arrived.
 *
 * Memory is bounded by the number of distinct signatures, which is capped
 * ({@link DEFAULT_MAX_SIGNATURES}); going over it calls `onLimit` (the query
 * stage throws `resource_limit`), because dropping or lumping signatures in
 * an order-independent way would hide frequent ones.
 *
 * @module
 */
import { MARK, maskText } from './mask.js';
import { SEVERITY_ORDER, type SeverityLabel, severityOf } from './severity.js';
import { generalize, isWild, renderTemplate, type TokenKind } from './template-token.js';
import { createTimeBins, type TimeBins } from './time-bins.js';

export type { TokenKind };

/** The default cap on distinct signatures of one `pattern` run. */
export const DEFAULT_MAX_SIGNATURES = 20_000;

/** The default similarity a signature needs to join a template (Drain's `st`). */
export const DEFAULT_SIMILARITY = 0.4;

/** The default number of leading tokens in the parse tree's path (Drain's depth minus 2). */
export const DEFAULT_DEPTH = 1;

/** The default number of children of a parse-tree node before new tokens share its wildcard child. */
export const DEFAULT_MAX_CHILDREN = 100;

/**
 * The default number of templates of a parse-tree leaf that a signature is
 * compared with (the oldest ones): a bound on the work per signature, so
 * that many dissimilar texts of one length cannot make mining quadratic.
 */
export const DEFAULT_MAX_CANDIDATES = 50;

/** The parse-tree key of a token with digits or placeholders. */
const ANY = `${MARK}*`;

/** Options of the miner. */
export interface MinerOptions {
  /** Similarity threshold in [0, 1]. @defaultValue {@link DEFAULT_SIMILARITY} */
  readonly similarity?: number;
  /** Leading tokens in the parse-tree path. @defaultValue {@link DEFAULT_DEPTH} */
  readonly depth?: number;
  /** Children per parse-tree node. @defaultValue {@link DEFAULT_MAX_CHILDREN} */
  readonly maxChildren?: number;
  /** Templates of a leaf a signature is compared with. @defaultValue {@link DEFAULT_MAX_CANDIDATES} */
  readonly maxCandidates?: number;
}

/** Options of a {@link PatternSummary}. */
export interface SummaryOptions {
  /** Cap on distinct signatures. @defaultValue {@link DEFAULT_MAX_SIGNATURES} */
  readonly maxSignatures?: number;
  /** Called when a new signature would go over the cap; must throw. */
  readonly onLimit?: (max: number) => never;
  /** Keep per-signature counts per time bin (for `anomaly` and `diff` over the data's range). */
  readonly timeBins?: boolean;
}

/** What a summary keeps per signature. */
export interface SignatureStats {
  /** Events of the signature. */
  count: number;
  /** Events in diff slot 0 (the current window) and slot 1 (the previous one). */
  slots: [number, number];
}

/**
 * The mergeable state of a `pattern` run: event counts per signature.
 *
 * @example
 * ```ts
 * const s = createPatternSummary();
 * s.add('GET /health 200 in 3ms', Date.UTC(2026, 0, 1));
 * s.signatures.size; // 1
 * ```
 */
export interface PatternSummary {
  /** Counts by signature (masked tokens joined with one space). */
  readonly signatures: ReadonlyMap<string, SignatureStats>;
  /** Per-signature time-bin counts, when the summary was made with `timeBins`. */
  readonly bins: TimeBins | undefined;
  /** Events added. */
  readonly total: number;
  /** An estimate of the bytes held (signature texts, counts, bins). */
  readonly bytes: number;
  /**
   * Counts one text. `t` is its time (epoch ms; non-finite times are not
   * binned); `slot` the diff window it falls in.
   */
  add(text: string, t?: number, slot?: 0 | 1): void;
  /** Adds another summary's counts. */
  merge(other: PatternSummary): void;
}

const SIGNATURE_OVERHEAD = 96;
const BIN_ENTRY_BYTES = 48;

class Summary implements PatternSummary {
  readonly signatures = new Map<string, SignatureStats>();
  readonly bins: TimeBins | undefined;
  total = 0;
  private keyBytes = 0;
  private readonly max: number;
  private readonly onLimit: ((max: number) => never) | undefined;

  constructor(options: SummaryOptions) {
    this.max = options.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
    this.onLimit = options.onLimit;
    this.bins = options.timeBins === true ? createTimeBins() : undefined;
  }

  get bytes(): number {
    return this.keyBytes + (this.bins === undefined ? 0 : this.bins.entries * BIN_ENTRY_BYTES);
  }

  private stats(key: string): SignatureStats {
    let st = this.signatures.get(key);
    if (st === undefined) {
      if (this.signatures.size >= this.max) {
        if (this.onLimit !== undefined) this.onLimit(this.max);
      }
      st = { count: 0, slots: [0, 0] };
      this.signatures.set(key, st);
      this.keyBytes += key.length * 2 + SIGNATURE_OVERHEAD;
    }
    return st;
  }

  add(text: string, t?: number, slot?: 0 | 1): void {
    const key = maskText(text).join(' ');
    const st = this.stats(key);
    st.count++;
    if (slot !== undefined) st.slots[slot]++;
    this.total++;
    if (this.bins !== undefined && t !== undefined && Number.isFinite(t)) this.bins.add(key, t);
  }

  merge(other: PatternSummary): void {
    for (const [key, o] of other.signatures) {
      const st = this.stats(key);
      st.count += o.count;
      st.slots[0] += o.slots[0];
      st.slots[1] += o.slots[1];
    }
    this.total += other.total;
    if (this.bins !== undefined && other.bins !== undefined) this.bins.merge(other.bins);
  }
}

/**
 * Makes an empty summary.
 *
 * @example
 * ```ts
 * const s = createPatternSummary({ timeBins: true, maxSignatures: 1000 });
 * ```
 */
export function createPatternSummary(options: SummaryOptions = {}): PatternSummary {
  return new Summary(options);
}

/** One mined template. */
export interface MinedPattern {
  /** The template, dynamic tokens written `<Kind-N>` (N counts from 1 within the template). */
  readonly pattern: string;
  /** Events that match it. */
  readonly count: number;
  /** Events in diff slots 0 and 1. */
  readonly slots: readonly [number, number];
  /** The level by most events among its signatures (ties go to the more severe). */
  readonly severity: SeverityLabel;
  /** The kinds of its dynamic tokens, in order (`kinds[N - 1]` is `<Kind-N>`'s). */
  readonly kinds: readonly TokenKind[];
  /** The signatures it holds. */
  readonly signatures: readonly string[];
}

interface Cluster {
  readonly tokens: string[];
  /** Kind of the wildcard of each position that has one. */
  readonly wildKinds: Array<TokenKind | undefined>;
  readonly signatures: string[];
  readonly order: number;
}

interface TreeNode {
  readonly children: Map<string, TreeNode>;
  readonly clusters: Cluster[];
}

function node(): TreeNode {
  return { children: new Map(), clusters: [] };
}

function hasDigitOrMark(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 0) return true;
  }
  return false;
}

function similarity(template: readonly string[], tokens: readonly string[]): [number, number] {
  let same = 0;
  let wild = 0;
  for (let i = 0; i < template.length; i++) {
    if (isWild(template[i] as string)) wild++;
    else if (template[i] === tokens[i]) same++;
  }
  return [template.length === 0 ? 1 : same / template.length, wild];
}

/** Orders signatures for step 2: most events first, then by text (code units). */
function signatureOrder(signatures: ReadonlyMap<string, SignatureStats>): string[] {
  return [...signatures.keys()].sort((a, b) => {
    const d = (signatures.get(b)?.count ?? 0) - (signatures.get(a)?.count ?? 0);
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  });
}

/**
 * Mines the templates of a summary. The result is sorted by event count
 * (most first), then by template text.
 *
 * @example
 * ```ts
 * const s = createPatternSummary();
 * for (const id of ['a1b2c3d4e5', 'f6a7b8c9d0']) s.add(`user ${id} logged in`);
 * minePatterns(s)[0]?.pattern; // 'user <ID-1> logged in'
 * ```
 */
export function minePatterns(summary: PatternSummary, options: MinerOptions = {}): MinedPattern[] {
  const threshold = options.similarity ?? DEFAULT_SIMILARITY;
  const depth = options.depth ?? DEFAULT_DEPTH;
  const maxChildren = options.maxChildren ?? DEFAULT_MAX_CHILDREN;
  const maxCandidates = options.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
  const root = node();
  const clusters: Cluster[] = [];

  for (const key of signatureOrder(summary.signatures)) {
    const tokens = key === '' ? [] : key.split(' ');
    let at: TreeNode = root.children.get(String(tokens.length)) ?? node();
    root.children.set(String(tokens.length), at);
    for (let d = 0; d < Math.min(depth, tokens.length); d++) {
      const token = tokens[d] as string;
      const step = hasDigitOrMark(token) ? ANY : token;
      let child: TreeNode | undefined = at.children.get(step);
      if (child === undefined) {
        if (step !== ANY && at.children.size >= maxChildren) {
          child = at.children.get(ANY);
          if (child === undefined) {
            child = node();
            at.children.set(ANY, child);
          }
        } else {
          child = node();
          at.children.set(step, child);
        }
      }
      at = child;
    }
    let best: Cluster | undefined;
    let bestSim = -1;
    let bestWild = -1;
    const candidates = Math.min(at.clusters.length, maxCandidates);
    for (let k = 0; k < candidates; k++) {
      const c = at.clusters[k] as Cluster;
      const [sim, wild] = similarity(c.tokens, tokens);
      if (sim > bestSim || (sim === bestSim && wild > bestWild)) {
        best = c;
        bestSim = sim;
        bestWild = wild;
      }
    }
    if (best !== undefined && (bestSim >= threshold || tokens.length === 0)) {
      for (let p = 0; p < tokens.length; p++) {
        const t = tokens[p] as string;
        const had = best.tokens[p] as string;
        if (had === t) continue;
        const g = generalize(had, best.wildKinds[p], t);
        best.tokens[p] = g.token;
        best.wildKinds[p] = g.kind;
      }
      best.signatures.push(key);
    } else {
      const c: Cluster = { tokens: [...tokens], wildKinds: [], signatures: [key], order: clusters.length };
      at.clusters.push(c);
      clusters.push(c);
    }
  }

  // Clusters in different leaves can render alike; they are one pattern.
  const byText = new Map<string, MinedPattern>();
  for (const c of clusters) {
    const mined = finish(c, summary);
    const had = byText.get(mined.pattern);
    byText.set(mined.pattern, had === undefined ? mined : joinMined(had, mined, summary));
  }
  return [...byText.values()].sort(
    (a, b) => b.count - a.count || (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0),
  );
}

function joinMined(a: MinedPattern, b: MinedPattern, summary: PatternSummary): MinedPattern {
  const signatures = [...a.signatures, ...b.signatures];
  return {
    ...a,
    count: a.count + b.count,
    slots: [a.slots[0] + b.slots[0], a.slots[1] + b.slots[1]],
    severity: severityOfSignatures(signatures, summary),
    signatures,
  };
}

function severityOfSignatures(signatures: readonly string[], summary: PatternSummary): SeverityLabel {
  const bySeverity = new Map<SeverityLabel, number>();
  for (const key of signatures) {
    const n = summary.signatures.get(key)?.count ?? 0;
    const label = severityOf(key === '' ? [] : key.split(' '));
    bySeverity.set(label, (bySeverity.get(label) ?? 0) + n);
  }
  let severity: SeverityLabel = 'Unknown';
  let most = -1;
  for (const label of SEVERITY_ORDER) {
    const n = bySeverity.get(label) ?? -1;
    if (n > most) {
      most = n;
      severity = label;
    }
  }
  return severity;
}

function finish(c: Cluster, summary: PatternSummary): MinedPattern {
  let count = 0;
  const slots: [number, number] = [0, 0];
  for (const key of c.signatures) {
    const st = summary.signatures.get(key) as SignatureStats;
    count += st.count;
    slots[0] += st.slots[0];
    slots[1] += st.slots[1];
  }
  const { pattern, kinds } = renderTemplate(c.tokens, c.wildKinds);
  return {
    pattern,
    count,
    slots,
    severity: severityOfSignatures(c.signatures, summary),
    kinds,
    signatures: c.signatures,
  };
}
