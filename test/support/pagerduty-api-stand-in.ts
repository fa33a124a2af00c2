// A local stand-in for PagerDuty's REST API v2 (PagerDuty cannot run here), speaking its wire
// format as PagerDuty's OpenAPI description gives it (github.com/PagerDuty/api-schema,
// reference/REST/openapiv3.json, commit 91a06fb): GET /incidents/{id} → `{ incident }`,
// PUT /incidents/{id} with `{ incident: { type, status } }` → `{ incident }`, POST
// /incidents/{id}/notes with `{ note: { content } }` → `{ note }`; errors as
// `{ error: { message, code, errors } }`. The incident it starts from is the spec's own
// GET /incidents/{id} response example (test/fixtures/pagerduty/get-incident.json) and the note
// is shaped like the spec's note example (create-note.json).
//
// What the spec names, the stand-in enforces: `Authorization: Token token=<key>` (401 otherwise),
// a `From` email of a known user on writes (the spec marks it required), a status in its enum,
// and a 429 with `ratelimit-limit/-remaining/-reset` headers when a test asks for one. The
// messages "Not Found" [2100], "Invalid Input Provided" [2001] and "Rate Limit Exceeded" [2020]
// are those PagerDuty's specs show; the 401 and From-header wording is not given in the spec and
// is this stand-in's own. Every request is recorded for assertions (the token masked).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const FIXTURES = new URL('../fixtures/pagerduty/', import.meta.url);

type Json = Record<string, unknown>;

export interface PagerDutyRecordedCall {
  method: string;
  path: string;
  /** Authorization with the key masked: `Token token=…` when it matched, else `(wrong token)` / `(none)`. */
  authorization: string;
  accept: string | undefined;
  from: string | undefined;
  body: unknown;
}

export interface PagerDutyStandInOptions {
  /** The API key the stand-in accepts. */
  token: string;
  /** Users by email (the From header must name one on writes): email → name. */
  users?: Record<string, string>;
}

