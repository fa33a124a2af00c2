import { describe, expect, it } from 'vitest';
import { redactUrl, withoutCredentials } from '../../src/net/url-credentials.ts';

describe('URL credentials', () => {
  it('never shows credentials from the URL', () => {
    const shown = redactUrl(new URL('https://svc:hunter2@model.example/predict?api_key=abc123&batch=4'));
    expect(shown).not.toContain('hunter2');
    expect(shown).not.toContain('abc123');
    expect(shown).toContain('batch=4');
  });

  it('sends user:password as Basic auth, percent-escapes decoded, and leaves the URL without them', () => {
    const { url, headers } = withoutCredentials(new URL('http://ops:p%40ss@triton:8002/metrics?x=1'));
    expect(url.href).toBe('http://triton:8002/metrics?x=1');
    expect(headers).toEqual({ authorization: `Basic ${Buffer.from('ops:p@ss').toString('base64')}` });
    expect(withoutCredentials(new URL('http://triton:8002/metrics')).headers).toEqual({});
  });
});
