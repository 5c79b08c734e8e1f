import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { detectCommand } from '../../src/cli/commands/detect.js';
import { sigmaCommand } from '../../src/cli/commands/sigma.js';
import type { CliIo } from '../../src/cli/io.js';
import { renderRulesFileDocs } from '../../src/detect/docs.js';
import { DetectError } from '../../src/detect/errors.js';
import { loadDetections } from '../../src/detect/schema.js';

function io(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: {
        write: (t: string) => {
          out += t;
          return true;
        },
      },
      stderr: {
        write: (t: string) => {
          err += t;
          return true;
        },
      },
      stdin: (async function* () {})(),
      now: () => 0,
    } as unknown as CliIo,
    out: () => out,
    err: () => err,
  };
}

const INCIDENT = 'samples/incident/cloudwatch-export';
const NOW = ['--now', '2024-05-14T14:00:00Z', '--quiet'];

describe('detect --rows and --format json rows', () => {
  test('--rows prints every matching row of the finding, with the cap stated', async () => {
    const t = io();
    const code = await detectCommand(
      [INCIDENT, '--id', 'kube.exec-into-pod', '--rows', '--width', '0', '--row-limit', '2', ...NOW],
      t.io,
    );
    expect(code).toBe(0);
    expect(t.out()).toContain('kube.exec-into-pod: Exec or attach into a pod (EKS-correct) (4 rows)');
    expect(t.out()).toContain('ci-legacy');
    expect(t.out()).toContain('(2 more rows not shown: --row-limit 2; raise it to see them)');
  });

  test('--format json lists every row up to the stated cap', async () => {
    const t = io();
    await detectCommand([INCIDENT, '--id', 'kube.exec-into-pod', '--format', 'json', ...NOW], t.io);
    const json = JSON.parse(t.out()) as {
      rowLimit: number;
      findings: { count: number; rows: unknown[]; rowsOmitted: number }[];
    };
    expect(json.rowLimit).toBe(1000);
    expect(json.findings[0]?.rows).toHaveLength(json.findings[0]?.count ?? -1);
    expect(json.findings[0]?.rowsOmitted).toBe(0);
    const capped = io();
    await detectCommand(
      [INCIDENT, '--id', 'kube.exec-into-pod', '--format', 'json', '--row-limit', '1', ...NOW],
      capped.io,
    );
    const c = JSON.parse(capped.out()) as typeof json;
    expect([c.rowLimit, c.findings[0]?.rows.length, c.findings[0]?.rowsOmitted]).toEqual([1, 1, 3]);
  });

  test("--format json names the Falco rule a finding mirrors, with Falco's priority and output labels", async () => {
    const t = io();
    await detectCommand([INCIDENT, '--id', 'falco.attach-exec-pod', '--format', 'json', ...NOW], t.io);
    const json = JSON.parse(t.out()) as {
      findings: { source?: unknown; rows: Record<string, unknown>[] }[];
    };
    expect(json.findings[0]?.source).toEqual({
      ruleSet: 'falco',
      rule: 'Attach/Exec Pod',
      priority: 'NOTICE',
    });
    expect(Object.keys(json.findings[0]!.rows[0]!)).toEqual([
      '@timestamp',
      'user',
      'pod',
      'resource',
      'ns',
      'action',
      'sourceIPs.0',
      'command',
      '@ptr',
    ]);
    expect(json.findings[0]!.rows[0]).toMatchObject({ user: 'ci-legacy', action: 'exec', ns: 'payments' });
    expect(json.findings[0]!.rows.map((r) => r.command)).toContain('sh');
  });

  test('--trusted-cidr and --allow-list withhold trusted events and report them as suppressed', async () => {
    const id = ['--id', 'irsa.web-identity-token-used-outside', '--format', 'json'];
    const run = async (...extra: string[]) => {
      const t = io();
      await detectCommand(['samples/incident', ...id, ...extra, ...NOW], t.io);
      return (JSON.parse(t.out()) as { findings: { count: number; suppressed?: unknown }[] }).findings[0];
    };
    const all = await run();
    expect(all?.count).toBe(7);
    expect(all?.suppressed).toBeUndefined();
    const flags = await run('--trusted-cidr', '192.0.2.10', '--trusted-cidr', '192.0.2.11/32');
    expect(flags).toMatchObject({ count: 1, suppressed: { records: 162, rows: 6, lists: ['cidrs'] } });
    const file = join(mkdtempSync(join(tmpdir(), 'kt-allow-')), 'trusted.yaml');
    writeFileSync(file, 'cidrs: [192.0.2.10/32, 192.0.2.11/32]\n');
    expect(await run('--allow-list', file)).toEqual(flags);
    const bad = io();
    await expect(
      detectCommand(['samples/incident', ...id, '--trusted-cidr', '300.1.2.3', ...NOW], bad.io),
    ).rejects.toThrow(/the command line: cidrs: not an IPv4 CIDR: "300.1.2.3"/);
  });

  test('--sigma findings carry the rule id, title, level, author and references', async () => {
    const t = io();
    await detectCommand(
      [
        'samples/incident',
        '--sigma',
        'test/fixtures/corpus/sigmahq-rules/kubernetes-audit',
        '--sigma-only',
        '--format',
        'json',
        ...NOW,
      ],
      t.io,
    );
    const json = JSON.parse(t.out()) as {
      findings: { detectionId: string; sigma?: Record<string, unknown> }[];
    };
    const rb = json.findings.find((f) => f.detectionId === 'sigma.10b97915-ec8d-455f-a815-9a78926585f6');
    expect(rb?.sigma).toMatchObject({
      id: '10b97915-ec8d-455f-a815-9a78926585f6',
      title: 'Kubernetes Rolebinding Modification',
      level: 'medium',
      author: expect.any(String),
      references: expect.any(Array),
    });
  });

  test('sigma convert prints the query with the rule id, title and author', async () => {
    const t = io();
    const code = await sigmaCommand(
      ['convert', 'test/fixtures/corpus/sigmahq-rules/cloudtrail/aws_cloudtrail_disable_logging.yml'],
      t.io,
    );
    expect(code).toBe(0);
    expect(t.out()).toMatch(
      /^# 4db60cc0-36fb-42b7-9b58-a5b53019fb74 · AWS CloudTrail Important Change · author: /,
    );
    expect(t.out()).toContain('| filter (eventSource like /(?is)^cloudtrail\\.amazonaws\\.com$/');
  });

  test('bad Sigma rules: every error at once, with file:line:col', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-sigma-'));
    const file = join(dir, 'bad.yml');
    writeFileSync(
      file,
      'title: bad\nid: r1\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel: {eventName|containz: x}\n  empty: {}\n  condition: sel and empty\n',
    );
    const run = detectCommand([INCIDENT, '--sigma', file, ...NOW], io().io);
    await expect(run).rejects.toBeInstanceOf(DetectError);
    await expect(run).rejects.toThrow(
      /2 errors in Sigma rules:\n.*bad\.yml:5:9: error \[r1\]: sel: eventName\|containz: unknown modifier "containz"\n.*bad\.yml:6:3: error \[r1\]: the search identifier "empty" is an empty map/,
    );
  });
});

