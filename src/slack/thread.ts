// Everything the bot and the workers post to Slack goes through here: the thread's status
// message (created by the bot, updated as jobs progress) and the report with its charts.
// Files use Slack's current upload flow (getUploadURLExternal, the upload, completeUploadExternal;
// scopes files:write, files:read), one file at a time so each is recorded once it is shared.
//
// Each part of a report is posted once per request (src/queue/post-ledger.ts): a retried or
// recovered report job skips what is in the thread and posts the rest. Slack's 429s are waited out
// here, exactly as long as Retry-After says: the WebClient's own handling adds its exponential
// retry backoff on top (minutes after a few 429s) and says nothing; here the person who asked
// is told once the wait passes a few seconds.
import { webApi, type types } from '@slack/bolt';
import type { RequestStatus } from '../queue/job-store.ts';
import type { ThreadRef } from '../queue/flow.ts';
import { PENDING, type PostLedger } from '../queue/post-ledger.ts';
import type { Report } from '../report/model.ts';
import { renderSlackReport, renderStatusBlocks } from '../report/render-slack.ts';
import { describeSlackError, isPermanentSlackError, retryAfterSeconds } from './slack-errors.ts';

type WebClient = webApi.WebClient;

/** action_id of the report's Re-run button (handlers/actions/rerun.ts answers it). */
export const RERUN_ACTION_ID = 'infdbg_rerun';

/** Metadata event type of a report's posts, to find one again after a crash between posting and recording it. */
export const REPORT_POST_EVENT = 'infdbg_report';

/** A button that runs `command` again as a new request. */
export function rerunBlock(command: string, label = 'Re-run'): types.KnownBlock {
  return {
    type: 'actions',
    elements: [{ type: 'button', action_id: RERUN_ACTION_ID, text: { type: 'plain_text', text: label }, value: command }],
  };
}

export interface SlackThreadOptions {
  /** Options for the thread's own WebClient (logger, fetch); its rate-limit and retry settings are set here. */
  clientOptions?: webApi.WebClientOptions;
  /** Longest one call waits out Slack's 429s (their Retry-After, added up) before it fails. Default 5 min. */
  maxRateLimitWaitMs?: number;
  /** Once a report has waited this long on 429s, the person who asked is told it follows. Default 3 s. */
  slowNoticeAfterMs?: number;
}

/** One report job's attempt at posting. */
export interface ReportPost {
  requestId: string;
  /** The `/debug` text: the report ends with a Re-run button that runs it again. */
  command?: string;
  ledger: PostLedger;
  /** The job's last attempt: a file that still fails to upload is noted in the thread instead of tried again. */
  lastAttempt: boolean;
  /** For what goes wrong on the side (a notice that could not be sent). */
  warn(message: string, fields: Record<string, unknown>): void;
}

export interface PostedReport {
  /** Files Slack did not take, with why (noted in the thread). */
  notAttached: Array<{ filename: string; why: string }>;
}

interface ReportFileUpload {
  bytes: Buffer;
  filename: string;
  title: string;
}

