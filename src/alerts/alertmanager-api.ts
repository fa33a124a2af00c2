// Asking Alertmanager what is firing now, through its API v2 `GET /api/v2/alerts`: the rest of a
// group a notification left out (`truncatedAlerts`), and reconciliation (an incident whose members
// are all gone from Alertmanager was resolved, even if its resolve notification was lost).
//
// Wire details, from Alertmanager's API description (github.com/prometheus/alertmanager,
// api/v2/openapi.yaml, and the handler api/v2/api.go getAlertsHandler, commit 68fb2d5):
// - base path /api/v2/; query `active`, `silenced`, `inhibited`, `unprocessed` (booleans, all
//   default true), `filter` (a matcher such as `alertname="X"`, repeated = AND), `receiver` (a
//   regex, matched whole: `^(?:…)$`).
// - 200: an array of gettableAlert {labels, annotations, receivers[{name}], fingerprint, startsAt,
//   updatedAt, endsAt, generatorURL, status {state: unprocessed|active|suppressed, silencedBy,
//   inhibitedBy, mutedBy}}, sorted by fingerprint; alerts whose endsAt has passed (resolved) are
//   left out. 400/500: the error as a JSON string.
// The body is read up to a bound, so a huge Alertmanager cannot fill the bot's memory.
import { z } from 'zod';
import type { AlertMember } from './alert-event.ts';
import { InputError, UnreachableError, oneLine } from '../core/errors.ts';
import { readBoundedText } from '../net/http-body.ts';

/** One alert as Alertmanager reports it now. */
export interface AlertmanagerAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms: when Alertmanager will consider it resolved unless it is sent again. */
  endsAt: number;
  /** Epoch ms. */
  updatedAt: number;
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  inhibitedBy: string[];
  receivers: string[];
  generatorUrl?: string;
}

export interface AlertmanagerAlertsQuery {
  /** Label equality matchers (name → value), all of which an alert must carry. */
  labels?: Record<string, string>;
  /** A receiver name; only alerts routed to it. */
  receiver?: string;
  /** Include active (not suppressed) alerts. Default true. */
  active?: boolean;
  /** Include silenced alerts. Default true. */
  silenced?: boolean;
  /** Include inhibited alerts. Default true. */
  inhibited?: boolean;
  /** Include alerts not yet processed. Default true. */
  unprocessed?: boolean;
}

export interface AlertmanagerApiOptions {
  /** Alertmanager's base URL (ALERTMANAGER_URL), with any path prefix (e.g. http://am:9093/alertmanager). */
  baseUrl: string;
  fetch: typeof fetch;
  /** Per-request timeout in ms. Default 10 000. */
  timeoutMs?: number;
  /** Largest response read, in bytes (about 1 KiB per alert). Default 16 MiB. */
  maxResponseBytes?: number;
}

