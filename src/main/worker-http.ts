// The worker's own small HTTP server (METRICS_PORT, default 9464): GET /metrics for Prometheus
// and GET /healthz for the kubelet's probes — 200 while Redis answers and the workers take jobs,
// 503 otherwise (as the bot's /healthz). Nothing else is served.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { oneLine } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { renderMetrics, type Metrics } from '../core/metrics.ts';

export interface WorkerHttpOptions {
  port: number;
  /** Address to listen on; default all interfaces (the pod's IP for probes and scrapes). */
  host?: string;
  metrics: Metrics;
  redisReady: () => Promise<boolean>;
  /** Whether the workers still take jobs (false once shutdown began). */
  workersRunning: () => boolean;
  logger: Logger;
}

export interface WorkerHttp {
  /** The port it listens on (the one asked for, or the one given for port 0). */
  port: number;
  close(): Promise<void>;
}

export async function startWorkerHttp(o: WorkerHttpOptions): Promise<WorkerHttp> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://worker').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const answer = async () => {
      if (path === '/metrics') {
        const { contentType, body } = await renderMetrics(o.metrics);
        res.writeHead(200, { 'content-type': contentType }).end(body);
      } else if (path === '/healthz') {
        const redis = await o.redisReady();
        const workers = o.workersRunning();
        res.writeHead(redis && workers ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: redis && workers, redis: redis ? 'up' : 'unreachable', workers: workers ? 'running' : 'stopped' }));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics or /healthz\n');
      }
    };
    answer().catch((err: unknown) => {
      o.logger.error('worker http: request failed', { path, error: oneLine(err) });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => o.logger.error('worker http: server error', { error: oneLine(err) }));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections(); // a scraper's kept-alive connection must not hold the exit
      }),
  };
}