/** The upload URL's answer may not come: a held connection fails the attempt instead of the job waiting forever. */
const UPLOAD_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SlackThread {
  private readonly client: WebClient;
  private readonly maxRateLimitWaitMs: number;
  private readonly slowNoticeAfterMs: number;

  constructor(client: WebClient, options: SlackThreadOptions = {}) {
    // Its own client (the given one's token and URL, plus `clientOptions`: logger, counting fetch),
    // made to hand 429s back (rejectRateLimitedCalls) so they are waited out here; other failures
    // retry within about a minute, then the report job's own retries take over.
    this.client = new webApi.WebClient(client.token, {
      slackApiUrl: client.slackApiUrl,
      ...options.clientOptions,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 6, factor: 2, minTimeout: 1000, maxTimeout: 60_000 },
    });
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 5 * 60_000;
    this.slowNoticeAfterMs = options.slowNoticeAfterMs ?? 3000;
  }

  /**
   * Rewrites the thread's status message (the root, or `statusTs` when set) with each diagnostic's
   * state and a progress bar; `note` adds a last line (why the request ended without its report).
   * `progress`: an intermediate update, dropped on a 429 rather than waited for (a later one
   * follows; a waiting one could land after the final state and show it running again).
   */
  async updateStatus(thread: ThreadRef, status: RequestStatus, { note, progress = false }: { note?: string; progress?: boolean } = {}): Promise<void> {
    const rendered = renderStatusBlocks({
      title: `${status.title} · \`${status.requestId}\``,
      items: status.items,
    });
    const blocks = note ? [...rendered.blocks, { type: 'section' as const, text: { type: 'mrkdwn' as const, text: note } }] : rendered.blocks;
    const text = note ? `${rendered.text} — ${note}` : rendered.text;
    const update = () => this.client.chat.update({ channel: thread.channel, ts: thread.statusTs ?? thread.threadTs, text, blocks });
    await (progress ? update() : this.call(update));
  }

  /**
   * Posts the report as a reply in the thread, then its charts and files (and the full text if it
   * did not fit), each part once per request: what the ledger shows as posted is skipped. A file
   * Slack refuses (or still fails on the last attempt) is named in a note instead; any other
   * failure is thrown for the job to retry.
   */
  async postReport(thread: ThreadRef, report: Report, post: ReportPost): Promise<PostedReport> {
    const waited = this.rateLimitTally(thread, post);
    const rendered = renderSlackReport(report, post.command ? [rerunBlock(post.command)] : []);
    await this.postOnce(thread, post, 'message', { text: rendered.text, blocks: rendered.blocks }, waited);

    const files: ReportFileUpload[] = report.results.flatMap((r) => [
      ...r.charts.map((c) => ({ bytes: Buffer.from(c.pngBase64, 'base64'), filename: c.filename, title: c.title })),
      ...(r.files ?? []).map((f) => ({ bytes: Buffer.from(f.text, 'utf8'), filename: f.filename, title: f.title })),
    ]);
    if (rendered.overflow) files.push({ bytes: Buffer.from(rendered.overflow.content, 'utf8'), filename: rendered.overflow.filename, title: 'Full report' });
    const notAttached: PostedReport['notAttached'] = [];
    for (const file of files) {
      const part = `file:${file.filename}`;
      const recorded = await post.ledger.get(part);
      if (recorded !== undefined && !recorded.startsWith(PENDING)) continue; // shared, or already noted as not attached
      const pendingId = recorded?.startsWith(`${PENDING}:`) ? recorded.slice(PENDING.length + 1) : undefined;
      if (pendingId && (await this.sharedInThread(pendingId, thread))) {
        await post.ledger.record(part, pendingId);
        continue;
      }
      try {
        await post.ledger.record(part, await this.upload(thread, file, post.ledger, part, waited));
      } catch (err) {
        if (!isPermanentSlackError(err) && !post.lastAttempt) throw err;
        notAttached.push({ filename: file.filename, why: describeSlackError(err) });
      }
    }
    if (notAttached.length > 0) {
      const names = notAttached.map((f) => `\`${f.filename}\``).join(', ');
      const whys = [...new Set(notAttached.map((f) => f.why))].join('; ');
      const text = `:warning: Could not attach ${names} to this report: Slack answered ${whys}. The report above is complete without ${notAttached.length === 1 ? 'it' : 'them'}.`;
      await this.postOnce(thread, post, 'note:files', { text }, waited);
      for (const f of notAttached) await post.ledger.record(`file:${f.filename}`, 'not-attached');
    }
    return { notAttached };
  }

  /** Posts one message of the report into the thread unless the ledger (or, after a crash, the thread itself) shows it there. */
  private async postOnce(thread: ThreadRef, post: ReportPost, part: string, message: { text: string; blocks?: types.KnownBlock[] }, waited: RateLimitTally): Promise<void> {
    const recorded = await post.ledger.get(part);
    if (recorded !== undefined && recorded !== PENDING) return;
    const metadata = { event_type: REPORT_POST_EVENT, event_payload: { request_id: post.requestId, part } };
    // Pending: the last attempt stopped between posting and recording; the post carries its metadata.
    const found = recorded === PENDING ? await this.findPost(thread, metadata.event_payload) : undefined;
    if (found) return void (await post.ledger.record(part, found));
    await post.ledger.record(part, PENDING);
    const res = await this.call(
      () => this.client.chat.postMessage({ channel: thread.channel, thread_ts: thread.threadTs, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}), metadata, unfurl_links: false }),
      waited,
    );
    await post.ledger.record(part, String(res.ts));
  }

  private async findPost(thread: ThreadRef, payload: Record<string, string>): Promise<string | undefined> {
    const res = await this.call(() => this.client.conversations.replies({ channel: thread.channel, ts: thread.threadTs, include_all_metadata: true, limit: 200 }));
    const messages = (res.messages ?? []) as Array<{ ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }>;
    return messages.find((m) => m.metadata?.event_type === REPORT_POST_EVENT && Object.entries(payload).every(([k, v]) => m.metadata?.event_payload?.[k] === v))?.ts;
  }

  /** Uploads one file into the thread; its id is recorded as pending before the upload, so a recovery can ask Slack whether it was shared. */
  private async upload(thread: ThreadRef, file: ReportFileUpload, ledger: PostLedger, part: string, waited: RateLimitTally): Promise<string> {
    const target = await this.call(() => this.client.files.getUploadURLExternal({ filename: file.filename, length: file.bytes.length }), waited);
    const fileId = String(target.file_id);
    await ledger.record(part, `${PENDING}:${fileId}`);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file.bytes)]), file.filename);
    const res = await fetch(String(target.upload_url), { method: 'POST', body: form, signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) });
    if (!res.ok) throw new webApi.WebAPIHTTPError(res.status, res.statusText, Object.fromEntries(res.headers), await res.text());
    await this.call(() => this.client.files.completeUploadExternal({ files: [{ id: fileId, title: file.title }], channel_id: thread.channel, thread_ts: thread.threadTs }), waited);
    return fileId;
  }

  /** Whether an upload that was under way when the last attempt stopped was shared into this thread after all. */
  private async sharedInThread(fileId: string, thread: ThreadRef): Promise<boolean> {
    try {
      const res = await this.call(() => this.client.files.info({ file: fileId }));
      const shares = res.file?.shares as { public?: Record<string, Array<{ thread_ts?: string }>>; private?: Record<string, Array<{ thread_ts?: string }>> } | undefined;
      return [...(shares?.public?.[thread.channel] ?? []), ...(shares?.private?.[thread.channel] ?? [])].some((s) => s.thread_ts === thread.threadTs);
    } catch (err) {
      if (isPermanentSlackError(err)) return false; // file_not_found: the upload never completed
      throw err;
    }
  }

  /**
   * Counts a report's waits on 429s; the first time they pass `slowNoticeAfterMs`, the person who
   * asked gets an ephemeral "your report follows" (once per request, across attempts).
   */
  private rateLimitTally(thread: ThreadRef, post: ReportPost): RateLimitTally {
    let total = 0;
    let told = false;
    return async (ms) => {
      total += ms;
      if (told || total <= this.slowNoticeAfterMs || !thread.requestedBy) return;
      told = true;
      if (!(await post.ledger.once('notice:slow'))) return;
      const user = thread.requestedBy;
      await this.client.chat
        .postEphemeral({ channel: thread.channel, user, thread_ts: thread.threadTs, text: `:hourglass_flowing_sand: Slack is slowing us down (rate-limited for ${Math.round(total / 1000)} s so far), your report follows in the thread.` })
        .catch((err: unknown) => post.warn('rate-limit notice not sent', { requestId: post.requestId, error: describeSlackError(err) }));
    };
  }

  /** Runs a Web API call, waiting out each 429 for its Retry-After, up to `maxRateLimitWaitMs` in all. */
  private async call<T>(fn: () => Promise<T>, waited?: RateLimitTally): Promise<T> {
    let spent = 0;
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        const seconds = retryAfterSeconds(err);
        if (seconds === undefined || spent + seconds * 1000 > this.maxRateLimitWaitMs) throw err;
        const ms = Math.max(seconds * 1000, 100);
        spent += ms;
        await waited?.(ms);
        await sleep(ms);
      }
    }
  }
}

/** Told each wait on a 429 before it starts (ms). */
type RateLimitTally = (ms: number) => Promise<void>;

/**
 * Coalesces status updates: at most one chat.update per request per interval, always ending
 * with the latest state (leading + trailing edge).
 */
export class StatusThrottle {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; again: boolean }>();
  private readonly intervalMs: number;
  private readonly flush: (requestId: string) => Promise<void>;
  private readonly onError: (err: unknown) => void;

  constructor(intervalMs: number, flush: (requestId: string) => Promise<void>, onError: (err: unknown) => void) {
    this.intervalMs = intervalMs;
    this.flush = flush;
    this.onError = onError;
  }

  poke(requestId: string): void {
    const entry = this.pending.get(requestId);
    if (entry) {
      entry.again = true;
      return;
    }
    this.run(requestId);
  }

  private run(requestId: string): void {
    const entry = { again: false, timer: setTimeout(() => {
      this.pending.delete(requestId);
      if (entry.again) this.run(requestId);
    }, this.intervalMs) };
    this.pending.set(requestId, entry);
    this.flush(requestId).catch(this.onError);
  }

  close(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