const labelSet = z.record(z.string(), z.string());
const gettableAlertSchema = z.object({
  fingerprint: z.string().min(1),
  labels: labelSet,
  annotations: labelSet.default({}),
  receivers: z.array(z.object({ name: z.string() })).default([]),
  startsAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  generatorURL: z.string().optional(),
  status: z.object({
    state: z.enum(['unprocessed', 'active', 'suppressed']),
    silencedBy: z.array(z.string()).nullish(),
    inhibitedBy: z.array(z.string()).nullish(),
  }),
});
const gettableAlertsSchema = z.array(gettableAlertSchema);

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Quotes a matcher operand the way Alertmanager's matcher parser reads it (`"…"`, with `\\`, `\"`, `\n` escaped). */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `name="value"`; a name outside the classic label charset is quoted too (UTF-8 matchers). */
export function equalityMatcher(name: string, value: string): string {
  return `${LABEL_NAME.test(name) ? name : quote(name)}=${quote(value)}`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class AlertmanagerApi {
  private readonly endpoint: URL;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(options: AlertmanagerApiOptions) {
    const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.endpoint = new URL('api/v2/alerts', base);
    this.fetchFn = options.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
  }

  /** The alerts Alertmanager holds now that match `query` (resolved ones are never listed). */
  async listAlerts(query: AlertmanagerAlertsQuery = {}): Promise<AlertmanagerAlert[]> {
    const url = new URL(this.endpoint);
    for (const flag of ['active', 'silenced', 'inhibited', 'unprocessed'] as const) {
      if (query[flag] !== undefined) url.searchParams.set(flag, String(query[flag]));
    }
    for (const [name, value] of Object.entries(query.labels ?? {})) url.searchParams.append('filter', equalityMatcher(name, value));
    if (query.receiver) url.searchParams.set('receiver', escapeRegex(query.receiver));

    const where = `Alertmanager ${this.endpoint.host}`;
    let res: Response;
    try {
      res = await this.fetchFn(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error' });
    } catch (err) {
      const e = err instanceof Error ? err : undefined;
      const inner = e?.cause as { code?: string; message?: string } | undefined;
      const why = e?.name === 'TimeoutError' || e?.name === 'AbortError' ? `no answer within ${this.timeoutMs / 1000} s` : (inner?.code ?? inner?.message ?? oneLine(err));
      throw new UnreachableError(`${where} unreachable on GET /api/v2/alerts: ${why}`);
    }
    const { text, truncated } = await readBoundedText(res, this.maxResponseBytes);
    if (!res.ok) {
      let detail = text.trim();
      try {
        const parsed: unknown = JSON.parse(detail);
        if (typeof parsed === 'string') detail = parsed;
      } catch {
        // a proxy's page: keep the text as it is
      }
      const message = `${where} answered ${res.status} on GET /api/v2/alerts: ${oneLine(detail).slice(0, 300) || 'no message'}`;
      if (res.status >= 500 || res.status === 429) throw new UnreachableError(message);
      throw new InputError(message);
    }
    if (truncated) {
      throw new InputError(`${where}: the alert list is larger than ${Math.round(this.maxResponseBytes / 1024 / 1024)} MiB and was not read; narrow the query`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new InputError(`${where}: GET /api/v2/alerts answered something that is not JSON`);
    }
    const parsed = gettableAlertsSchema.safeParse(body);
    if (!parsed.success) throw new InputError(`${where}: unexpected /api/v2/alerts answer (${oneLine(z.prettifyError(parsed.error)).slice(0, 200)})`);
    return parsed.data.map((a) => {
      const alert: AlertmanagerAlert = {
        fingerprint: a.fingerprint,
        labels: a.labels,
        annotations: a.annotations,
        startsAt: Date.parse(a.startsAt),
        endsAt: Date.parse(a.endsAt),
        updatedAt: Date.parse(a.updatedAt),
        state: a.status.state,
        silencedBy: a.status.silencedBy ?? [],
        inhibitedBy: a.status.inhibitedBy ?? [],
        receivers: a.receivers.map((r) => r.name),
      };
      if (a.generatorURL) alert.generatorUrl = a.generatorURL;
      return alert;
    });
  }

  /**
   * Every alert of a group, for a notification that left some out (`truncatedAlerts`): the
   * alerts carrying all of the group's `groupLabels` routed to `receiver`, as incident members.
   */
  async groupMembers(groupLabels: Record<string, string>, receiver?: string): Promise<AlertMember[]> {
    const alerts = await this.listAlerts({ labels: groupLabels, ...(receiver ? { receiver } : {}) });
    return alerts.map(toAlertMember);
  }
}

/** An alert Alertmanager lists is still firing (it drops resolved ones), whatever its silences. */
export function toAlertMember(alert: AlertmanagerAlert): AlertMember {
  const member: AlertMember = { fingerprint: alert.fingerprint, status: 'firing', labels: alert.labels, annotations: alert.annotations, startsAt: alert.startsAt };
  if (alert.generatorUrl) member.generatorUrl = alert.generatorUrl;
  return member;
}

/** The client when ALERTMANAGER_URL is set, else undefined. */
export function alertmanagerApiFromConfig(config: { ALERTMANAGER_URL?: string | undefined }, deps: { fetch: typeof fetch }): AlertmanagerApi | undefined {
  return config.ALERTMANAGER_URL ? new AlertmanagerApi({ baseUrl: config.ALERTMANAGER_URL, fetch: deps.fetch }) : undefined;
}
