// Everything the bot and the workers post to Slack goes through here: the thread's status
// message (created by the bot, updated as jobs progress) and the report with its charts.
// Files use Slack's current upload flow (files.uploadV2 → getUploadURLExternal +
// completeUploadExternal; scopes files:write, files:read).
import type { types, webApi } from '@slack/bolt';
import type { RequestStatus } from '../queue/job-store.ts';
import type { ThreadRef } from '../queue/flow.ts';
import type { Report } from '../report/model.ts';
import { renderSlackReport, renderStatusBlocks } from '../report/render-slack.ts';

type WebClient = webApi.WebClient;

/** action_id of the report's Re-run button (handlers/actions/rerun.ts answers it). */
export const RERUN_ACTION_ID = 'infdbg_rerun';

function rerunBlock(command: string): types.KnownBlock {
  return {
    type: 'actions',
    elements: [{ type: 'button', action_id: RERUN_ACTION_ID, text: { type: 'plain_text', text: 'Re-run' }, value: command }],
  };
}

export class SlackThread {
  private readonly client: WebClient;
  constructor(client: WebClient) {
    this.client = client;
  }

  /** Rewrites the thread's status message (the root, or `statusTs` when set) with each diagnostic's state and a progress bar. */
  async updateStatus(thread: ThreadRef, status: RequestStatus): Promise<void> {
    const rendered = renderStatusBlocks({
      title: `${status.title} · \`${status.requestId}\``,
      items: status.items,
    });
    await this.client.chat.update({ channel: thread.channel, ts: thread.statusTs ?? thread.threadTs, text: rendered.text, blocks: rendered.blocks });
  }

  /**
   * Posts the report as a reply in the thread, then its charts (and the full text if it did not
   * fit). With `command`, the report ends with a Re-run button that runs the same `/debug` text.
   */
  async postReport(thread: ThreadRef, report: Report, command?: string): Promise<void> {
    const rendered = renderSlackReport(report, command ? [rerunBlock(command)] : []);
    await this.client.chat.postMessage({ channel: thread.channel, thread_ts: thread.threadTs, text: rendered.text, blocks: rendered.blocks });
    const files = report.results.flatMap((r) =>
      [...r.charts.map((c) => ({ file: Buffer.from(c.pngBase64, 'base64'), filename: c.filename, title: c.title })), ...(r.files ?? []).map((f) => ({ file: Buffer.from(f.text, 'utf8'), filename: f.filename, title: f.title }))],
    );
    if (rendered.overflow) files.push({ file: Buffer.from(rendered.overflow.content, 'utf8'), filename: rendered.overflow.filename, title: 'Full report' });
    if (files.length > 0) {
      await this.client.filesUploadV2({ channel_id: thread.channel, thread_ts: thread.threadTs, file_uploads: files });
    }
  }
}

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
