import { describe, expect, it } from 'vitest';
import { compileUserRegex, UserRegexSyntaxError } from '../../src/query/regex.js';

describe('compileUserRegex cache', () => {
  it('compiles a pattern once per thread, per case flag, and gives the same answers', () => {
    const a = compileUserRegex('^kube-(api|ctl)');
    expect(compileUserRegex('^kube-(api|ctl)')).toBe(a);
    const i = compileUserRegex('^kube-(api|ctl)', { caseInsensitive: true });
    expect(i).not.toBe(a);
    expect([a.test('KUBE-api'), i.test('KUBE-api'), a.test('kube-ctl')]).toEqual([false, true, true]);
    // no match state is kept between calls
    expect(a.exec('x kube-api')?.start).toBeUndefined();
    expect(compileUserRegex('kube-(api|ctl)').exec('x kube-api y kube-ctl')?.start).toBe(2);
    expect(compileUserRegex('kube-(api|ctl)').exec('x kube-api y kube-ctl', 3)?.start).toBe(13);
  });

  it('does not keep a pattern that fails', () => {
    expect(() => compileUserRegex('(a')).toThrow(UserRegexSyntaxError);
    expect(() => compileUserRegex('(a')).toThrow(UserRegexSyntaxError);
  });
});
