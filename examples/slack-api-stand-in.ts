// A local stand-in for Slack's servers, for the demo and the integration tests (Slack itself
// cannot run here). It speaks Slack's wire format: Web API methods at POST /api/<method> with
// form-urlencoded or JSON bodies and `{ ok, ... }` answers, the external upload URLs of
// files.uploadV2 (multipart), and slash-command `response_url`s. Every call is recorded so a
// test or the demo can print the thread a user would see. Faults can be injected per method (an
// error answer, a 429 with Retry-After, a request held open) to show what a flaky Slack does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** Authorization header value with the token masked, e.g. `Bearer xoxb-…`. */
  auth: string | undefined;
  /** Set when an injected fault answered the call instead of Slack's logic: the error, `429` or `held`. */
  fault?: string;
}

/** What an injected fault does to the calls it hits. */
export interface SlackFault {
  /** Answer `{ ok: false, error }`, as Slack does for a refused call (e.g. `channel_not_found`, `internal_error`); an upload URL answers HTTP 500. */
  error?: string;
  /** Answer HTTP 429 with `Retry-After: retryAfterS`. */
  retryAfterS?: number;
  /** Never answer (the connection stays open until the stand-in closes). */
  hold?: boolean;
  /** How many matching calls it hits; default all of them. */
  times?: number;
  /** Only calls whose arguments match (for `upload`: `{ filename }`). */
  match?(args: Record<string, unknown>): boolean;
}

export interface FaultHandle {
  /** Calls it has hit so far. */
  readonly hits: number;
  clear(): void;
}

export interface UploadedFile {
  fileId: string;
  filename: string;
  bytes: Buffer;
  channel?: string;
  threadTs?: string;
  title?: string;
}

export interface EphemeralReply {
  path: string;
  body: Record<string, unknown>;
}

export interface SlackApiStandIn {
  /** Base URL for WebClient's `slackApiUrl`, ending in `/api/`. */
  apiUrl: string;
  /** A fresh response_url for a slash command. */
  responseUrl(): string;
  calls: RecordedCall[];
  uploads: UploadedFile[];
  ephemeral: EphemeralReply[];
  callsTo(method: string): RecordedCall[];
  /** Resolves when `predicate` holds, polling every 20 ms; rejects after `timeoutMs`. */
  waitFor<T>(predicate: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  /** The thread as a user would see it: root message (latest text) and replies, files listed. */
  transcript(channel: string, threadTs: string): string;
  /** Channels for which chat.postMessage answers `not_in_channel`. */
  notInChannel: Set<string>;
  /**
   * Injects a fault into calls of `method`: a Web API method (`chat.postMessage`, `chat.update`,
   * `files.completeUploadExternal`, …) or `upload`, the upload URLs files.getUploadURLExternal hands out.
   */
  fault(method: string, fault: SlackFault): FaultHandle;
  /** The replies in a thread as they stand (a user's view: posts that Slack accepted), oldest first. */
  replies(channel: string, threadTs: string): Array<{ ts: string; text: string; blocks?: unknown }>;
  /** Workspace members users.info knows, by user id (the email only where the app could read it: users:read.email). */
  users: Map<string, { name: string; email?: string }>;
  /** User groups usergroups.list answers, by id (S…): handle without the @, member user ids. */
  usergroups: Map<string, { handle: string; name: string; users: string[] }>;
  close(): Promise<void>;
}

interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: unknown;
  /** Message metadata (event_type + event_payload), as chat.postMessage's `metadata` set it. */
  metadata?: unknown;
}

/** A stored message as conversations.history / .replies list it (metadata only with include_all_metadata). */
function listed(m: StoredMessage, withMetadata: boolean): Record<string, unknown> {
  return { type: 'message', user: 'U0BOT', bot_id: 'B0BOT', text: m.text, ts: m.ts, ...(m.threadTs ? { thread_ts: m.threadTs } : {}), ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseArgs(contentType: string, raw: Buffer): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) {
    out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return out;
}

function blockText(blocks: unknown): string {
  if (!Array.isArray(blocks)) return '';
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.text === 'string') texts.push(o.text);
      for (const [k, v] of Object.entries(o)) if (k !== 'text' || typeof v !== 'string') walk(v);
    }
  };
  walk(blocks);
  // Slack shows mrkdwn's &lt; &gt; &amp; as < > &.
  return texts.join('\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * The checks Slack makes on `blocks` that a renderer can get wrong: at most 50 blocks, section
 * text ≤ 3000, ≤ 10 fields of ≤ 2000, header ≤ 150, and about 13,000 characters of blocks in all.
 */
function blocksError(blocks: unknown): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'invalid_blocks_format';
  if (blocks.length > 50) return 'invalid_blocks';
  if (JSON.stringify(blocks).length > 13_000) return 'msg_blocks_too_long';
  for (const b of blocks as Array<Record<string, { text?: string } | Array<{ text?: string }> | string>>) {
    const text = (b.text as { text?: string } | undefined)?.text ?? '';
    if (b.type === 'header' && text.length > 150) return 'invalid_blocks';
    if (b.type === 'section' && text.length > 3000) return 'invalid_blocks';
    const fields = b.fields as Array<{ text?: string }> | undefined;
    if (fields && (fields.length > 10 || fields.some((f) => (f.text ?? '').length > 2000))) return 'invalid_blocks';
  }
  return undefined;
}

