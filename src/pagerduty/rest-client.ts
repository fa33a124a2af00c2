// PagerDuty write-back: the few REST API v2 calls incidents need (a note with the report summary,
// Acknowledge / Resolve from the thread's buttons, an incident's status for reconciliation), over
// an injected fetch. PagerDuty limits each token's request rate, so a 429 is waited out and
// retried a bounded number of times; every failure is one line naming the HTTP status and
// PagerDuty's own error message, and the token never appears in an error or a log line.
//
// Wire details, from PagerDuty's OpenAPI description (github.com/PagerDuty/api-schema,
// reference/REST/openapiv3.json, commit 91a06fb; rendered at developer.pagerduty.com/api-reference):
// - base URL https://api.pagerduty.com (`servers`); `Authorization: Token token=<key>`
//   (securitySchemes.api_key); `Accept: application/vnd.pagerduty+json;version=2` (the versioning
//   header, parameters.header_Accept); `Content-Type: application/json`.
// - `From: <email of a valid user>` on writes (parameters.from_header, required on
//   PUT /incidents/{id} and POST /incidents/{id}/notes; only account tokens need it in practice).
// - GET /incidents/{id} → `{ incident }`; PUT /incidents/{id} with
//   `{ incident: { type: "incident_reference", status } }` → `{ incident }` (the request example;
//   the list form PUT /incidents exists too, with its own stricter rate limit, so one incident uses
//   the single form); POST /incidents/{id}/notes with `{ note: { content } }` → `{ note }`.
// - PUT with status "acknowledged" on a resolved incident REOPENS it (the status field's text):
//   callers check the current status first (see handlers/actions/incident-pagerduty.ts).
// - errors: `{ error: { message, code, errors: [] } }` (components.responses.*).
// Rate limits (support.pagerduty.com/docs/rest-api-rate-limits, and PagerDuty's announcement
// "REST API rate limiting refresh"): 429 when exceeded; `ratelimit-limit`, `ratelimit-remaining`
// and `ratelimit-reset` headers, the last being the seconds to wait before retrying; they ask
// for requests made serially per token. `Retry-After` (RFC 9110) is honoured when present.
import { z } from 'zod';
import { InfdbgError, InputError, UnreachableError, oneLine } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { silentLogger } from '../core/logger.ts';
import { readBoundedText } from '../net/http-body.ts';

export type PagerDutyIncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

/** An incident as PagerDuty reports it now, reduced to what incidents and reconciliation read. */
export interface PagerDutyIncidentState {
  id: string;
  number?: number;
  title?: string;
  status: PagerDutyIncidentStatus;
  htmlUrl?: string;
  /** Names of the users holding an acknowledgement (PagerDuty's `acknowledgements[].acknowledger.summary`). */
  acknowledgedBy: string[];
  /** Who made the last status change (a user's name, or an integration's summary). */
  lastStatusChangeBy?: string;
  /** Epoch ms of the last status change. */
  lastStatusChangeAt?: number;
}

