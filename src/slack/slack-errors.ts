// What a failed Web API call means for a post: wait (429), try again later (Slack's own trouble,
// the network), or stop, because retrying cannot help (the channel is gone, the bot was removed,
// the token revoked). And the words a person reads in the thread for each.
import { webApi } from '@slack/bolt';

/** Platform errors that are Slack's passing trouble, not the request's: worth another attempt. */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'rate_limited']);

const MEANING: Record<string, string> = {
  channel_not_found: 'the channel no longer exists, or the bot cannot see it',
  not_in_channel: 'the bot is no longer in the channel (`/invite @infdbg`)',
  is_archived: 'the channel is archived',
  thread_not_found: 'the thread was deleted',
  message_not_found: 'the message was deleted',
  msg_too_long: 'the message is longer than Slack accepts',
  invalid_blocks: 'Slack refused the message layout',
  restricted_action: 'a workspace setting stops the bot posting there',
  missing_scope: 'the Slack app lacks a permission it needs',
  not_authed: 'the bot token is missing',
  invalid_auth: 'the bot token is not valid',
  token_revoked: 'the bot token was revoked',
  account_inactive: 'the bot was removed from the workspace',
  internal_error: 'Slack had an internal error',
  rate_limited: 'Slack kept rate-limiting the bot',
};

/** Slack's error code (`channel_not_found`, …), `rate_limited`, `http_<status>` or `request_failed`. */
export function slackErrorCode(err: unknown): string {
  if (err instanceof webApi.WebAPIPlatformError) return err.data.error;
  if (err instanceof webApi.WebAPIRateLimitedError) return 'rate_limited';
  if (err instanceof webApi.WebAPIHTTPError) return `http_${err.statusCode}`;
  return 'request_failed';
}

/** True when another attempt cannot succeed: Slack refused the post itself. */
export function isPermanentSlackError(err: unknown): boolean {
  return err instanceof webApi.WebAPIPlatformError && !TRANSIENT.has(err.data.error);
}

/** `code` — what it means, for the thread. */
export function describeSlackError(err: unknown): string {
  const code = slackErrorCode(err);
  const meaning = MEANING[code];
  return meaning ? `\`${code}\` (${meaning})` : `\`${code}\``;
}

/** Seconds Slack asked the bot to wait (the 429's Retry-After), when the call was rate-limited. */
export function retryAfterSeconds(err: unknown): number | undefined {
  return err instanceof webApi.WebAPIRateLimitedError ? err.retryAfter : undefined;
}
