// Slack user groups for runbooks and the access policy: a `@handle` in a runbook (reminders,
// escalations, `allowed`) becomes a real mention (`<!subteam^S…>`) and a membership test for who
// may press a step; a policy rule's `groups` say who it is for. Read with usergroups.list
// (include_users; scope usergroups:read) — one call answers every group's members and maps
// @handles to ids, where usergroups.users.list would take a call per group — cached for a minute
// so a burst of clicks is one call. A failure (scope missing, free workspace) leaves handles as
// plain text and group-only steps refused with the reason.
import type { webApi } from '@slack/bolt';
import { oneLine } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export interface UserGroup {
  /** S… */
  id: string;
  /** Without the @. */
  handle: string;
  users: string[];
}

export function webClientUserGroups(client: webApi.WebClient): () => Promise<UserGroup[]> {
  return async () => {
    const res = await client.usergroups.list({ include_users: true });
    return (res.usergroups ?? []).filter((g) => g.id && g.handle).map((g) => ({ id: g.id!, handle: g.handle!, users: g.users ?? [] }));
  };
}

export class UserGroupDirectory {
  private cached: { at: number; groups: UserGroup[] } | undefined;
  private loading: Promise<UserGroup[]> | undefined;
  /** Why the last read failed, said with a refusal. */
  lastError: string | undefined;

  private readonly list: () => Promise<UserGroup[]>;
  private readonly logger: Logger;
  private readonly ttlMs: number;

  /** `ttlMs`: how long a read is used (ms). Default 60,000. */
  constructor(list: () => Promise<UserGroup[]>, logger: Logger, ttlMs = 60_000) {
    this.list = list;
    this.logger = logger;
    this.ttlMs = ttlMs;
  }

  private async groups(): Promise<UserGroup[]> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.groups;
    this.loading ??= this.list()
      .then((groups) => {
        this.cached = { at: Date.now(), groups };
        this.lastError = undefined;
        return groups;
      })
      .catch((err: unknown) => {
        this.lastError = oneLine(err);
        this.logger.warn('user groups not read (usergroups.list needs usergroups:read)', { error: this.lastError });
        return this.cached?.groups ?? [];
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /**
   * The groups a user is in, for a decision in an ack (Slack wants it within 3 s): a fresh read is
   * used, a stale one too while it is re-read in the background (up to `maxStaleMs`, default 10
   * min), and a first read is waited for at most `waitMs` (default 2,000). No usable read: why.
   */
  async membership(user: string, options: { waitMs?: number; maxStaleMs?: number } = {}): Promise<{ groups: string[] } | { unknown: string }> {
    const of = (groups: UserGroup[]) => ({ groups: groups.filter((g) => g.users.includes(user)).flatMap((g) => [g.id, `@${g.handle}`]) });
    const maxStaleMs = options.maxStaleMs ?? 600_000;
    const started = Date.now();
    const age = this.cached ? started - this.cached.at : Infinity;
    if (this.cached && age < this.ttlMs) return of(this.cached.groups);
    const reading = this.groups();
    if (this.cached && age < maxStaleMs) return of(this.cached.groups);
    const waitMs = options.waitMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((r) => (timer = setTimeout(r, waitMs).unref()));
    await Promise.race([reading, timedOut]).finally(() => clearTimeout(timer));
    // A read that finished while waiting, or one still young enough.
    if (this.cached && (this.cached.at >= started || Date.now() - this.cached.at < maxStaleMs)) return of(this.cached.groups);
    return { unknown: this.lastError ?? `usergroups.list did not answer within ${waitMs / 1000} s` };
  }

  /** `@handle` → id, for mentions. */
  async ids(): Promise<Map<string, string>> {
    return new Map((await this.groups()).map((g) => [`@${g.handle}`, g.id]));
  }

  /** The groups a user is in, each as its id and its `@handle` (runbooks name either). */
  async groupsOf(user: string): Promise<string[]> {
    return (await this.groups()).filter((g) => g.users.includes(user)).flatMap((g) => [g.id, `@${g.handle}`]);
  }
}
