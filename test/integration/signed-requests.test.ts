// Signed Slack requests dated in the future: Bolt's receiver refuses a stale timestamp, and the
// bot's receiver refuses one more than five minutes ahead as well (a request signed ahead of time
// could otherwise be replayed until then). A small clock skew still gets through.
import { afterEach, describe, expect, it } from 'vitest';
import { healthDiagnostic } from '../../jobs/health.ts';
import { signSlackRequest } from '../../src/slack/signature.ts';
import { SIGNING_SECRET, startStack, type Stack } from '../support/stack.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** A correctly signed `/debug help`, its timestamp `offsetSec` from now. */
async function signedHelp(offsetSec: number): Promise<Response> {
  const body = new URLSearchParams({ team_id: 'T0STANDIN', channel_id: 'C0INCIDENT', user_id: 'U0ONCALL', command: '/debug', text: 'help', response_url: stack!.slack.responseUrl(), trigger_id: '1.2.3' }).toString();
  const ts = Math.floor(Date.now() / 1000) + offsetSec;
  return fetch(`${stack!.botUrl}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(body, SIGNING_SECRET, ts) }, body });
}

describe('signed requests from the future', () => {
  it('refuses a correctly signed request dated 10 minutes ahead with 401 and runs nothing', async () => {
    stack = await startStack({ diagnostics: [healthDiagnostic], workers: false });
    const future = await signedHelp(600);
    expect(future.status).toBe(401);
    expect(await future.text()).not.toContain('debug production ML inference');
    expect(stack.slack.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
  });

  it('accepts one a minute ahead (clock skew) and a current one', async () => {
    stack = await startStack({ diagnostics: [healthDiagnostic], workers: false });
    for (const offset of [60, 0]) {
      const res = await signedHelp(offset);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('debug production ML inference');
    }
  });
});
