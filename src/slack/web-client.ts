// The Slack Web API client options every process uses: requests counted by method and HTTP status
// (429s on their own counter) through the client's `fetch` option, and the client's logs through
// the JSON logger. Counting in fetch sees every attempt, of Bolt's per-request clients too, which
// a `rate_limited` listener on one client would not.
import { webApi } from '@slack/bolt';
import type { Logger } from '../core/logger.ts';
import { slackLogger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** A Web API method name (`chat.postMessage`); anything else is not a label value. */
const METHOD = /^[a-z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*)+$/;

/** The method a request URL calls: its path below the API base, or `other` (upload and response URLs). */
export function slackMethod(url: string, apiUrl: string): string {
  if (!url.startsWith(apiUrl)) return 'other';
  const method = url.slice(apiUrl.length).split(/[?#]/)[0] ?? '';
  return METHOD.test(method) ? method : 'other';
}

/** `fetchFn` that counts each request in `metrics` (infdbg_slack_api_requests_total, …_rate_limited_total). */
export function countingFetch(metrics: Metrics, apiUrl: string, fetchFn: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = slackMethod(url, apiUrl);
    let response: Response;
    try {
      response = await fetchFn(input, init);
    } catch (err) {
      metrics.slackRequests.inc({ method, status: 'network_error' });
      throw err;
    }
    metrics.slackRequests.inc({ method, status: String(response.status) });
    if (response.status === 429) metrics.slackRateLimited.inc({ method });
    return response;
  };
}

export interface SlackClientOptions {
  slackApiUrl?: string | undefined;
  logger: Logger;
  /** Absent: requests are not counted (tests, the terminal). */
  metrics?: Metrics | undefined;
}

/** WebClientOptions (also Bolt's `clientOptions`): base URL, counting fetch, JSON logger. */
export function slackClientOptions(o: SlackClientOptions): webApi.WebClientOptions {
  const apiUrl = o.slackApiUrl ?? DEFAULT_SLACK_API_URL;
  return {
    ...(o.slackApiUrl ? { slackApiUrl: o.slackApiUrl } : {}),
    logger: slackLogger(o.logger, 'slack-web-api'),
    ...(o.metrics ? { fetch: countingFetch(o.metrics, apiUrl) as webApi.WebClientOptions['fetch'] } : {}),
  };
}

export function slackWebClient(token: string, o: SlackClientOptions): webApi.WebClient {
  return new webApi.WebClient(token, slackClientOptions(o));
}
