import { describe, expect, test } from 'vitest';
import { isKubetrailError, KubetrailError } from '../src/errors.js';

describe('KubetrailError', () => {
  test('carries a stable code and is recognised by the guard', () => {
    const error = new KubetrailError('bad_json_line', 'bad line');
    expect(error.code).toBe('bad_json_line');
    expect(isKubetrailError(error)).toBe(true);
  });

  test.each([new Error('x'), null, undefined, 'text', { code: 'x' }])('guard rejects %s', (value) => {
    expect(isKubetrailError(value)).toBe(false);
  });
});
