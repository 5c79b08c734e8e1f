/**
 * Generated logs with planted templates and planted anomalies, and their
 * ground truth, for the tests of `pattern`, `anomaly` and `diff`.
 *
 * Everything comes from a seeded generator ({@link createRandom}), so the
 * logs are the same on every run.
 */

/** A small seeded generator (xorshift32 with a multiply on the output). */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

/** Makes a seeded generator. */
export function createRandom(seed: number): Random {
  let x = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return (Math.imul(x, 0x2545f491) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)] as never,
  };
}

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const NAMESPACES = ['default', 'kube-system', 'payments', 'monitoring'];
const VERBS = ['get', 'list', 'watch', 'update'];

function ip(r: Random): string {
  return `10.${r.int(256)}.${r.int(256)}.${r.int(256)}`;
}

function hex(r: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[r.int(16)];
  return s;
}

function uuid(r: Random): string {
  return `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
}

function podName(r: Random): string {
  return `web-${hex(r, 3)}${r.int(10)}${r.int(10)}c${hex(r, 4)}-${hex(r, 5)}`;
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

/** One planted template: its id, how to make a message, and the pattern the miner should give. */
export interface PlantedTemplate {
  readonly id: string;
  readonly make: (r: Random, t: number) => string;
  /** The expected `@pattern`. */
  readonly expected: string;
}

/** The planted templates; no two should be merged by the miner. */
export const TEMPLATES: readonly PlantedTemplate[] = [
  {
    id: 'dynamo',
    make: (r, t) =>
      `${iso(t).replace('T', ' ').slice(0, 19)} [INFO] Calling DynamoDB to store for resource id ${hex(r, 12)}-${r.int(90000) + 10000}`,
    expected: '<Time-1> [INFO] Calling DynamoDB to store for resource id <ID-2>',
  },
  {
    id: 'login',
    make: (r) => `user ${r.pick(USERS)} logged in from ${ip(r)} session ${uuid(r)}`,
    expected: 'user <Token-1> logged in from <IPAddress-2> session <ID-3>',
  },
  {
    id: 'latency',
    make: (r) => `[INFO] Request time: ${r.int(900) + 1} ms`,
    expected: '[INFO] Request time: <Number-1> ms',
  },
  {
    id: 'refused',
    make: (r, t) =>
      `E${iso(t).slice(5, 7)}${iso(t).slice(8, 10)} ${iso(t).slice(11, 23)}000 ${r.int(90) + 10} reflector.go:${r.int(400)}] failed to list ${ip(r)}:443: connection refused`,
    expected:
      'E<Time-1> <Number-2> reflector.go:<Number-3>] failed to list <IPAddress-4>:<Number-5>: connection refused',
  },
  {
    id: 'audit',
    make: (r) => `audit: verb=${r.pick(VERBS)} namespace=${r.pick(NAMESPACES)} pod=${podName(r)} code=200`,
    expected: 'audit: verb=<Token-1> namespace=<Token-2> pod=<ID-3> code=<Number-4>',
  },
  {
    id: 'oom',
    make: (r) =>
      `WARN container ${podName(r)} restarted after OOMKilled, exit code 137, restarts ${r.int(20)}`,
    expected: 'WARN container <ID-1> restarted after OOMKilled, exit code <Number-2>, restarts <Number-3>',
  },
  {
    id: 'token',
    make: (r) => `DEBUG token cache refreshed for ${r.pick(USERS)}`,
    expected: 'DEBUG token cache refreshed for <Token-1>',
  },
  {
    id: 'assume',
    make: (r) =>
      `AssumeRoleWithWebIdentity arn:aws:iam::${100000000000 + r.int(899999999999)}:role/eks-${r.pick(NAMESPACES)} granted`,
    expected: 'AssumeRoleWithWebIdentity arn:aws:iam::<Token-1> granted',
  },
  {
    id: 'health',
    make: () => 'GET /healthz 200',
    expected: 'GET /healthz <Number-1>',
  },
  {
    id: 'sync',
    make: (r, t) => `${Math.floor(t / 1000)} sync loop finished in ${(r.next() * 10).toFixed(3)}s`,
    expected: '<Time-1> sync loop finished in <Number-2>s',
  },
];

/** A generated event with its ground truth. */
export interface PlantedEvent {
  readonly timestamp: number;
  readonly message: string;
  readonly template: string;
}

/** The start of the generated day. */
export const DAY_START = Date.UTC(2026, 11, 6);
const HOUR = 3_600_000;

/**
 * A day of logs: each template at a steady rate (with noise), one burst of
 * `refused` in the 15:00 hour (ten times its rate) and a new template
 * (`panic`) from 20:00 on.
 */
export function generateDay(seed: number): {
  events: PlantedEvent[];
  burst: { template: string; start: number; end: number };
  fresh: { template: string; start: number };
} {
  const r = createRandom(seed);
  const events: PlantedEvent[] = [];
  for (let h = 0; h < 24; h++) {
    for (const [i, tpl] of TEMPLATES.entries()) {
      const rate = 10 + 4 * (i % 4);
      let n = rate - 3 + r.int(7);
      if (tpl.id === 'refused' && h === 15) n *= 10;
      for (let k = 0; k < n; k++) {
        const t = DAY_START + h * HOUR + r.int(HOUR);
        events.push({ timestamp: t, message: tpl.make(r, t), template: tpl.id });
      }
    }
    if (h >= 20) {
      for (let k = 0; k < 15; k++) {
        const t = DAY_START + h * HOUR + r.int(HOUR);
        events.push({
          timestamp: t,
          message: `ERROR panic: runtime error: invalid memory address in handler ${podName(r)}`,
          template: 'panic',
        });
      }
    }
  }
  events.sort((a, b) => a.timestamp - b.timestamp);
  return {
    events,
    burst: { template: 'refused', start: DAY_START + 15 * HOUR, end: DAY_START + 16 * HOUR - 1 },
    fresh: { template: 'panic', start: DAY_START + 20 * HOUR },
  };
}
