import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, UnreachableError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/core/logger.ts';
import { PagerDutyApiError, PagerDutyRestClient, pagerDutyClientFromConfig, rateLimitWaitMs } from '../../src/pagerduty/rest-client.ts';
import { startPagerDutyApiStandIn, type PagerDutyApiStandIn } from '../support/pagerduty-api-stand-in.ts';

const TOKEN = 'u+Secret_Token-abc123';
const USERS = { 'alice@example.com': 'Alice Oncall', 'bot@example.com': 'infdbg bot' };

let pd: PagerDutyApiStandIn;
let waits: number[];
let logLines: string[];

function client(overrides: Partial<ConstructorParameters<typeof PagerDutyRestClient>[0]> = {}) {
  return new PagerDutyRestClient({
    token: TOKEN,
    baseUrl: pd.url,
    fromEmail: 'bot@example.com',
    fetch: globalThis.fetch,
    sleep: async (ms) => void waits.push(ms),
    logger: createLogger('debug', (l) => logLines.push(l)),
    ...overrides,
  });
}

beforeEach(async () => {
  pd = await startPagerDutyApiStandIn({ token: TOKEN, users: USERS });
  pd.addIncident('PT4KHLK', { status: 'triggered', title: 'The server is on fire.', number: 1234 });
  waits = [];
  logLines = [];
});
afterEach(async () => {
  await pd.close();
});