export interface PagerDutyApiStandIn {
  /** Base URL for PAGERDUTY_API_URL / the client's baseUrl. */
  url: string;
  calls: PagerDutyRecordedCall[];
  /** Incident objects by id, as GET returns them; tests read and change them. */
  incidents: Map<string, Json>;
  /** Notes posted, per incident id. */
  notes: Map<string, Json[]>;
  /** Adds an incident from the spec example with the given id, status and title; returns it. */
  addIncident(id: string, fields?: { status?: 'triggered' | 'acknowledged' | 'resolved'; title?: string; number?: number }): Json;
  /** The next `count` requests answer 429 with `ratelimit-reset: resetSeconds`. */
  rateLimitNext(count: number, resetSeconds: number, header?: 'ratelimit-reset' | 'retry-after'): void;
  /** The next `count` requests answer `status` with a generic error body. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Json;
}

function errorBody(message: string, code?: number, errors?: string[]): string {
  return JSON.stringify({ error: { message, ...(code !== undefined ? { code } : {}), ...(errors ? { errors } : {}) } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startPagerDutyApiStandIn(options: PagerDutyStandInOptions): Promise<PagerDutyApiStandIn> {
  const calls: PagerDutyRecordedCall[] = [];
  const incidents = new Map<string, Json>();
  const notes = new Map<string, Json[]>();
  const users = options.users ?? {};
  const template = (fixture('get-incident.json').incident ?? {}) as Json;
  const noteTemplate = (fixture('create-note.json').note ?? {}) as Json;
  let limited: { count: number; seconds: number; header: 'ratelimit-reset' | 'retry-after' } | undefined;
  let failing: { count: number; status: number } | undefined;
  let base = '';
  let noteSeq = 0;

  const userRef = (email: string) => {
    const name = users[email] ?? email;
    const id = `PU${Buffer.from(email).toString('hex').slice(0, 6).toUpperCase()}`;
    return { id, type: 'user_reference', summary: name, self: `${base}/users/${id}`, html_url: `https://subdomain.pagerduty.com/users/${id}` };
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const auth = req.headers.authorization;
    const tokenOk = auth === `Token token=${options.token}`;
    const from = typeof req.headers.from === 'string' ? req.headers.from : undefined;
    calls.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      authorization: auth === undefined ? '(none)' : tokenOk ? 'Token token=…' : '(wrong token)',
      accept: req.headers.accept,
      from,
      body,
    });
    const send = (status: number, text: string) =>
      void res.writeHead(status, { 'content-type': 'application/json', 'ratelimit-limit': '960', 'ratelimit-remaining': '959', 'ratelimit-reset': '60' }).end(text);

    if (limited && limited.count > 0) {
      limited.count--;
      const headers: Record<string, string> =
        limited.header === 'ratelimit-reset'
          ? { 'ratelimit-limit': '960', 'ratelimit-remaining': '0', 'ratelimit-reset': String(limited.seconds) }
          : { 'retry-after': String(limited.seconds) };
      return void res.writeHead(429, { 'content-type': 'application/json', ...headers }).end(errorBody('Rate Limit Exceeded', 2020));
    }
    if (failing && failing.count > 0) {
      failing.count--;
      return send(failing.status, errorBody('Internal Server Error', 1001));
    }
    if (!tokenOk) return send(401, errorBody('Authentication failed: the API key is not valid', 2006));

    const m = /^\/incidents\/([^/]+)(\/notes)?$/.exec(url.pathname);
    const incident = m ? incidents.get(decodeURIComponent(m[1]!)) : undefined;
    if (!m) return send(404, errorBody('Not Found', 2100));
    if (!incident) return send(404, errorBody('Not Found', 2100));

    if (req.method === 'GET' && !m[2]) return send(200, JSON.stringify({ incident }));

    if (req.method === 'PUT' || req.method === 'POST') {
      if (!from) return send(400, errorBody('Invalid Input Provided', 2001, ['A valid user email is required in the From header.']));
      if (!(from in users)) return send(400, errorBody('Invalid Input Provided', 2001, [`No user with email ${from} in this account.`]));
    }

    if (req.method === 'PUT' && !m[2]) {
      const status = (body as { incident?: { status?: unknown } } | undefined)?.incident?.status;
      if (status !== 'acknowledged' && status !== 'resolved' && status !== 'triggered') {
        return send(400, errorBody('Invalid Input Provided', 2001, ['Status must be one of resolved, acknowledged or triggered.']));
      }
      const at = new Date().toISOString();
      const who = userRef(from!);
      incident.status = status;
      incident.last_status_change_at = at;
      incident.last_status_change_by = who;
      incident.updated_at = at;
      if (status === 'acknowledged') incident.acknowledgements = [{ at, acknowledger: who }];
      else incident.acknowledgements = [];
      incident.resolved_at = status === 'resolved' ? at : null;
      return send(200, JSON.stringify({ incident }));
    }

    if (req.method === 'POST' && m[2]) {
      const content = (body as { note?: { content?: unknown } } | undefined)?.note?.content;
      if (typeof content !== 'string' || !content) return send(400, errorBody('Invalid Input Provided', 2001, ['Note content is required.']));
      const note = { ...noteTemplate, id: `PN${String(++noteSeq).padStart(5, '0')}`, user: userRef(from!), content, created_at: new Date().toISOString() };
      const list = notes.get(String(incident.id)) ?? [];
      list.push(note);
      notes.set(String(incident.id), list);
      return send(200, JSON.stringify({ note }));
    }
    return send(404, errorBody('Not Found', 2100));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    calls,
    incidents,
    notes,
    addIncident(id, fields = {}) {
      const inc: Json = structuredClone(template);
      inc.id = id;
      inc.self = `${base}/incidents/${id}`;
      inc.html_url = `https://subdomain.pagerduty.com/incidents/${id}`;
      if (fields.title) inc.title = fields.title;
      if (fields.number) inc.incident_number = fields.number;
      inc.status = fields.status ?? 'triggered';
      if (inc.status === 'triggered') inc.acknowledgements = [];
      incidents.set(id, inc);
      return inc;
    },
    rateLimitNext(count, resetSeconds, header = 'ratelimit-reset') {
      limited = { count, seconds: resetSeconds, header };
    },
    failNext(count, status) {
      failing = { count, status };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
