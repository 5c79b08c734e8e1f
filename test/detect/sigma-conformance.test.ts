import { describe, expect, test } from 'vitest';
import { loadSigmaRules, sigmaEventView } from '../../src/detect/sigma/load.js';

// Conformance cases for the Sigma detection grammar and value modifiers. Each case names the
// rule of the specification it tests (sigma-rules-specification.md, sigma-appendix-modifiers.md;
// paraphrased), a detection block, and records that must and must not match.

interface Case {
  readonly spec: string;
  readonly detection: string;
  readonly match: readonly Record<string, unknown>[];
  readonly miss: readonly Record<string, unknown>[];
  readonly placeholders?: Record<string, string[]>;
}

const CASES: readonly Case[] = [
  // --- maps, lists, keywords ---
  {
    spec: 'Rules: the entries of a map are joined with AND.',
    detection: 'sel:\n  eventName: StopLogging\n  eventSource: cloudtrail.amazonaws.com\ncondition: sel',
    match: [{ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' }],
    miss: [{ eventName: 'StopLogging', eventSource: 'iam.amazonaws.com' }],
  },
  {
    spec: 'Rules: a list of values for one field is joined with OR.',
    detection: 'sel:\n  eventName: [StopLogging, DeleteTrail]\ncondition: sel',
    match: [{ eventName: 'DeleteTrail' }, { eventName: 'StopLogging' }],
    miss: [{ eventName: 'UpdateTrail' }],
  },
  {
    spec: 'Rules: a list of maps is joined with OR.',
    detection: 'sel:\n  - eventName: A\n  - eventSource: s.amazonaws.com\ncondition: sel',
    match: [{ eventName: 'A' }, { eventSource: 's.amazonaws.com' }],
    miss: [{ eventName: 'B' }],
  },
  {
    spec: 'Rules: keywords (a list of strings) are searched in the whole event, OR-linked.',
    detection: 'keywords:\n  - evilservice\n  - "svchost.exe -n evil"\ncondition: keywords',
    match: [{ userAgent: 'x EvilService y' }, { requestParameters: { c: 'svchost.exe -n evil' } }],
    miss: [{ userAgent: 'good' }],
  },
  {
    spec: "Rules: the '|all' key makes keywords AND-linked.",
    detection: "kw:\n  '|all':\n    - OabVirtualDirectory\n    - ' -ExternalUrl '\ncondition: kw",
    match: [{ c: 'Set-OabVirtualDirectory -ExternalUrl http' }],
    miss: [{ c: 'Set-OabVirtualDirectory' }],
  },
  // --- strings, wildcards, escapes, case ---
  {
    spec: 'Rules: values are matched case-insensitively by default.',
    detection: 'sel:\n  eventName: stoplogging\ncondition: sel',
    match: [{ eventName: 'StopLogging' }],
    miss: [{ eventName: 'StopLoggingX' }],
  },
  {
    spec: 'Rules: * matches any run of characters, ? exactly one.',
    detection: "sel:\n  userAgent: 'aws-cli/2.?.* Python*'\ncondition: sel",
    match: [{ userAgent: 'aws-cli/2.1.3 Python/3' }, { userAgent: 'AWS-CLI/2.9. python' }],
    miss: [{ userAgent: 'aws-cli/2.15.0 Python' }, { userAgent: 'aws-cli/2. Python' }],
  },
  {
    spec: 'Rules: \\* and \\? are the plain characters; a lone backslash is itself.',
    detection: "sel:\n  a: 'x\\*y'\n  b: 'c:\\windows\\?'\ncondition: sel",
    match: [{ a: 'x*y', b: 'c:\\windows?' }],
    miss: [
      { a: 'xzy', b: 'c:\\windows?' },
      { a: 'x*y', b: 'c:\\windowsZ' },
    ],
  },
  {
    spec: 'Rules: \\\\* is a backslash followed by a wildcard.',
    detection: "sel:\n  a: 'dir\\\\*'\ncondition: sel",
    match: [{ a: 'dir\\' }, { a: 'dir\\anything' }],
    miss: [{ a: 'dirx' }],
  },
  {
    spec: "Rules: an empty value '' matches an empty string only.",
    detection: "sel:\n  errorCode: ''\ncondition: sel",
    match: [{ errorCode: '' }],
    miss: [{ errorCode: 'AccessDenied' }, {}],
  },
  {
    spec: 'Rules: null matches a field that is missing or null.',
    detection: 'sel:\n  eventName: X\nempty:\n  errorCode: null\ncondition: sel and empty',
    match: [{ eventName: 'X' }, { eventName: 'X', errorCode: null }],
    miss: [{ eventName: 'X', errorCode: 'Denied' }],
  },
  {
    spec: 'Rules: a number value matches the number (and its spelling as a string).',
    detection: 'sel:\n  responseStatus.code: [401, 403]\ncondition: sel',
    match: [{ responseStatus: { code: 403 } }, { responseStatus: { code: '401' } }],
    miss: [{ responseStatus: { code: 200 } }],
  },
  {
    spec: 'JSON logs: a field holding a list matches when any element matches; lists along the path are searched.',
    detection: "sel:\n  requestObject.spec.containers.image|contains: 'xmrig'\ncondition: sel",
    match: [{ requestObject: { spec: { containers: [{ image: 'nginx' }, { image: 'evil/XMRig:1' }] } } }],
    miss: [{ requestObject: { spec: { containers: [{ image: 'nginx' }] } } }],
  },
  {
    spec: 'JSON logs: a dotted name reaches a key that itself contains dots.',
    detection: 'sel:\n  annotations.authorization.k8s.io/decision: allow\ncondition: sel',
    match: [{ annotations: { 'authorization.k8s.io/decision': 'allow' } }],
    miss: [{ annotations: { 'authorization.k8s.io/decision': 'forbid' } }],
  },
  // --- generic modifiers ---
  {
    spec: 'Modifiers: contains puts * around the value.',
    detection: 'sel:\n  userAgent|contains: Kali\ncondition: sel',
    match: [{ userAgent: 'aws-cli (kali linux)' }],
    miss: [{ userAgent: 'aws-cli' }],
  },
  {
    spec: 'Modifiers: startswith expects the value at the beginning.',
    detection: 'sel:\n  eventName|startswith: Delete\ncondition: sel',
    match: [{ eventName: 'DeleteTrail' }],
    miss: [{ eventName: 'UndeleteTrail' }],
  },
  {
    spec: 'Modifiers: endswith expects the value at the end.',
    detection: 'sel:\n  eventName|endswith: Trail\ncondition: sel',
    match: [{ eventName: 'DeleteTrail' }],
    miss: [{ eventName: 'TrailDelete' }],
  },
  {
    spec: 'Modifiers: all links the list of values with AND.',
    detection: 'sel:\n  requestURI|contains|all: [exec, command=sh]\ncondition: sel',
    match: [{ requestURI: '/api/v1/ns/pods/p/exec?command=sh' }],
    miss: [{ requestURI: '/api/v1/ns/pods/p/exec?command=ls' }],
  },
  {
    spec: 'Modifiers: exists: true needs the field present (even null); exists: false needs it absent.',
    detection: 'a:\n  errorCode|exists: true\nb:\n  errorMessage|exists: false\ncondition: a and b',
    match: [{ errorCode: null }, { errorCode: 'X' }],
    miss: [{}, { errorCode: 'X', errorMessage: 'm' }],
  },
  {
    spec: 'Modifiers: cased applies the value case-sensitively.',
    detection: 'sel:\n  eventName|cased: StopLogging\ncondition: sel',
    match: [{ eventName: 'StopLogging' }],
    miss: [{ eventName: 'stoplogging' }],
  },
  {
    spec: 'Modifiers: neq: the field differs from the given values.',
    detection:
      'sel:\n  eventName: GetObject\nother:\n  awsRegion|neq: [eu-west-1, us-east-1]\ncondition: sel and other',
    match: [{ eventName: 'GetObject', awsRegion: 'ap-south-1' }],
    miss: [
      { eventName: 'GetObject', awsRegion: 'eu-west-1' },
      { eventName: 'GetObject', awsRegion: 'US-EAST-1' },
    ],
  },
  // --- string modifiers ---
  {
    spec: 'Modifiers: windash makes -, /, en dash, em dash and horizontal bar interchangeable.',
    detection: "sel:\n  command|windash|contains: ' -enc '\ncondition: sel",
    match: [
      { command: 'ps /enc x' },
      { command: 'ps \u2013enc x' },
      { command: 'ps \u2015enc x' },
      { command: 'ps -enc x' },
    ],
    miss: [{ command: 'ps +enc x' }],
  },
  {
    spec: 'Modifiers: re is a regular expression, case-sensitive by default.',
    detection: "sel:\n  userAgent|re: '^aws-cli/[0-9]+\\.'\ncondition: sel",
    match: [{ userAgent: 'aws-cli/2.1' }],
    miss: [{ userAgent: 'AWS-CLI/2.1' }, { userAgent: 'x aws-cli/2.1' }],
  },
  {
    spec: 'Modifiers: re|i matches case-insensitively.',
    detection: "sel:\n  userAgent|re|i: '^aws-cli'\ncondition: sel",
    match: [{ userAgent: 'AWS-CLI/2.1' }],
    miss: [{ userAgent: 'boto3' }],
  },
  {
    spec: 'Modifiers: re|m makes ^ and $ match at line ends.',
    detection: "sel:\n  policy|re|m: '^Deny$'\ncondition: sel",
    match: [{ policy: 'Allow\nDeny\nAllow' }],
    miss: [{ policy: 'Allow Deny' }],
  },
  {
    spec: 'Modifiers: re|s makes . match a newline.',
    detection: "sel:\n  policy|re|s: 'a.b'\ncondition: sel",
    match: [{ policy: 'a\nb' }],
    miss: [{ policy: 'ab' }],
  },
  {
    spec: 'Modifiers: base64: the value is encoded with Base64.',
    detection: 'sel:\n  data|base64: "evil"\ncondition: sel',
    match: [{ data: 'ZXZpbA==' }],
    miss: [{ data: 'evil' }],
  },
  {
    spec: 'Modifiers: base64offset: the three encodings a value can have inside a base64 string.',
    detection: 'sel:\n  data|base64offset|contains: "http://"\ncondition: sel',
    match: [{ data: btoa('http://x') }, { data: btoa('ahttp://x') }, { data: btoa('abhttp://x') }],
    miss: [{ data: btoa('ftp://x') }],
  },
  {
    spec: 'Modifiers: utf16le (with base64offset): the value as UTF-16LE bytes, then encoded.',
    detection: 'sel:\n  data|utf16le|base64offset|contains: "ping"\ncondition: sel',
    match: [{ data: btoa('p\u0000i\u0000n\u0000g\u0000') }],
    miss: [{ data: btoa('ping') }],
  },
  // --- numeric, time, IP, specific ---
  {
    spec: 'Modifiers: lt, lte, gt, gte compare numbers.',
    detection: 'a:\n  responseStatus.code|gte: 400\nb:\n  responseStatus.code|lt: 500\ncondition: a and b',
    match: [{ responseStatus: { code: 400 } }, { responseStatus: { code: '499' } }],
    miss: [
      { responseStatus: { code: 500 } },
      { responseStatus: { code: 399 } },
      { responseStatus: { code: 'x' } },
    ],
  },
  {
    spec: 'Modifiers: lte and gt.',
    detection: 'a:\n  n|lte: 5\nb:\n  n|gt: 1\ncondition: a and b',
    match: [{ n: 5 }, { n: 2 }],
    miss: [{ n: 1 }, { n: 6 }],
  },
  {
    spec: 'Modifiers: the time modifiers (hour, minute, day, week, month, year) take a number out of a date.',
    detection:
      'a:\n  eventTime|hour|gte: 22\nb:\n  eventTime|month: 5\nc:\n  eventTime|year: 2024\nd:\n  eventTime|day: 14\ne:\n  eventTime|week: 20\nf:\n  eventTime|minute: 30\ncondition: all of them',
    match: [{ eventTime: '2024-05-14T23:30:00Z' }],
    miss: [{ eventTime: '2024-05-14T21:30:00Z' }, { eventTime: '2023-05-14T23:30:00Z' }],
  },
  {
    spec: 'Modifiers: cidr: the value is an IPv4 or IPv6 network range.',
    detection: 'sel:\n  sourceIPAddress|cidr: [10.0.0.0/8, "2001:db8::/32"]\ncondition: sel',
    match: [{ sourceIPAddress: '10.1.2.3' }, { sourceIPAddress: '2001:db8::1' }],
    miss: [{ sourceIPAddress: '11.0.0.1' }, { sourceIPAddress: 'ec2.amazonaws.com' }],
  },
  {
    spec: 'Modifiers: expand replaces %placeholders% with the values the tool is given; \\% is a plain percent.',
    detection: 'sel:\n  userIdentity.userName|expand: "%Administrators%"\ncondition: sel',
    placeholders: { Administrators: ['alice', 'adm_*'] },
    match: [{ userIdentity: { userName: 'alice' } }, { userIdentity: { userName: 'adm_bob' } }],
    miss: [{ userIdentity: { userName: 'bob' } }],
  },
  {
    spec: 'Modifiers: fieldref compares the field with another field of the same event.',
    detection: 'sel:\n  userIdentity.userName|fieldref: requestParameters.userName\ncondition: sel',
    match: [{ userIdentity: { userName: 'Bob' }, requestParameters: { userName: 'bob' } }],
    miss: [
      { userIdentity: { userName: 'alice' }, requestParameters: { userName: 'bob' } },
      { userIdentity: { userName: 'a' } },
    ],
  },
  {
    spec: 'Modifiers: fieldref with neq: the two fields differ.',
    detection: 'sel:\n  userIdentity.userName|fieldref|neq: requestParameters.userName\ncondition: sel',
    match: [{ userIdentity: { userName: 'alice' }, requestParameters: { userName: 'bob' } }],
    miss: [{ userIdentity: { userName: 'bob' }, requestParameters: { userName: 'bob' } }],
  },
  // --- conditions ---
  {
    spec: 'Condition: and / or / not, with not binding tighter than and, and than or.',
    detection: 'a:\n  x: 1\nb:\n  y: 1\nc:\n  z: 1\ncondition: a or b and not c',
    match: [{ x: 1, z: 1 }, { y: 1 }],
    miss: [{ y: 1, z: 1 }, {}],
  },
  {
    spec: 'Condition: brackets group.',
    detection: 'a:\n  x: 1\nb:\n  y: 1\nc:\n  z: 1\ncondition: (a or b) and not c',
    match: [{ x: 1 }, { y: 1 }],
    miss: [{ x: 1, z: 1 }],
  },
  {
    spec: 'Condition: 1 of pattern: any of the matching search identifiers (* at any position).',
    detection: 'selection_a:\n  x: 1\nselection_b:\n  y: 1\nother:\n  z: 1\ncondition: 1 of *tion_*',
    match: [{ y: 1 }],
    miss: [{ z: 1 }],
  },
  {
    spec: 'Condition: all of pattern: every matching search identifier.',
    detection: 'sel_a:\n  x: 1\nsel_b:\n  y: 1\ncondition: all of sel_*',
    match: [{ x: 1, y: 1 }],
    miss: [{ x: 1 }],
  },
  {
    spec: 'Condition: 1 of them / all of them cover every identifier not starting with _.',
    detection: 'a:\n  x: 1\nb:\n  y: 1\n_hidden:\n  z: 1\ncondition: all of them',
    match: [{ x: 1, y: 1 }],
    miss: [{ x: 1 }],
  },
  {
    spec: 'Condition: 1 of them.',
    detection: 'a:\n  x: 1\n_b:\n  y: 1\ncondition: 1 of them',
    match: [{ x: 1 }],
    miss: [{ y: 1 }],
  },
  {
    spec: 'Condition: not 1 of filter* (a rule with exclusions).',
    detection:
      'selection:\n  x: 1\nfilter_main_a:\n  y: 1\nfilter_main_b:\n  z: 1\ncondition: selection and not 1 of filter_main_*',
    match: [{ x: 1 }],
    miss: [{ x: 1, z: 1 }],
  },
  {
    spec: 'Condition: a list of conditions is OR-linked.',
    detection: 'a:\n  x: 1\nb:\n  y: 1\ncondition:\n  - a\n  - b',
    match: [{ x: 1 }, { y: 1 }],
    miss: [{}],
  },
];

function ruleText(detection: string): string {
  const body = detection
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `title: case\nid: 00000000-0000-4000-8000-000000000000\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n${body}\nlevel: high\n`;
}

describe('Sigma conformance', () => {
  for (const c of CASES) {
    test(c.spec, () => {
      const set = loadSigmaRules([{ file: 'case.yml', text: ruleText(c.detection) }], {
        ...(c.placeholders === undefined ? {} : { placeholders: c.placeholders }),
      });
      expect(set.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
      const rule = set.rules[0];
      expect(rule).toBeDefined();
      const run = (r: Record<string, unknown>) => rule?.test(sigmaEventView(r, JSON.stringify(r)));
      for (const r of c.match) expect(run(r), JSON.stringify(r)).toBe(true);
      for (const r of c.miss) expect(run(r), JSON.stringify(r)).toBe(false);
    });
  }
});

describe('Sigma rules that cannot load', () => {
  const errorsOf = (text: string) => problemsOf(text).filter((p) => p.severity === 'error');
  const problemsOf = (text: string) =>
    loadSigmaRules([{ file: 'bad.yml', text }]).problems.map((p) => ({
      severity: p.severity,
      at: `${p.position.line}:${p.position.column}`,
      rule: p.rule,
      message: p.message,
    }));

  test('malformed YAML names the line and column', () => {
    const [p] = problemsOf('title: x\ndetection:\n  sel: [a\n  condition: sel\n');
    expect(p).toMatchObject({ severity: 'error' });
    expect(p?.message).toMatch(/not valid YAML/);
    expect(p?.at).toMatch(/^\d+:\d+$/);
  });

  test('an unknown modifier is an error at its key, naming the rule', () => {
    expect(
      problemsOf(ruleText('sel:\n  eventName|containz: x\ncondition: sel')).filter(
        (p) => p.severity === 'error',
      ),
    ).toEqual([
      {
        severity: 'error',
        at: '8:5',
        rule: '00000000-0000-4000-8000-000000000000',
        message: 'sel: eventName|containz: unknown modifier "containz"',
      },
    ]);
  });

  test('a modifier that cannot apply to JSON logs is unsupported, with the reason', () => {
    const [p] = problemsOf(ruleText('sel:\n  c|wide: x\ncondition: sel'));
    expect(p?.severity).toBe('unsupported');
    expect(p?.message).toMatch(/UTF-16 bytes/);
  });

  test('an unknown field for the log source is a warning at its key', () => {
    const [p] = problemsOf(ruleText('sel:\n  EventID: 4688\ncondition: sel'));
    expect(p).toMatchObject({ severity: 'warning', at: '8:5' });
    expect(p?.message).toMatch(/"EventID" is not a field of cloudtrail records/);
  });

  test('a too-broad rule (condition: selection on an empty selection) is an error', () => {
    const [p] = problemsOf(ruleText('selection: {}\ncondition: selection'));
    expect(p).toMatchObject({ severity: 'error', at: '7:3' });
    expect(p?.message).toMatch(/empty map: it would match every event/);
  });

  test('a condition made only of negations is a warning', () => {
    const [p] = problemsOf(ruleText('filter:\n  x: 1\ncondition: not filter'));
    expect(p).toMatchObject({ severity: 'warning' });
  });

  test('schema errors: every one at once, each at its line', () => {
    const problems = problemsOf(
      'title: ""\nlevel: severe\nlogsource: {product: aws}\ndetection:\n  condition: 7\n',
    );
    expect(problems.map((p) => [p.at, p.message.split(':')[0]])).toEqual([
      ['1:1', 'title'],
      ['2:1', 'level'],
      ['5:3', 'detection.condition'],
    ]);
  });

  test('an unknown search identifier or a pattern that matches none', () => {
    expect(errorsOf(ruleText('sel:\n  x: 1\ncondition: sel and nope')).map((p) => p.message)).toEqual([
      'the condition names "nope", which is not a search identifier of this rule',
    ]);
    expect(errorsOf(ruleText('sel:\n  x: 1\ncondition: 1 of filter_*')).map((p) => p.message)).toEqual([
      '"1 of filter_*" matches no search identifier',
    ]);
    expect(errorsOf(ruleText('sel:\n  x: 1\ncondition: sel and (')).map((p) => p.message)[0]).toMatch(
      /^condition: the condition ends/,
    );
  });

  test('a log source kubetrail does not read is unsupported', () => {
    const text =
      'title: w\nlogsource: {product: windows, category: process_creation}\ndetection:\n  s: {Image: x}\n  condition: s\n';
    expect(problemsOf(text)[0]).toMatchObject({ severity: 'unsupported', at: '2:1' });
  });

  test('null in a list, all with one value, and i without re are errors', () => {
    expect(problemsOf(ruleText("sel:\n  a: ['', null]\ncondition: sel"))[0]?.message).toMatch(
      /null cannot be part of a list/,
    );
    expect(problemsOf(ruleText('sel:\n  a|all: x\ncondition: sel'))[0]?.message).toMatch(
      /needs a list of two/,
    );
    expect(problemsOf(ruleText('sel:\n  a|i: x\ncondition: sel'))[0]?.message).toMatch(
      /sub-modifier of "re"/,
    );
  });
});