export interface PagerDutyRestOptions {
  /** REST API key (PAGERDUTY_API_TOKEN). Never logged. */
  token: string;
  /** API base URL; default https://api.pagerduty.com. */
  baseUrl?: string;
  /** `From` email for writes when the caller gives none (PAGERDUTY_FROM_EMAIL). */
  fromEmail?: string | undefined;
  fetch: typeof fetch;
  /** Retries after a 429 (and after a 502/503/504 on reads and status updates). Default 3. */
  maxRetries?: number;
  /** The longest single wait for the rate limit to reset, in ms; a longer reset fails at once. Default 60 000. */
  maxWaitMs?: number;
  /** Per-request timeout in ms. Default 10 000. */
  timeoutMs?: number;
  /** Largest response body read, in bytes. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Waits between retries; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

/** PagerDuty answered with an error status. `retryable` for 429 and 5xx. */
export class PagerDutyApiError extends InfdbgError {
  readonly status: number;
  /** PagerDuty's numeric error code (e.g. 2001 invalid input, 2020 rate limit), when it sent one. */
  readonly pagerDutyCode: number | undefined;
  constructor(status: number, message: string, pagerDutyCode?: number) {
    super('E_PAGERDUTY', message, { retryable: status === 429 || status >= 500 });
    this.status = status;
    this.pagerDutyCode = pagerDutyCode;
  }
}

const DEFAULT_BASE_URL = 'https://api.pagerduty.com';
const ACCEPT = 'application/vnd.pagerduty+json;version=2';
const INCIDENT_ID = /^[A-Za-z0-9]{1,64}$/;

const errorBodySchema = z.object({
  error: z.object({
    message: z.string().optional(),
    code: z.number().optional(),
    errors: z.array(z.string()).optional(),
  }),
});

const userRef = z.object({ summary: z.string().optional() }).passthrough();
const incidentSchema = z
  .object({
    id: z.string(),
    incident_number: z.number().optional(),
    title: z.string().optional(),
    status: z.enum(['triggered', 'acknowledged', 'resolved']),
    html_url: z.string().optional(),
    acknowledgements: z.array(z.object({ acknowledger: userRef.optional() }).passthrough()).nullish(),
    last_status_change_by: userRef.nullish(),
    last_status_change_at: z.string().nullish(),
  })
  .passthrough();
const incidentBodySchema = z.object({ incident: incidentSchema });
const noteBodySchema = z.object({ note: z.object({ id: z.string() }).passthrough() });

function toState(raw: z.infer<typeof incidentSchema>): PagerDutyIncidentState {
  const state: PagerDutyIncidentState = {
    id: raw.id,
    status: raw.status,
    acknowledgedBy: (raw.acknowledgements ?? []).map((a) => a.acknowledger?.summary).filter((s): s is string => !!s),
  };
  if (raw.incident_number !== undefined) state.number = raw.incident_number;
  if (raw.title !== undefined) state.title = raw.title;
  if (raw.html_url !== undefined) state.htmlUrl = raw.html_url;
  if (raw.last_status_change_by?.summary) state.lastStatusChangeBy = raw.last_status_change_by.summary;
  const changedAt = raw.last_status_change_at ? Date.parse(raw.last_status_change_at) : NaN;
  if (Number.isFinite(changedAt)) state.lastStatusChangeAt = changedAt;
  return state;
}

/**
 * Seconds to wait before retrying a 429: `ratelimit-reset` (PagerDuty's header, seconds), else
 * `Retry-After` (seconds or an HTTP date), else undefined.
 */
export function rateLimitWaitMs(headers: Headers, now: number = Date.now()): number | undefined {
  const reset = headers.get('ratelimit-reset');
  if (reset !== null && /^\d+(\.\d+)?$/.test(reset.trim())) return Math.ceil(Number(reset) * 1000);
  const retryAfter = headers.get('retry-after');
  if (retryAfter === null) return undefined;
  if (/^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
  const at = Date.parse(retryAfter);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

export class PagerDutyRestClient {
  private readonly token: string;
  private readonly baseUrl: string;
  private readonly fromEmail: string | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly maxRetries: number;
  private readonly maxWaitMs: number;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;
  /** PagerDuty asks for serial requests per token: one request in flight at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: PagerDutyRestOptions) {
    this.token = options.token;
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.fromEmail = options.fromEmail;
    this.fetchFn = options.fetch;
    this.maxRetries = options.maxRetries ?? 3;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.logger = options.logger ?? silentLogger;
  }

  /** The incident's current status, acknowledgers and last change (GET /incidents/{id}). */
  async getIncident(incidentId: string): Promise<PagerDutyIncidentState> {
    const body = await this.request('GET', `/incidents/${checkId(incidentId)}`);
    return toState(parse(incidentBodySchema, body, 'GET /incidents/{id}').incident);
  }

  /** Acknowledges the incident as `from` (else the configured From email). */
  async acknowledge(incidentId: string, from?: string): Promise<PagerDutyIncidentState> {
    return this.setStatus(incidentId, 'acknowledged', from);
  }

  /**
   * Resolves the incident as `from` (else the configured From email). `resolution` goes into
   * PagerDuty's Resolve log entry (the `resolution` field, used only when resolving).
   */
  async resolve(incidentId: string, from?: string, resolution?: string): Promise<PagerDutyIncidentState> {
    return this.setStatus(incidentId, 'resolved', from, resolution);
  }

  /** Adds a note (e.g. the report summary) to the incident's timeline; returns the note's id. */
  async addNote(incidentId: string, content: string, from?: string): Promise<{ id: string }> {
    const text = content.trim();
    if (!text) throw new InputError('a PagerDuty note needs some text');
    // A note is not idempotent: a 5xx may have stored it, so only a 429 (not processed) is retried.
    const body = await this.request('POST', `/incidents/${checkId(incidentId)}/notes`, { note: { content: text } }, from);
    return { id: parse(noteBodySchema, body, 'POST /incidents/{id}/notes').note.id };
  }

  private async setStatus(incidentId: string, status: 'acknowledged' | 'resolved', from?: string, resolution?: string): Promise<PagerDutyIncidentState> {
    const incident = { type: 'incident_reference', status, ...(resolution ? { resolution: resolution.slice(0, 1000) } : {}) };
    const body = await this.request('PUT', `/incidents/${checkId(incidentId)}`, { incident }, from);
    return toState(parse(incidentBodySchema, body, 'PUT /incidents/{id}').incident);
  }

  private request(method: 'GET' | 'PUT' | 'POST', path: string, json?: unknown, from?: string): Promise<unknown> {
    const run = this.queue.then(() => this.send(method, path, json, from));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(method: 'GET' | 'PUT' | 'POST', path: string, json: unknown, from: string | undefined): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Token token=${this.token}`, accept: ACCEPT };
    if (json !== undefined) headers['content-type'] = 'application/json';
    const sender = from ?? this.fromEmail;
    if (method !== 'GET' && sender) headers.from = sender;
    const what = `${method} ${path}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.fetchFn(`${this.baseUrl}${path}`, {
          method,
          headers,
          ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'error',
        });
      } catch (err) {
        throw this.unreachable(what, err);
      }
      const { text, truncated } = await readBoundedText(res, this.maxResponseBytes);
      if (res.ok) {
        if (truncated) throw new PagerDutyApiError(res.status, `PagerDuty ${what}: answer larger than ${this.maxResponseBytes} bytes, not read`);
        try {
          return text ? JSON.parse(text) : {};
        } catch {
          throw new PagerDutyApiError(res.status, `PagerDuty ${what}: answered ${res.status} with a body that is not JSON`);
        }
      }
      const error = this.apiError(res.status, what, text);
      const retryable = res.status === 429 || (method !== 'POST' && [502, 503, 504].includes(res.status));
      if (!retryable || attempt >= this.maxRetries) throw error;
      const waitMs = (res.status === 429 ? rateLimitWaitMs(res.headers) : undefined) ?? 1000 * 2 ** attempt;
      if (waitMs > this.maxWaitMs) {
        throw new PagerDutyApiError(res.status, `${error.message} — PagerDuty asks to wait ${Math.ceil(waitMs / 1000)} s, more than this bot waits`, error.pagerDutyCode);
      }
      this.logger.warn('pagerduty: retrying', { request: what, status: res.status, waitMs, attempt: attempt + 1, remaining: res.headers.get('ratelimit-remaining') ?? undefined });
      await this.sleep(waitMs);
    }
  }

  private apiError(status: number, what: string, text: string): PagerDutyApiError {
    let detail = '';
    let code: number | undefined;
    try {
      const parsed = errorBodySchema.safeParse(JSON.parse(text));
      if (parsed.success) {
        code = parsed.data.error.code;
        const details = parsed.data.error.errors?.filter(Boolean) ?? [];
        detail = [parsed.data.error.message, details.length ? `(${details.join('; ')})` : ''].filter(Boolean).join(' ');
      }
    } catch {
      // not JSON: a proxy's page, say; the status line alone is the message
    }
    const reason = detail || (status === 401 ? 'the API token was refused' : 'no error message');
    const message = `PagerDuty ${what} answered ${status}: ${this.scrub(reason)}${code !== undefined ? ` [code ${code}]` : ''}`;
    return new PagerDutyApiError(status, oneLine(message).slice(0, 500), code);
  }

  private unreachable(what: string, err: unknown): UnreachableError {
    const cause = err instanceof Error ? err : undefined;
    const inner = cause?.cause as { code?: string; message?: string } | undefined;
    const why =
      cause?.name === 'TimeoutError' || cause?.name === 'AbortError'
        ? `no answer within ${this.timeoutMs / 1000} s`
        : (inner?.code ?? inner?.message ?? (cause ? oneLine(cause) : String(err)));
    return new UnreachableError(`PagerDuty API unreachable (${new URL(this.baseUrl).host}) on ${what}: ${this.scrub(why)}`);
  }

  /** The token never leaves in a message, even if a server echoes it back. */
  private scrub(text: string): string {
    return this.token ? text.split(this.token).join('…') : text;
  }
}

function checkId(incidentId: string): string {
  if (!INCIDENT_ID.test(incidentId)) throw new InputError(`not a PagerDuty incident id: ${JSON.stringify(incidentId.slice(0, 80))}`);
  return incidentId;
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new PagerDutyApiError(200, `PagerDuty ${what}: unexpected answer (${oneLine(z.prettifyError(parsed.error)).slice(0, 200)})`);
  return parsed.data;
}

/** The client when PAGERDUTY_API_TOKEN is set, else undefined (write-back and its buttons are off). */
export function pagerDutyClientFromConfig(
  config: { PAGERDUTY_API_TOKEN?: string | undefined; PAGERDUTY_API_URL: string; PAGERDUTY_FROM_EMAIL?: string | undefined },
  deps: { fetch: typeof fetch; logger?: Logger },
): PagerDutyRestClient | undefined {
  if (!config.PAGERDUTY_API_TOKEN) return undefined;
  return new PagerDutyRestClient({
    token: config.PAGERDUTY_API_TOKEN,
    baseUrl: config.PAGERDUTY_API_URL,
    fromEmail: config.PAGERDUTY_FROM_EMAIL,
    fetch: deps.fetch,
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
}
