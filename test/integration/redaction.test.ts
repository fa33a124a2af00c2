// Secrets never reach Slack or the job queue, end to end: a password typed in a URL is gone from
// the root message, the status title, the report header, the Re-run button value and the Redis
// job data; secrets a target echoes in its health body are redacted in the report.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { healthDiagnostic } from '../../jobs/health.ts';
import { REDIS_URL, startStack, type Stack } from '../support/stack.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

let server: Server;
let port: number;
const authorizations: string[] = [];
beforeAll(async () => {
  // A service whose health body echoes its dependencies' connection strings and an env dump.
  server = createServer((req, res) => {
    authorizations.push(req.headers.authorization ?? '');
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ status: 'ok', cache: 'redis://:CacheP4ss@redis:6379/0', env: { DB_PASSWORD: 'DbPa55w0rd', API_TOKEN: 'tok_9f8e7d6c5b' }, SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG' }));
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Every string the stack's Redis holds under its prefix (hashes, lists, strings). */
async function redisText(prefix: string): Promise<string> {
  const redis = new Redis(REDIS_URL);
  try {
    const out: string[] = [];
    for (const key of await redis.keys(`${prefix}:*`)) {
      const type = await redis.type(key);
      if (type === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'string') out.push((await redis.get(key)) ?? '');
      else if (type === 'list') out.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    }
    return out.join('\n');
  } finally {
    redis.disconnect();
  }
}

describe('secrets through Slack', () => {
  it('a password in the URL: removed at the edge (title, root message, report, Re-run value, job data), the user told', async () => {
    stack = await startStack({ diagnostics: [healthDiagnostic] });
    const res = await stack.sendCommand(`health http://svc:Hunter2Secret@127.0.0.1:${port} --interval 1s`);
    expect(res.status).toBe(200);
    const { transcript } = await stack.waitForReport();
    const note = await stack.slack.waitFor(() => stack!.slack.ephemeral.find((e) => e.path === new URL(res.responseUrl).pathname));
    expect(String(note.body.text)).toContain('I removed the credentials');
    expect(transcript).toContain(`health http://127.0.0.1:${port}`);
    // Everything posted or edited in Slack, blocks and button values included.
    const posted = JSON.stringify(stack.slack.calls);
    expect(posted).toContain(`"value":"health http://127.0.0.1:${port} --interval 1s"`);
    expect(posted).not.toContain('Hunter2Secret');
    expect(await redisText(stack.prefix)).not.toContain('Hunter2Secret');
    // The request ran without them.
    expect(authorizations.at(-1)).toBe('');
  });

  it('a secret-looking query value is masked in what people see (root message, status, report header)', async () => {
    stack = await startStack({ diagnostics: [healthDiagnostic] });
    await stack.sendCommand(`health http://127.0.0.1:${port}/?access_token=Qx7TokenValue --interval 1s`);
    const { transcript } = await stack.waitForReport();
    expect(transcript).toContain('access_token=[REDACTED]');
    const shown = stack.slack.calls.filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update').map((c) => JSON.stringify({ text: c.args.text, blocks: (c.args.blocks as unknown[] | undefined)?.filter((b) => (b as { type: string }).type !== 'actions') }));
    expect(shown.join('\n')).not.toContain('Qx7TokenValue');
  });

  it("secrets a target echoes in its health body are redacted in the report; the rest of the body stays", async () => {
    stack = await startStack({ diagnostics: [healthDiagnostic] });
    await stack.sendCommand(`health http://127.0.0.1:${port} --interval 1s`);
    await stack.waitForReport();
    const posted = JSON.stringify(stack.slack.calls);
    // (JSON inside the recorded JSON: its quotes are escaped)
    expect(posted).toContain('{\\"status\\":\\"ok\\",\\"cache\\":\\"redis://[REDACTED]@redis:6379/0\\"');
    for (const secret of ['CacheP4ss', 'DbPa55w0rd', 'tok_9f8e7d6c5b', 'wJalrXUtnFEMI']) expect(posted).not.toContain(secret);
    expect(await redisText(stack.prefix)).not.toMatch(/CacheP4ss|DbPa55w0rd|tok_9f8e7d6c5b|wJalrXUtnFEMI/);
  });
});
