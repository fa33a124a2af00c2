// The one JSON logger and what routes library logs into it: Bolt's and the Web API client's
// logger option, BullMQ error events, console output. Each event is one JSON line with its
// secrets redacted and no stack frames.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, logErrors, routeConsole, slackLogger } from '../../src/core/logger.ts';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function parsed(lines: string[]): Array<Record<string, unknown>> {
  for (const l of lines) expect(l).not.toContain('\n');
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

const saved = { error: console.error, warn: console.warn, info: console.info, log: console.log, debug: console.debug };
afterEach(() => Object.assign(console, saved));

describe('logger', () => {
  it('redacts secrets from the message and from every string field', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', (l) => lines.push(l));
    logger.warn('connect to redis://:hunter2@redis:6379 failed', { error: 'Authorization: Bearer abc.def.ghi', nested: { url: 'https://u:pw0rd@host/x' }, attempt: 2 });
    const [line] = parsed(lines);
    expect(JSON.stringify(line)).not.toMatch(/hunter2|abc\.def\.ghi|pw0rd/);
    expect(line).toMatchObject({ level: 'warn', attempt: 2, msg: 'connect to redis://[REDACTED]@redis:6379 failed' });
  });

  it("takes Bolt's and the Web API client's messages: one line at their level, an Error as its message, a token redacted", () => {
    const lines: string[] = [];
    const bolt = slackLogger(createLogger('info', (l) => lines.push(l)), 'bolt');
    const err = new Error('An API error occurred: invalid_auth');
    err.stack = `${err.message}\n    at WebClient.apiCall (node_modules/@slack/web-api/dist/WebClient.js:200:23)\n    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)`;
    bolt.warn('http request failed', err);
    bolt.error('token xoxb-1234567890-abcdefghij was refused\n    at somewhere (file.js:1:1)');
    bolt.debug('dropped below LOG_LEVEL');
    const out = parsed(lines);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ level: 'warn', source: 'bolt', msg: 'http request failed An API error occurred: invalid_auth' });
    expect(out[1]).toMatchObject({ level: 'error', source: 'bolt', msg: 'token [REDACTED] was refused' });
    expect(bolt.getLevel()).toBe('info');
  });

  it('logs a BullMQ connection error as one line, where BullMQ alone would print its stack', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', (l) => lines.push(l));
    const queue = logErrors(new Queue('logger-test', { connection: { host: '127.0.0.1', port: await closedPort(), maxRetriesPerRequest: null, retryStrategy: () => null } }), logger, 'queue error', { queue: 'logger-test' });
    for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await queue.close().catch(() => undefined);
    const [first] = parsed(lines);
    expect(first).toMatchObject({ level: 'error', msg: 'queue error', queue: 'logger-test' });
    expect(String(first!.error)).toContain('ECONNREFUSED');
  });

  it('routes what a library prints with console into the same lines, stack frames dropped', () => {
    const lines: string[] = [];
    routeConsole(createLogger('info', (l) => lines.push(l)));
    const err = new Error('connect ECONNREFUSED 127.0.0.1:6390');
    console.error(err);
    console.error('[ioredis] Unhandled error event:', `Error: connect ECONNREFUSED 127.0.0.1:6390\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)`);
    console.warn('IMPORTANT! Eviction policy is allkeys-lru. It should be "noeviction"');
    Object.assign(console, saved);
    expect(parsed(lines)).toEqual([
      expect.objectContaining({ level: 'error', source: 'console', msg: 'connect ECONNREFUSED 127.0.0.1:6390' }),
      expect.objectContaining({ level: 'error', source: 'console', msg: '[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6390' }),
      expect.objectContaining({ level: 'warn', source: 'console', msg: 'IMPORTANT! Eviction policy is allkeys-lru. It should be "noeviction"' }),
    ]);
  });
});
