// The Slack Web API client every process uses, against the Slack stand-in: each request is counted
// by method and HTTP status, a 429 also on its own counter, and the client's own log lines (here
// its rate-limit notice) come out of the one JSON logger.
import { afterEach, describe, expect, it } from 'vitest';
import { startSlackApiStandIn, type SlackApiStandIn } from '../../examples/slack-api-stand-in.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createMetrics, renderMetrics } from '../../src/core/metrics.ts';
import { parseExposition } from '../../src/prometheus/exposition.ts';
import { slackMethod, slackWebClient } from '../../src/slack/web-client.ts';

let slack: SlackApiStandIn | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

/** The value of one sample of a scrape, 0 when it is absent. */
async function sample(metrics: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string>): Promise<number> {
  const { samples } = parseExposition((await renderMetrics(metrics)).body);
  const found = samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found?.value ?? 0;
}

describe('Slack Web API client', () => {
  it('counts requests by method and status, and a 429 on its own counter; the retry notice is one JSON line', async () => {
    slack = await startSlackApiStandIn();
    const lines: string[] = [];
    const metrics = createMetrics();
    const client = slackWebClient('xoxb-test-token-0123456789', { slackApiUrl: slack.apiUrl, logger: createLogger('info', (l) => lines.push(l)), metrics });
    slack.fault('chat.postMessage', { retryAfterS: 0, times: 1 });

    await client.chat.postMessage({ channel: 'C0INCIDENT', text: 'hello' });
    await client.chat.update({ channel: 'C0INCIDENT', ts: '1.000001', text: 'edited' }).catch(() => undefined);

    expect(await sample(metrics, 'infdbg_slack_api_requests_total', { method: 'chat.postMessage', status: '429' })).toBe(1);
    expect(await sample(metrics, 'infdbg_slack_api_requests_total', { method: 'chat.postMessage', status: '200' })).toBe(1);
    expect(await sample(metrics, 'infdbg_slack_api_requests_total', { method: 'chat.update', status: '200' })).toBe(1);
    expect(await sample(metrics, 'infdbg_slack_api_rate_limited_total', { method: 'chat.postMessage' })).toBe(1);
    expect(await sample(metrics, 'infdbg_slack_api_rate_limited_total', { method: 'chat.update' })).toBe(0);

    const notice = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.msg).includes('rate limiting'));
    expect(notice).toMatchObject({ level: 'info', source: 'slack-web-api' });
    expect(lines.join('\n')).not.toContain('xoxb-test-token');
  });

  it('names the method from the URL, and only a method: anything else is `other`', () => {
    const api = 'https://slack.com/api/';
    expect(slackMethod('https://slack.com/api/chat.postMessage', api)).toBe('chat.postMessage');
    expect(slackMethod('https://slack.com/api/files.getUploadURLExternal?x=1', api)).toBe('files.getUploadURLExternal');
    // Upload and response URLs carry ids: never a label value.
    expect(slackMethod('https://files.slack.com/upload/v1/CwABAAAAXgsAAgAAAA', api)).toBe('other');
    expect(slackMethod('https://hooks.slack.com/commands/T0/123/abc', api)).toBe('other');
    expect(slackMethod('https://slack.com/api/../../etc', api)).toBe('other');
  });
});
