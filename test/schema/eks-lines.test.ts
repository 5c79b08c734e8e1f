import { describe, expect, test } from 'vitest';
import { parseAuthenticatorLine, parseKlogLine } from '../../src/schema/eks-lines.js';

const PROTO = '__proto__';

describe('parseAuthenticatorLine', () => {
  test('STS response', () => {
    const line = parseAuthenticatorLine(
      'time="2023-03-23T15:00:41Z" level=info msg="STS response" accesskeyid=ASIAEXAMPLE accountid=064047601590 ' +
        'arn="arn:aws:sts::064047601590:assumed-role/test_node_group_role/i-0429e7bc1c0bb2932" client="127.0.0.1:52552" ' +
        'method=POST path=/authenticate session=i-0429e7bc1c0bb2932 userid=AROAEXAMPLE',
    );
    expect(line).toMatchObject({
      time: '2023-03-23T15:00:41Z',
      timestamp: Date.UTC(2023, 2, 23, 15, 0, 41),
      level: 'info',
      msg: 'STS response',
      accesskeyid: 'ASIAEXAMPLE',
      accountid: '064047601590',
      arn: 'arn:aws:sts::064047601590:assumed-role/test_node_group_role/i-0429e7bc1c0bb2932',
      client: '127.0.0.1:52552',
      method: 'POST',
      path: '/authenticate',
      session: 'i-0429e7bc1c0bb2932',
      userid: 'AROAEXAMPLE',
    });
    expect(line?.fields.accountid).toBe('064047601590');
    expect(Object.getPrototypeOf(line?.fields)).toBeNull();
  });

  test('access granted with groups and the old sts key', () => {
    const line = parseAuthenticatorLine(
      'time="2021-08-11T10:09:43Z" level=info msg="access granted" arn="arn:aws:iam::12345678910:user/awscli" ' +
        'client="127.0.0.1:51326" groups="[system:masters system:nodes]" method=POST path=/authenticate ' +
        'sts=sts.eu-west-1.amazonaws.com uid="heptio-authenticator-aws:12345678910:ABCDEFGHIJKLMNOP" username=kubernetes-admin',
    );
    expect(line?.groups).toEqual(['system:masters', 'system:nodes']);
    expect(line?.stsendpoint).toBe('sts.eu-west-1.amazonaws.com');
    expect(line?.uid).toBe('heptio-authenticator-aws:12345678910:ABCDEFGHIJKLMNOP');
    expect(line?.username).toBe('kubernetes-admin');
  });

  test('access denied with escaped quotes in the error', () => {
    const line = parseAuthenticatorLine(
      'time="2021-08-08T20:04:44Z" level=warning msg="access denied" client="127.0.0.1:52856" ' +
        'error="sts getCallerIdentity failed: \\"x\\" (expected 200, got 403)" method=POST path=/authenticate',
    );
    expect(line?.level).toBe('warning');
    expect(line?.error).toBe('sts getCallerIdentity failed: "x" (expected 200, got 403)');
    expect(line?.arn).toBeUndefined();
  });

  test('__proto__ and constructor keys are plain data', () => {
    const line = parseAuthenticatorLine(
      'time="2021-08-08T20:04:44Z" level=info msg=x __proto__=polluted constructor=c toString=t',
    );
    expect(line?.fields[PROTO]).toBe('polluted');
    expect(line?.fields.constructor).toBe('c');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(line?.fields)).toBeNull();
  });

  test.each([
    [''],
    ['level=info msg=x'],
    ['time="2021-08-08T20:04:44Z" level=info'],
    ['time="unterminated level=info msg=x'],
    ['I0915 12:19:43.933124       1 scheduler.go:604] x'],
  ])('rejects %j', (text) => {
    expect(parseAuthenticatorLine(text)).toBeUndefined();
  });

  test('an unparsable time leaves timestamp undefined', () => {
    expect(parseAuthenticatorLine('time="yesterday" level=info msg=x')?.timestamp).toBeUndefined();
  });
});

