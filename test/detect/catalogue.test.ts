import { describe, expect, test } from 'vitest';
import {
  BUILT_IN_DETECTIONS,
  INEXPRESSIBLE_RULES,
  listDetections,
} from '../../src/detect/catalogue/index.js';
import { DetectError } from '../../src/detect/errors.js';
import { DetectionSchema, loadDetections } from '../../src/detect/schema.js';

describe('built-in catalogue', () => {
  test.each(BUILT_IN_DETECTIONS.map((d) => [d.id, d] as const))(
    '%s validates against DetectionSchema',
    (_id, d) => {
      expect(() => DetectionSchema.parse(d)).not.toThrow();
    },
  );

  test('covers every Falco k8saudit rule: 47 equivalents + 1 inexpressible = 48', () => {
    const falco = BUILT_IN_DETECTIONS.filter((d) => d.falcoRule !== undefined).map((d) => d.falcoRule);
    expect(new Set(falco).size).toBe(47);
    expect(falco.length + INEXPRESSIBLE_RULES.length).toBe(48);
  });

  test("Falco equivalents keep Falco's priority and project every output field they can under Falco's label", () => {
    const falco = BUILT_IN_DETECTIONS.filter((d) => d.falcoRule !== undefined);
    for (const d of falco) {
      expect(d.tags, d.id).toContain(`falco-priority-${d.falcoPriority!.toLowerCase()}`);
      const query = d.queries[0]!.query;
      expect(d.falcoOutput?.length, d.id).toBeGreaterThan(0);
      for (const f of d.falcoOutput ?? []) {
        if (f.column === undefined) continue;
        const projected =
          f.field === 'ka.uri.param[command]'
            ? query.includes(`(?<${f.label}>`)
            : query.includes(f.column === f.label ? f.column : `${f.column} as ${f.label}`);
        expect(projected, `${d.id}: ${f.label}=${f.field}`).toBe(true);
      }
    }
    // Only object-valued fields (Role rules) are left out.
    const left = falco.flatMap((d) =>
      (d.falcoOutput ?? []).filter((f) => f.column === undefined).map((f) => f.field),
    );
    expect(new Set(left)).toEqual(new Set(['ka.req.role.rules']));
  });

  test('the RBAC activity rules carry the names Falco gave them before splitting them by object', () => {
    const former = BUILT_IN_DETECTIONS.filter((d) => d.falcoFormerRules !== undefined).map((d) => [
      d.falcoRule,
      d.falcoFormerRules,
    ]);
    expect(former).toEqual([
      ['K8s Role Created', ['K8s Role/Clusterrole Created']],
      ['K8s Role Deleted', ['K8s Role/Clusterrole Deleted']],
      ['K8s ClusterRole Created', ['K8s Role/Clusterrole Created']],
      ['K8s ClusterRole Deleted', ['K8s Role/Clusterrole Deleted']],
      ['K8s RoleBinding Created', ['K8s Role/Clusterrolebinding Created']],
      ['K8s RoleBinding Deleted', ['K8s Role/Clusterrolebinding Deleted']],
      ['K8s ClusterRoleBinding Created', ['K8s Role/Clusterrolebinding Created']],
      ['K8s ClusterRoleBinding Deleted', ['K8s Role/Clusterrolebinding Deleted']],
    ]);
  });

  test('the EKS Best Practices queries are verbatim', () => {
    const q1 = BUILT_IN_DETECTIONS.find((d) => d.id === 'eks-bp.aws-auth-updates')?.queries[0];
    expect(q1?.verbatim).toBe(true);
    expect(q1?.query).toBe(
      'fields @timestamp, @message\n| filter @logStream like "kube-apiserver-audit"\n| filter verb in ["update", "patch"]\n| filter objectRef.resource = "configmaps" and objectRef.name = "aws-auth" and objectRef.namespace = "kube-system"\n| sort @timestamp desc',
    );
    const verbatim = BUILT_IN_DETECTIONS.filter((d) => d.tags.includes('verbatim'));
    expect(verbatim.map((d) => d.id)).toHaveLength(11);
  });

  test('exec detections accept the EKS verb get and never require a 2xx code', () => {
    for (const id of ['falco.attach-exec-pod', 'kube.exec-into-pod', 'guardduty.exec-in-kube-system-pod']) {
      const q = BUILT_IN_DETECTIONS.find((d) => d.id === id)!.queries[0]!.query;
      expect(q).toMatch(/verb in \["create", "get"\]/);
      expect(q).not.toMatch(/responseStatus\.code >= 200/);
    }
  });
});

