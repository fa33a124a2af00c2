import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, UnreachableError } from '../../src/core/errors.ts';
import { AlertmanagerApi, alertmanagerApiFromConfig, equalityMatcher } from '../../src/alerts/alertmanager-api.ts';
import { recordedAlerts, startAlertmanagerApiStandIn, type AlertmanagerApiStandIn } from '../support/alertmanager-api-stand-in.ts';

let am: AlertmanagerApiStandIn;
beforeEach(async () => {
  am = await startAlertmanagerApiStandIn();
});
afterEach(async () => {
  await am.close();
});

const api = (overrides: Partial<ConstructorParameters<typeof AlertmanagerApi>[0]> = {}) => new AlertmanagerApi({ baseUrl: am.url, fetch: globalThis.fetch, ...overrides });

describe('AlertmanagerApi.listAlerts', () => {
  it('reads the recorded v0.31.0 alerts: fingerprints, labels, state, silences, receivers, times', async () => {
    const alerts = await api().listAlerts();
    expect(alerts).toHaveLength(12);
    const silenced = alerts.find((a) => a.fingerprint === 'cc58f2ac8260fb97')!;
    expect(silenced).toMatchObject({
      labels: { alertname: 'Host_Down', cluster: 'dev', instance: 'server7' },
      state: 'suppressed',
      silencedBy: ['9bd58938-25fd-41c5-aba3-9bc373074484', 'dcb3b5d0-9f10-4baa-977a-70073a1899bd'],
      receivers: ['by-cluster-service', 'by-name'],
      startsAt: Date.parse('2026-03-11T12:48:38.413Z'),
      generatorUrl: 'http://localhost/prometheus',
    });
  });

  it('filters by label matchers (AND) and says so on the wire as Alertmanager expects', async () => {
    const alerts = await api().listAlerts({ labels: { alertname: 'Host_Down', cluster: 'staging' } });
    expect(alerts.map((a) => a.labels.instance).sort()).toEqual(['server3', 'server4', 'server5']);
    expect(am.calls[0]!.query.getAll('filter')).toEqual(['alertname="Host_Down"', 'cluster="staging"']);
  });

  it('passes the active/silenced/inhibited/unprocessed flags through', async () => {
    const onlyUnsilenced = await api().listAlerts({ labels: { alertname: 'Host_Down' }, silenced: false });
    expect(onlyUnsilenced.every((a) => a.silencedBy.length === 0)).toBe(true);
    expect(onlyUnsilenced).toHaveLength(5);
    const onlySuppressed = await api().listAlerts({ active: false });
    expect(onlySuppressed.map((a) => a.state)).toEqual(['suppressed', 'suppressed', 'suppressed', 'suppressed']);
    await api().listAlerts({ unprocessed: false, inhibited: true });
    expect(am.calls[2]!.query.get('unprocessed')).toBe('false');
    expect(am.calls[2]!.query.get('inhibited')).toBe('true');
  });

  it('matches a receiver by its literal name, not as a regex', async () => {
    am.alerts[0]!.receivers = [{ name: 'team.a' }];
    const byName = await api().listAlerts({ receiver: 'team.a' });
    expect(byName.map((a) => a.fingerprint)).toEqual([am.alerts[0]!.fingerprint]);
    expect(await api().listAlerts({ receiver: 'teamXa' })).toEqual([]);
  });

  it('quotes label values with quotes and backslashes so the matcher means the literal value', async () => {
    am.alerts.push({ ...recordedAlerts()[0]!, fingerprint: 'ffff000000000001', labels: { alertname: 'Odd', path: 'C:\\tmp "x"' } });
    const alerts = await api().listAlerts({ labels: { path: 'C:\\tmp "x"' } });
    expect(alerts.map((a) => a.fingerprint)).toEqual(['ffff000000000001']);
    expect(equalityMatcher('path', 'a"b')).toBe('path="a\\"b"');
    expect(equalityMatcher('service.name', 'x')).toBe('"service.name"="x"');
  });

  it('keeps a path prefix in ALERTMANAGER_URL', async () => {
    const prefixed = await startAlertmanagerApiStandIn({ pathPrefix: '/alertmanager' });
    try {
      const client = alertmanagerApiFromConfig({ ALERTMANAGER_URL: prefixed.url }, { fetch: globalThis.fetch })!;
      expect(await client.listAlerts()).toHaveLength(12);
      expect(prefixed.calls[0]!.path).toBe('/alertmanager/api/v2/alerts');
    } finally {
      await prefixed.close();
    }
    expect(alertmanagerApiFromConfig({}, { fetch: globalThis.fetch })).toBeUndefined();
  });

  it('a 400 shows Alertmanager\'s own message in one line', async () => {
    am.failNext(1, 400, 'bad matcher format: foo!bar');
    const err = await api().listAlerts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^Alertmanager 127\.0\.0\.1:\d+ answered 400 on GET \/api\/v2\/alerts: bad matcher format: foo!bar$/);
  });

  it('a 500 and a refused connection are transient (UnreachableError)', async () => {
    am.failNext(1, 500, 'context canceled');
    await expect(api().listAlerts()).rejects.toBeInstanceOf(UnreachableError);
    const url = am.url;
    await am.close();
    const err = await api({ baseUrl: url }).listAlerts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/unreachable on GET \/api\/v2\/alerts: ECONNREFUSED$/);
    am = await startAlertmanagerApiStandIn(); // for afterEach
  });

  it('refuses an answer beyond its size bound instead of reading it all', async () => {
    const err = await api({ maxResponseBytes: 4096 }).listAlerts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain('larger than');
  });

  it('refuses a body that is not the gettableAlerts shape', async () => {
    const weird = new AlertmanagerApi({ baseUrl: am.url, fetch: async () => new Response(JSON.stringify({ status: 'success', data: [] }), { status: 200 }) });
    await expect(weird.listAlerts()).rejects.toThrow(/unexpected \/api\/v2\/alerts answer/);
  });
});

describe('AlertmanagerApi.groupMembers', () => {
  it('fetches the rest of a truncated group as incident members (firing, labels, annotations)', async () => {
    const members = await api().groupMembers({ alertname: 'HTTP_Probe_Failed' }, 'by-name');
    expect(members.map((m) => m.labels.instance).sort()).toEqual(['web1', 'web2']);
    expect(members.every((m) => m.status === 'firing' && m.endsAt === undefined)).toBe(true);
    expect(members.find((m) => m.labels.instance === 'web1')!.annotations.summary).toBe('Example summary');
    expect(am.calls[0]!.query.get('receiver')).toBe('by-name');
  });
});
