import { describe, expect, it } from 'vitest';
import { redactUrl, stripUrlCredentials, withoutCredentials, withoutUrlCredentials } from '../../src/net/url-credentials.ts';

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

describe('URL credentials at the edge', () => {
  it('removes every userinfo form from running text, leaving the rest of the command', () => {
    expect(stripUrlCredentials('health http://svc:hunter2@model:8080 --interval 3s')).toBe('health http://model:8080 --interval 3s');
    expect(stripUrlCredentials('drift redis://:pw@cache:6379/0 https://tok3n@files.example/cur.csv')).toBe('drift redis://cache:6379/0 https://files.example/cur.csv');
    expect(stripUrlCredentials('profile <http://a:b%40c@gw/predict> --body {"x":1}')).toBe('profile <http://gw/predict> --body {"x":1}');
    expect(stripUrlCredentials('gpu node-1 --pod ml/x')).toBe('gpu node-1 --pod ml/x');
    // An @ after the path is not userinfo.
    expect(stripUrlCredentials('http://gw/predict?owner=a@b.example')).toBe('http://gw/predict?owner=a@b.example');
  });

  it('walks job data: nested payloads, arrays, titles', () => {
    const data = { title: 'health http://u:p@m:1', payload: { url: 'http://u:p@m:1', list: ['ftp://x:y@h/f', 3] }, n: 2 };
    expect(withoutUrlCredentials(data)).toEqual({ title: 'health http://m:1', payload: { url: 'http://m:1', list: ['ftp://h/f', 3] }, n: 2 });
  });
});