describe('PagerDutyRestClient', () => {
  it('reads an incident with the versioned Accept header and the token scheme PagerDuty documents', async () => {
    const state = await client().getIncident('PT4KHLK');
    expect(state).toMatchObject({ id: 'PT4KHLK', status: 'triggered', number: 1234, title: 'The server is on fire.' });
    expect(pd.calls[0]).toMatchObject({ method: 'GET', path: '/incidents/PT4KHLK', authorization: 'Token token=…', accept: 'application/vnd.pagerduty+json;version=2' });
  });

  it('acknowledges as the clicking user, and the incident shows who acknowledged it', async () => {
    const state = await client().acknowledge('PT4KHLK', 'alice@example.com');
    expect(state.status).toBe('acknowledged');
    expect(state.acknowledgedBy).toEqual(['Alice Oncall']);
    expect(pd.calls[0]).toMatchObject({ method: 'PUT', from: 'alice@example.com', body: { incident: { type: 'incident_reference', status: 'acknowledged' } } });
    expect(pd.incidents.get('PT4KHLK')!.status).toBe('acknowledged');
  });

  it('falls back to the configured From email when the caller gives none', async () => {
    const state = await client().resolve('PT4KHLK');
    expect(state.status).toBe('resolved');
    expect(state.lastStatusChangeBy).toBe('infdbg bot');
    expect(pd.calls[0]!.from).toBe('bot@example.com');
  });

  it('adds a note with the report summary', async () => {
    const note = await client().addNote('PT4KHLK', 'Top hypothesis: GPU memory exhausted (high).');
    expect(note.id).toMatch(/^PN/);
    expect(pd.notes.get('PT4KHLK')!.map((n) => n.content)).toEqual(['Top hypothesis: GPU memory exhausted (high).']);
  });

  it('waits out a 429 for the seconds ratelimit-reset gives, then succeeds', async () => {
    pd.rateLimitNext(2, 7);
    const state = await client().acknowledge('PT4KHLK', 'alice@example.com');
    expect(state.status).toBe('acknowledged');
    expect(waits).toEqual([7000, 7000]);
    expect(pd.calls).toHaveLength(3);
    expect(logLines.some((l) => l.includes('pagerduty: retrying') && l.includes('"status":429'))).toBe(true);
  });

  it('honours Retry-After when ratelimit-reset is absent', async () => {
    pd.rateLimitNext(1, 3, 'retry-after');
    await client().getIncident('PT4KHLK');
    expect(waits).toEqual([3000]);
  });

  it('gives up after its bounded retries with the status and PagerDuty message in one line', async () => {
    pd.rateLimitNext(10, 1);
    const err = await client({ maxRetries: 2 }).acknowledge('PT4KHLK').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PagerDutyApiError);
    expect((err as PagerDutyApiError).status).toBe(429);
    expect((err as Error).message).toBe('PagerDuty PUT /incidents/PT4KHLK answered 429: Rate Limit Exceeded [code 2020]');
    expect(pd.calls).toHaveLength(3);
  });

  it('does not sit out a reset longer than it is willing to wait', async () => {
    pd.rateLimitNext(1, 600);
    const err = await client({ maxWaitMs: 30_000 }).getIncident('PT4KHLK').catch((e: unknown) => e);
    expect((err as Error).message).toContain('asks to wait 600 s');
    expect(waits).toEqual([]);
  });

  it('a refused token is a one-line 401 error that never contains the token', async () => {
    const err = await client({ token: 'wrong-token-value' }).getIncident('PT4KHLK').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PagerDutyApiError);
    expect((err as PagerDutyApiError).status).toBe(401);
    expect((err as Error).message).toMatch(/^PagerDuty GET \/incidents\/PT4KHLK answered 401: .+ \[code 2006\]$/);
    expect((err as Error).message).not.toContain('wrong-token-value');
    expect(pd.calls[0]!.authorization).toBe('(wrong token)');
  });

  it('an unknown incident is PagerDuty\'s 404 Not Found', async () => {
    const err = await client().getIncident('PNOPE00').catch((e: unknown) => e);
    expect((err as Error).message).toBe('PagerDuty GET /incidents/PNOPE00 answered 404: Not Found [code 2100]');
  });

  it('a write with an unknown From user shows PagerDuty\'s error details', async () => {
    const err = await client().acknowledge('PT4KHLK', 'stranger@example.com').catch((e: unknown) => e);
    expect((err as Error).message).toBe('PagerDuty PUT /incidents/PT4KHLK answered 400: Invalid Input Provided (No user with email stranger@example.com in this account.) [code 2001]');
    expect(pd.incidents.get('PT4KHLK')!.status).toBe('triggered');
  });

  it('an unreachable API is an UnreachableError naming the host, not the token', async () => {
    const addr = pd.url;
    await pd.close();
    const err = await client({ baseUrl: addr }).getIncident('PT4KHLK').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/^PagerDuty API unreachable \(127\.0\.0\.1:\d+\) on GET \/incidents\/PT4KHLK: ECONNREFUSED$/);
    expect((err as Error).message).not.toContain(TOKEN);
    pd = await startPagerDutyApiStandIn({ token: TOKEN }); // for afterEach
  });

  it('retries a 503 on a status change but never re-posts a note after a 5xx', async () => {
    pd.failNext(1, 503);
    await client().resolve('PT4KHLK');
    expect(pd.calls.filter((c) => c.method === 'PUT')).toHaveLength(2);

    pd.failNext(1, 503);
    const err = await client().addNote('PT4KHLK', 'summary').catch((e: unknown) => e);
    expect((err as PagerDutyApiError).status).toBe(503);
    expect(pd.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('refuses an incident id that is not one before sending anything', async () => {
    await expect(client().acknowledge('../users/PXPGF42')).rejects.toBeInstanceOf(InputError);
    expect(pd.calls).toHaveLength(0);
  });

  it('sends one request at a time, as PagerDuty asks per token', async () => {
    let inFlight = 0;
    let most = 0;
    const counting: typeof fetch = async (input, init) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await globalThis.fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    pd.addIncident('PQMF62U');
    const c = client({ fetch: counting });
    await Promise.all([c.getIncident('PT4KHLK'), c.getIncident('PQMF62U'), c.addNote('PT4KHLK', 'x')]);
    expect(most).toBe(1);
    expect(pd.calls).toHaveLength(3);
  });
});

describe('rateLimitWaitMs', () => {
  it('reads ratelimit-reset seconds first, then Retry-After seconds or date', () => {
    expect(rateLimitWaitMs(new Headers({ 'ratelimit-reset': '12', 'retry-after': '99' }))).toBe(12_000);
    expect(rateLimitWaitMs(new Headers({ 'retry-after': '5' }))).toBe(5000);
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(rateLimitWaitMs(new Headers({ 'retry-after': 'Tue, 01 Dec 2026 12:00:30 GMT' }), now)).toBe(30_000);
    expect(rateLimitWaitMs(new Headers({}))).toBeUndefined();
  });
});

describe('pagerDutyClientFromConfig', () => {
  it('is off without a token', () => {
    expect(pagerDutyClientFromConfig({ PAGERDUTY_API_URL: 'https://api.pagerduty.com' }, { fetch: globalThis.fetch })).toBeUndefined();
    expect(pagerDutyClientFromConfig({ PAGERDUTY_API_TOKEN: 't', PAGERDUTY_API_URL: 'https://api.pagerduty.com' }, { fetch: globalThis.fetch })).toBeInstanceOf(PagerDutyRestClient);
  });
});
