// The few Slack Web API calls an incident thread needs, behind a narrow interface so the
// processor does not depend on the whole WebClient. The WebClient honours Slack's 429s itself:
// it waits the Retry-After and tries again (its default retry policy), so a rate-limited call is
// late, not lost; the processor keeps the number of calls down (coalesced parent edits within a
// budget shared by every replica).
import type { types, webApi } from '@slack/bolt';

export interface IncidentPost {
  channel: string;
  /** Parent ts: a reply in that thread. */
  threadTs?: string;
  text: string;
  blocks?: types.KnownBlock[];
  /** Message metadata, to find the bot's own post again (event_type + payload). */
  metadata?: { event_type: string; event_payload: Record<string, string | number> };
}

export interface IncidentSlack {
  /** Posts a message; returns its ts. */
  post(message: IncidentPost): Promise<string>;
  update(message: { channel: string; ts: string; text: string; blocks?: types.KnownBlock[] }): Promise<void>;
  delete(channel: string, ts: string): Promise<void>;
  upload(file: { channel: string; threadTs: string; filename: string; title: string; content: string }): Promise<void>;
  /**
   * The bot's own message carrying this metadata payload among the channel's latest 200 messages
   * (or the replies of `threadTs`): conversations.history / conversations.replies with
   * include_all_metadata (scopes channels:history, groups:history). Undefined when none.
   */
  findPost(channel: string, threadTs: string | undefined, payload: Record<string, string>): Promise<string | undefined>;
}

/** Metadata event type of every incident post (it is how a post is found again after a crash). */
export const INCIDENT_POST_EVENT = 'infdbg_incident';

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export function webClientSlack(client: webApi.WebClient): IncidentSlack {
  return {
    async post(m) {
      const res = await client.chat.postMessage({
        channel: m.channel,
        text: m.text,
        ...(m.blocks ? { blocks: m.blocks } : {}),
        ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
        ...(m.metadata ? { metadata: m.metadata } : {}),
        unfurl_links: false,
      });
      return String(res.ts);
    },
    async update(m) {
      await client.chat.update({ channel: m.channel, ts: m.ts, text: m.text, ...(m.blocks ? { blocks: m.blocks } : {}) });
    },
    async delete(channel, ts) {
      await client.chat.delete({ channel, ts });
    },
    async upload(f) {
      await client.filesUploadV2({ channel_id: f.channel, thread_ts: f.threadTs, file: Buffer.from(f.content, 'utf8'), filename: f.filename, title: f.title });
    },
    async findPost(channel, threadTs, payload) {
      // The lookup follows a crash within the claim's lease (minutes): the post is among the latest.
      const res = threadTs
        ? await client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 })
        : await client.conversations.history({ channel, include_all_metadata: true, limit: 200 });
      const mine = ((res.messages ?? []) as HistoryMessage[]).find(
        (m) => m.metadata?.event_type === INCIDENT_POST_EVENT && Object.entries(payload).every(([k, v]) => m.metadata?.event_payload?.[k] === v),
      );
      return mine?.ts;
    },
  };
}

/** Slack errors that mean the channel is wrong for the bot (not transient). */
export function isChannelError(err: unknown): boolean {
  const code = (err as { data?: { error?: string } }).data?.error ?? '';
  return /^(not_in_channel|channel_not_found|is_archived|restricted_action)$/.test(code);
}
