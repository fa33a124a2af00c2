// The target policy end to end: signed /debug commands through the real Bolt receiver, real
// Redis and workers. A metadata URL is refused in the ack with nothing enqueued; a name whose DNS
// answer is a metadata address, and a redirect to one, are refused by the worker and said in the thread.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { driftDiagnostic } from '../../jobs/drift.ts';
import { gpuDiagnostic } from '../../jobs/gpu.ts';
import { healthDiagnostic } from '../../jobs/health.ts';
import { modelDiagnostic } from '../../jobs/model.ts';
import { profileDiagnostic } from '../../jobs/profile.ts';
import { createTargetGuard, guardedNetwork } from '../../src/policy/target-guard.ts';
import { targetPolicyFromConfig } from '../../src/policy/target-policy.ts';
import { REDIS_URL, startStack, type Stack } from '../support/stack.ts';

const diagnostics = [healthDiagnostic, profileDiagnostic, driftDiagnostic, gpuDiagnostic, modelDiagnostic];

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** The ephemeral ack text of a command. */
async function ackText(text: string): Promise<string> {
  const res = await stack!.sendCommand(text);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ response_type: 'ephemeral' });
  return String((res.body as { text: string }).text);
}

describe('target policy through Slack', () => {
  it('refuses metadata and link-local targets of every diagnostic in the ack: no thread, nothing enqueued', async () => {
    stack = await startStack({ diagnostics, workers: false });
    expect(await ackText('health http://169.254.169.254 --health-path /latest/meta-data/iam/security-credentials/')).toMatch(
      /^:no_entry: health: target refused: 169\.254\.169\.254 is link-local, where cloud instance metadata and credentials live.*Nothing was started\.$/,
    );
    expect(await ackText('health http://[fd00:ec2::254]/')).toContain('the AWS instance metadata service (IPv6)');
    expect(await ackText('profile http://metadata.google.internal/computeMetadata/v1/ --body {}')).toContain('metadata.google.internal is a cloud instance metadata service');
    expect(await ackText('profile http://10.0.0.5:8080/predict --metrics-url http://169.254.170.2/v2/credentials')).toContain('169.254.170.2 is link-local');
    expect(await ackText('drift http://169.254.169.254/ref.csv data/current.csv')).toContain('drift: target refused');
    expect(await ackText('gpu gpu-node-1 --dcgm-url http://2852039166/metrics')).toContain('169.254.169.254 is link-local');
    expect(await ackText('investigate http://169.254.169.254 slow p99')).toContain('target refused: 169.254.169.254');
    expect(await ackText('model http://169.254.169.254/latest/model.onnx')).toContain('model: target refused: 169.254.169.254');
    expect(await ackText('model ranker.onnx --compare http://[::ffff:169.254.169.254]/old.onnx')).toContain('[::ffff:a9fe:a9fe] (169.254.169.254) is link-local');
    await new Promise((r) => setTimeout(r, 200));
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await stack.redisKeys()).toEqual([]);
  });

  it("refuses the bot's Redis, the bot's own port and targets outside INFDBG_ALLOWED_TARGETS in the ack", async () => {
    const redisPort = new URL(REDIS_URL).port || '6379';
    // DNS as the ack sees it (a stand-in: the test cannot publish records).
    const zone: Record<string, string[]> = { 'internal-admin.corp': ['192.168.5.5'], 'imds.example': ['169.254.169.254'], 'ranker.ml.svc.cluster.local': ['10.20.1.9'] };
    stack = await startStack({
      diagnostics,
      workers: false,
      targetPolicy: targetPolicyFromConfig({ INFDBG_ALLOWED_TARGETS: ['.svc.cluster.local', '10.20.0.0/16'], REDIS_URL, PORT: 3000 }),
      resolveHost: async (host) => zone[host] ?? [],
    });
    expect(await ackText(`health http://127.0.0.1:${redisPort}`)).toContain('is the job queue (Redis)');
    expect(await ackText(`health http://localhost:${redisPort}`)).toContain('is the job queue (Redis)');
    expect(await ackText('health http://127.0.0.1:3000 --health-path /slack/events')).toContain("the bot's own port");
    // Names: refused in the ack once DNS says where they point.
    expect(await ackText('profile http://internal-admin.corp/api/users --body {"role":"admin"}')).toContain('internal-admin.corp (192.168.5.5) is not in INFDBG_ALLOWED_TARGETS (.svc.cluster.local, 10.20.0.0/16)');
    expect(await ackText('drift http://imds.example/ref.csv http://ranker.ml.svc.cluster.local/cur.csv')).toContain('drift: target refused: imds.example (169.254.169.254) is link-local');
    expect(await ackText('health http://10.21.0.1:8080')).toContain('not in INFDBG_ALLOWED_TARGETS');
    await new Promise((r) => setTimeout(r, 200));
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await stack.redisKeys()).toEqual([]);
    // An allowed name is accepted: its thread opens.
    const ok = await stack.sendCommand('health http://ranker.ml.svc.cluster.local:8080');
    expect(ok.body).toBe('');
    await stack.slack.waitFor(() => stack!.slack.callsTo('chat.postMessage').length === 1);
  });

  it('refuses a Re-run whose command names a refused target (the policy may have changed since the report)', async () => {
    stack = await startStack({ diagnostics, workers: false });
    const click = await stack.clickButton({ channel: 'C0INCIDENT', ts: '1763900000.000001' }, { action_id: 'infdbg_rerun', value: 'health http://169.254.169.254 --health-path /latest/meta-data/' });
    expect(click.status).toBe(200);
    const reply = await stack.slack.waitFor(() => stack!.slack.ephemeral.find((e) => e.path === new URL(click.responseUrl).pathname));
    expect(String(reply.body.text)).toMatch(/^:no_entry: health: target refused: 169\.254\.169\.254 is link-local.*Nothing was started\.$/);
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await stack.redisKeys()).toEqual([]);
  });

  describe('in the worker, after DNS and on redirects', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      // A model server whose /health redirects to the metadata service.
      server = createServer((req, res) => {
        if (req.url === '/health') {
          res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' });
          return res.end();
        }
        res.writeHead(404);
        res.end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const policy = targetPolicyFromConfig({ INFDBG_ALLOWED_TARGETS: [], REDIS_URL, PORT: 3000 });
    // DNS stand-in (the test cannot publish records): `imds.example` answers with the metadata address.
    const guard = createTargetGuard(policy, {
      resolve: async (hostname) => (hostname === 'imds.example' ? [{ address: '169.254.169.254', family: 4 }] : (await import('node:dns/promises')).lookup(hostname, { all: true })),
    });

    it('a name that resolves to the metadata address: accepted by the ack, refused by the worker, said in the thread', async () => {
      stack = await startStack({ diagnostics, deps: guardedNetwork(guard) });
      const res = await stack.sendCommand('health http://imds.example/ --interval 1s');
      expect(res.status).toBe(200);
      const { transcript } = await stack.waitForReport();
      expect(transcript).toContain('target refused: imds.example (169.254.169.254) is link-local');
    });

    it('a redirect to the metadata address: refused, said in the thread', async () => {
      stack = await startStack({ diagnostics, deps: guardedNetwork(guard) });
      await stack.sendCommand(`health http://127.0.0.1:${port} --interval 1s`);
      const { transcript } = await stack.waitForReport();
      expect(transcript).toMatch(/target refused: 169\.254\.169\.254 is link-local[^\n]*\(a redirect from http:\/\/127\.0\.0\.1:\d+\/health\)/);
    });
  });
});