describe('--rules files', () => {
  test('the documented example loads, and docs/detections.md shows it (npx tsx scripts/generate-detection-docs.ts)', () => {
    const example = readFileSync(new URL('fixtures/my-rules.yaml', import.meta.url), 'utf8');
    expect(loadDetections(example, { format: 'yaml' }).map((d) => d.id)).toEqual([
      'my.exec-in-payments',
      'my.trail-stopped',
    ]);
    const docs = readFileSync(new URL('../../docs/detections.md', import.meta.url), 'utf8');
    expect(docs).toContain(renderRulesFileDocs(example));
  });

  test('every schema problem at once, each with file, line and column', () => {
    const text = [
      '- id: my.x',
      '  title: X',
      '  description: d',
      '  severity: severe',
      '  mitre: [T1609]',
      '  tags: []',
      '  kind: kubernetes-audit',
      '  source: local',
      '  queries:',
      '    - query: filter verb = "get"',
      '- id: Bad Id',
      '  title: Y',
      '',
    ].join('\n');
    let error: unknown;
    try {
      loadDetections(text, { format: 'yaml', file: 'mine.yaml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DetectError);
    const lines = (error as Error).message.split('\n');
    expect(lines[0]).toMatch(/^9 problems in mine\.yaml/);
    expect(lines[1]).toBe(
      'mine.yaml:4:3: 0.severity: Invalid option: expected one of "info"|"low"|"medium"|"high"|"critical"',
    );
    expect(lines[2]).toBe('mine.yaml:11:3: 1.id: lower-case letters, digits, dots and dashes');
    expect(lines.slice(3).every((l) => l.startsWith('mine.yaml:11:3: 1.'))).toBe(true);
  });

  test('JSON files get positions too, under a detections key', () => {
    const text = '{\n  "detections": [\n    { "id": "a.b", "title": 1 }\n  ]\n}\n';
    expect(() => loadDetections(text, { format: 'json', file: 'r.json' })).toThrow(
      /r\.json:3:20: 0\.title: /,
    );
  });
});