describe('listDetections', () => {
  test.each([
    [{ kind: 'cloudtrail' as const }, (d: { kind: string }) => d.kind === 'cloudtrail'],
    [{ severity: 'high' as const }, (d: { severity: string }) => d.severity === 'high'],
    [{ tags: ['irsa'] }, (d: { tags: readonly string[] }) => d.tags.includes('irsa')],
  ])('filters by %o', (filter, predicate) => {
    const got = listDetections(filter);
    expect(got.length).toBeGreaterThan(0);
    expect(got.every(predicate as (d: unknown) => boolean)).toBe(true);
  });

  test('minSeverity keeps high and critical only', () => {
    expect(
      listDetections({ minSeverity: 'high' }).every(
        (d) => d.severity === 'high' || d.severity === 'critical',
      ),
    ).toBe(true);
  });

  test('disabled detections run only when named', () => {
    expect(listDetections().some((d) => d.id === 'falco.all-k8s-audit-events')).toBe(false);
    expect(listDetections({ ids: ['falco.all-k8s-audit-events'] }).map((d) => d.id)).toEqual([
      'falco.all-k8s-audit-events',
    ]);
    expect(listDetections({ includeDisabled: true }).length).toBe(BUILT_IN_DETECTIONS.length);
  });
});

describe('loadDetections', () => {
  const yaml = `detections:
  - id: my.kube-system-exec
    title: Exec in kube-system
    description: Someone ran a command in a kube-system pod.
    severity: high
    mitre: [T1609]
    tags: [execution]
    kind: kubernetes-audit
    source: local
    queries:
      - query: filter objectRef.subresource = "exec"
`;

  test('reads YAML and JSON', () => {
    const fromYaml = loadDetections(yaml, { format: 'yaml' });
    expect(fromYaml[0]?.id).toBe('my.kube-system-exec');
    const fromJson = loadDetections(JSON.stringify(fromYaml), { format: 'json' });
    expect(fromJson).toEqual(fromYaml);
  });

  test.each([
    ['not yaml: [', 'yaml', 'detection_parse_error'],
    ['{"x":', 'json', 'detection_parse_error'],
    ['[{"id":"x"}]', 'json', 'invalid_detection'],
    [yaml.replace('severity: high', 'severity: urgent'), 'yaml', 'invalid_detection'],
    [yaml.replace('kind: kubernetes-audit', 'kind: vpc-flow'), 'yaml', 'invalid_detection'],
    [yaml.replace('tags: [execution]', 'tags: [execution]\n    extra: 1'), 'yaml', 'invalid_detection'],
  ] as const)('rejects %j (%s) with %s', (text, format, code) => {
    try {
      loadDetections(text, { format });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DetectError);
      expect((e as DetectError).code).toBe(code);
    }
  });

  test('rejects duplicate ids', () => {
    const two = JSON.stringify([
      ...loadDetections(yaml, { format: 'yaml' }),
      ...loadDetections(yaml, { format: 'yaml' }),
    ]);
    expect(() => loadDetections(two, { format: 'json' })).toThrow(/duplicate/);
  });

  test('a __proto__ key does not pollute prototypes', () => {
    const text =
      '[{"__proto__":{"polluted":true},"id":"a.b","title":"t","description":"d","severity":"low","mitre":[],"tags":[],"kind":"cloudtrail","queries":[{"query":"filter x"}],"source":"s"}]';
    expect(() => loadDetections(text, { format: 'json' })).toThrow(DetectError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('YAML warnings stay inside kubetrail', () => {
  test('an unknown tag in a detection, allow-list or Sigma file emits no process warning', async () => {
    const { loadAllowLists } = await import('../../src/detect/allow-lists.js');
    const { loadSigmaRules } = await import('../../src/detect/sigma/load.js');
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(w.message);
    process.on('warning', listen);
    try {
      const attempt = (f: () => unknown) => {
        try {
          f();
        } catch {
          // a typed rejection is fine; a process warning is not
        }
      };
      attempt(() => loadDetections('- id: a\n  title: !!js/function "x"\n', { format: 'yaml' }));
      attempt(() => loadAllowLists('users: [!!js/function "x"]\n', { format: 'yaml' }));
      attempt(() => loadSigmaRules([{ file: 'r.yml', text: 'title: !!js/function "x"\n' }]));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    expect(warnings).toEqual([]);
  });
});