describe('parseKlogLine', () => {
  test('structured scheduler line', () => {
    const line = parseKlogLine(
      'I0915 12:19:43.933124       1 scheduler.go:604] "Successfully bound pod to node" pod="kube-system/aws-6799fc88d8-jqc2r" node="ip-192-168-66-187.eu-west-1.compute.internal" evaluatedNodes=3 feasibleNodes=2',
      { year: 2023 },
    );
    expect(line).toMatchObject({
      severity: 'info',
      severityCode: 'I',
      month: 9,
      day: 15,
      hour: 12,
      minute: 19,
      second: 43,
      microsecond: 933124,
      timestamp: Date.UTC(2023, 8, 15, 12, 19, 43, 933),
      pid: 1,
      file: 'scheduler.go',
      line: 604,
      msg: 'Successfully bound pod to node',
      structured: true,
    });
    expect({ ...line?.keyValues }).toEqual({
      pod: 'kube-system/aws-6799fc88d8-jqc2r',
      node: 'ip-192-168-66-187.eu-west-1.compute.internal',
      evaluatedNodes: '3',
      feasibleNodes: '2',
    });
  });

  test('bracketed Go map values stay one value', () => {
    const line = parseKlogLine(
      'I0323 15:09:30.969664      11 alloc.go:327] "allocated clusterIPs" service="default/open5gs-amf-ngap" clusterIPs=map[IPv4:172.20.188.198 IPv6:fd00::1]',
    );
    expect(line?.keyValues.clusterIPs).toBe('map[IPv4:172.20.188.198 IPv6:fd00::1]');
    expect(line?.timestamp).toBeUndefined();
  });

  test.each([
    [
      'E0323 15:00:23.228069      11 horizontal.go:226] failed to compute desired number of replicas',
      'error',
      'horizontal.go',
      226,
    ],
    [
      'W0323 15:02:49.728729      11 tagging_controller.go:152] Skip putting node ip-10-0-101-15.ec2.internal in work queue',
      'warning',
      'tagging_controller.go',
      152,
    ],
    ['I0412 02:23:51.508774    2401 flags.go:64] FLAG: --audit-log-maxage="30"', 'info', 'flags.go', 64],
    ['F0101 00:00:00.000000 1 main.go:1] boom', 'fatal', 'main.go', 1],
  ] as const)('unstructured %s', (text, severity, file, sourceLine) => {
    const line = parseKlogLine(text);
    expect(line?.severity).toBe(severity);
    expect(line?.file).toBe(file);
    expect(line?.line).toBe(sourceLine);
    expect(line?.structured).toBe(false);
    expect(line?.msg).toBe(line?.message);
    expect(Object.keys(line?.keyValues ?? { x: 1 })).toEqual([]);
  });

  test('multi-line values', () => {
    const line = parseKlogLine(
      'E0101 00:00:00.000000       1 x.go:1] "failed" err=<\n\tline one\n\tline two\n > pod="a"',
    );
    expect(line?.keyValues.err).toBe('line one\nline two');
    expect(line?.keyValues.pod).toBe('a');
  });

  test('referenceTime picks the nearest year across New Year', () => {
    const line = parseKlogLine('I1231 23:59:59.900000       1 x.go:1] m', {
      referenceTime: Date.UTC(2024, 0, 1, 0, 0, 1),
    });
    expect(line?.timestamp).toBe(Date.UTC(2023, 11, 31, 23, 59, 59, 900));
    const jan = parseKlogLine('I0101 00:00:01.000000       1 x.go:1] m', {
      referenceTime: Date.UTC(2023, 11, 31, 23, 59, 59),
    });
    expect(jan?.timestamp).toBe(Date.UTC(2024, 0, 1, 0, 0, 1));
  });

  test('Feb 29 in a non-leap year has no timestamp', () => {
    expect(parseKlogLine('I0229 00:00:00.000000 1 x.go:1] m', { year: 2023 })?.timestamp).toBeUndefined();
    expect(parseKlogLine('I0229 00:00:00.000000 1 x.go:1] m', { year: 2024 })?.timestamp).toBe(
      Date.UTC(2024, 1, 29),
    );
  });

  test('__proto__ keys are plain data', () => {
    const line = parseKlogLine('I0101 00:00:00.000000 1 x.go:1] "m" __proto__="x" constructor=y');
    expect(line?.keyValues[PROTO]).toBe('x');
    expect(Object.getPrototypeOf(line?.keyValues)).toBeNull();
  });

  test.each([
    [''],
    ['X0915 12:19:43.933124 1 a.go:1] m'],
    ['I1315 12:19:43.933124 1 a.go:1] m'],
    ['I0915 12:19:43.93312 1 a.go:1] m'],
    ['I0915 12:19:43.933124 a.go:1] m'],
    ['I0915 12:19:43.933124 1 a.go] m'],
    ['I0915 12:19:43.933124 1 a.go:x] m'],
    ['\tat goroutine 1'],
    ['time="2021-08-08T20:04:44Z" level=info msg=x'],
  ])('rejects %j', (text) => {
    expect(parseKlogLine(text)).toBeUndefined();
  });

  test('unterminated structured message falls back to unstructured', () => {
    const line = parseKlogLine('I0101 00:00:00.000000 1 x.go:1] "unterminated');
    expect(line?.structured).toBe(false);
    expect(line?.msg).toBe('"unterminated');
  });
});