export async function startSlackApiStandIn(): Promise<SlackApiStandIn> {
  const calls: RecordedCall[] = [];
  const uploads: UploadedFile[] = [];
  const ephemeral: EphemeralReply[] = [];
  const messages: StoredMessage[] = [];
  const pendingUploads = new Map<string, { filename: string }>();
  const notInChannel = new Set<string>();
  const users = new Map<string, { name: string; email?: string }>();
  const usergroups = new Map<string, { handle: string; name: string; users: string[] }>();
  const faults: Array<{ method: string; fault: SlackFault; hits: number; cleared: boolean }> = [];
  let seq = 0;
  let base = '';

  /** The fault that takes this call, counting the hit, if any. */
  const faultFor = (method: string, args: Record<string, unknown>): SlackFault | undefined => {
    const entry = faults.find((f) => !f.cleared && f.method === method && f.hits < (f.fault.times ?? Infinity) && (f.fault.match?.(args) ?? true));
    if (!entry) return undefined;
    entry.hits++;
    return entry.fault;
  };
  const held = new Set<ServerResponse>();
  /** Answers with the fault; true when it did. */
  const applyFault = (fault: SlackFault | undefined, res: ServerResponse, call?: RecordedCall): boolean => {
    if (!fault) return false;
    if (fault.hold) {
      if (call) call.fault = 'held';
      held.add(res);
      return true;
    }
    if (fault.retryAfterS !== undefined) {
      if (call) call.fault = '429';
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterS) }).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return true;
    }
    if (!call) {
      // The upload URLs are not the Web API: a failed upload is an HTTP error, not `{ ok: false }`.
      res.writeHead(500, { 'content-type': 'text/plain' }).end(fault.error ?? 'internal_error');
      return true;
    }
    call.fault = fault.error ?? 'internal_error';
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: fault.error ?? 'internal_error' }));
    return true;
  };

  const nextTs = () => `${1_763_900_000 + seq}.${String(++seq).padStart(6, '0')}`;

  const answer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://stand-in.slack.local/', team: 'Stand-in', user: 'infdbg', team_id: 'T0STANDIN', user_id: 'U0BOT', bot_id: 'B0BOT' };
      case 'chat.postMessage': {
        const channel = String(args.channel);
        if (notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
        const invalid = blocksError(args.blocks);
        if (invalid) return { ok: false, error: invalid };
        const msg: StoredMessage = { channel, ts: nextTs(), text: String(args.text ?? ''), blocks: args.blocks };
        if (args.thread_ts) msg.threadTs = String(args.thread_ts);
        if (args.metadata) msg.metadata = args.metadata;
        messages.push(msg);
        return { ok: true, channel, ts: msg.ts, message: { text: msg.text, ts: msg.ts } };
      }
      case 'conversations.history': {
        // Newest first, channel-level messages only (replies are read with conversations.replies).
        const withMetadata = String(args.include_all_metadata) === 'true';
        const list = messages.filter((m) => m.channel === args.channel && !m.threadTs).reverse();
        return { ok: true, messages: list.slice(0, Number(args.limit ?? 100)).map((m) => listed(m, withMetadata)), has_more: list.length > Number(args.limit ?? 100) };
      }
      case 'conversations.replies': {
        // The parent first, then its replies oldest first.
        const root = messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        if (!root) return { ok: false, error: 'thread_not_found' };
        const withMetadata = String(args.include_all_metadata) === 'true';
        const list = [root, ...messages.filter((m) => m.channel === args.channel && m.threadTs === args.ts)];
        return { ok: true, messages: list.slice(0, Number(args.limit ?? 1000)).map((m) => listed(m, withMetadata)), has_more: false };
      }
      case 'users.info': {
        // Shaped like the users.info example on docs.slack.dev (user.profile.email needs users:read.email).
        const user = users.get(String(args.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        const profile = { real_name: user.name, display_name: user.name, ...(user.email ? { email: user.email } : {}) };
        return { ok: true, user: { id: String(args.user), team_id: 'T0STANDIN', name: user.name, real_name: user.name, is_bot: false, profile } };
      }
      case 'usergroups.list': {
        // Shaped like usergroups.list on docs.slack.dev (scope usergroups:read); `users` only with include_users.
        const withUsers = String(args.include_users) === 'true';
        const list = [...usergroups].map(([id, g]) => ({ id, team_id: 'T0STANDIN', is_usergroup: true, name: g.name, description: '', handle: g.handle, is_external: false, date_delete: 0, user_count: g.users.length, ...(withUsers ? { users: g.users } : {}) }));
        return { ok: true, usergroups: list };
      }
      case 'chat.update': {
        const msg = messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        if (!msg) return { ok: false, error: 'message_not_found' };
        const invalid = blocksError(args.blocks);
        if (invalid) return { ok: false, error: invalid };
        msg.text = String(args.text ?? msg.text);
        msg.blocks = args.blocks ?? msg.blocks;
        return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text };
      }
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(++seq).padStart(8, '0')}`;
        pendingUploads.set(fileId, { filename: String(args.filename) });
        return { ok: true, upload_url: `${base}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.info': {
        // Shaped like files.info on docs.slack.dev: `shares` lists where the file was shared (thread replies carry thread_ts).
        const up = uploads.find((u) => u.fileId === args.file);
        if (!up) return { ok: false, error: 'file_not_found' };
        const shares = up.channel ? { public: { [up.channel]: [{ ts: up.threadTs ?? '', ...(up.threadTs ? { thread_ts: up.threadTs } : {}), channel_name: 'incidents' }] } } : {};
        return { ok: true, file: { id: up.fileId, name: up.filename, title: up.title ?? up.filename, size: up.bytes.length, shares } };
      }
      case 'chat.getPermalink': {
        const msg = messages.find((m) => m.channel === args.channel && m.ts === args.message_ts);
        if (!msg) return { ok: false, error: 'message_not_found' };
        return { ok: true, channel: msg.channel, permalink: `https://standin.slack.com/archives/${msg.channel}/p${msg.ts.replace('.', '')}` };
      }
      case 'chat.postEphemeral': {
        // Shown to one user only, never stored in the channel (conversations.* do not list it).
        if (!args.user) return { ok: false, error: 'user_not_found' };
        return { ok: true, message_ts: nextTs() };
      }
      case 'files.completeUploadExternal': {
        const files = (args.files as Array<{ id: string; title?: string }>) ?? [];
        for (const f of files) {
          const up = uploads.find((u) => u.fileId === f.id);
          if (!up) return { ok: false, error: 'file_not_found' };
          up.channel = args.channel_id as string | undefined;
          up.threadTs = args.thread_ts as string | undefined;
          if (f.title) up.title = f.title;
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', base);
      const raw = await readBody(req);
      const contentType = req.headers['content-type'] ?? '';
      if (url.pathname.startsWith('/api/')) {
        const method = url.pathname.slice('/api/'.length);
        const args = parseArgs(contentType, raw);
        delete args.token;
        const auth = req.headers.authorization?.replace(/(Bearer \w{4}-).*/, '$1…');
        const call: RecordedCall = { method, args, auth };
        calls.push(call);
        if (applyFault(faultFor(method, args), res, call)) return;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(method, args)));
        return;
      }
      if (url.pathname.startsWith('/upload/')) {
        const fileId = url.pathname.slice('/upload/'.length);
        const pending = pendingUploads.get(fileId);
        if (!pending) return void res.writeHead(404).end('unknown upload');
        const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(raw) }).formData();
        const part = [...form.values()].find((v): v is File => typeof v !== 'string');
        const bytes = part ? Buffer.from(await part.arrayBuffer()) : raw;
        if (applyFault(faultFor('upload', { filename: pending.filename }), res)) return;
        uploads.push({ fileId, filename: pending.filename, bytes });
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
        return;
      }
      if (url.pathname.startsWith('/response/')) {
        ephemeral.push({ path: url.pathname, body: parseArgs(contentType, raw) });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      res.writeHead(404).end('not found');
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'invalid_request', detail: String(err) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let responseSeq = 0;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: () => `${base}/response/${++responseSeq}`,
    calls,
    uploads,
    ephemeral,
    notInChannel,
    fault(method, fault) {
      const entry = { method, fault, hits: 0, cleared: false };
      faults.push(entry);
      return {
        get hits() {
          return entry.hits;
        },
        clear: () => void (entry.cleared = true),
      };
    },
    replies: (channel, threadTs) => messages.filter((m) => m.channel === channel && m.threadTs === threadTs).map((m) => ({ ts: m.ts, text: blockText(m.blocks) || m.text, ...(m.blocks ? { blocks: m.blocks } : {}) })),
    users,
    usergroups,
    callsTo: (method) => calls.filter((c) => c.method === method),
    async waitFor(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = predicate();
        if (v) return v;
        if (Date.now() > deadline) throw new Error(`stand-in: condition not met within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    transcript(channel, threadTs) {
      const root = messages.find((m) => m.channel === channel && m.ts === threadTs);
      const lines = [`── thread ${channel}/${threadTs} ──`, root ? `[status] ${blockText(root.blocks) || root.text}` : '[no root message]'];
      for (const m of messages.filter((x) => x.channel === channel && x.threadTs === threadTs)) {
        lines.push('', `[reply ${m.ts}]`, blockText(m.blocks) || m.text);
      }
      for (const u of uploads.filter((x) => x.channel === channel && x.threadTs === threadTs)) {
        lines.push(`[file] ${u.filename} (${u.bytes.length} bytes)${u.title ? ` — ${u.title}` : ''}`);
      }
      return lines.join('\n');
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
