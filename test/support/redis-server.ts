// A private `redis-server` for fault tests: started on its own port (6390 and up, never the shared
// 6379), without persistence, so a restart loses every key as a Redis without a volume would.
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';

export interface PrivateRedis {
  port: number;
  url: string;
  /** Stops the server (SIGTERM, no snapshot: its data is gone) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
}

/** Whether the server answering on `port` is the process `pid` (not another one that holds the port). */
async function answers(port: number, pid: number | undefined, deadlineMs: number): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      const info = await client.info('server');
      return /^process_id:(\d+)/m.exec(info)?.[1] === String(pid);
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function launch(port: number): { child: ChildProcess; exited: Promise<void>; output: () => string } {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited, output: () => output };
}

/** Starts a redis-server on a free port from 6390 (tries the next one when a port is taken). */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  let current: ReturnType<typeof launch> | undefined;
  let port = 6390 + Math.floor(Math.random() * 200);
  const start = async () => {
    const run = launch(port);
    const up = await Promise.race([answers(port, run.child.pid, 10_000), run.exited.then(() => false)]);
    if (!up) {
      run.child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not start: ${run.output().slice(-300)}`);
    }
    current = run;
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await start();
      break;
    } catch (err) {
      if (attempt >= 5) throw err;
      port += 1;
    }
  }
  const stop = async () => {
    const run = current;
    current = undefined;
    if (!run || run.child.exitCode !== null) return;
    run.child.kill('SIGTERM');
    await run.exited;
  };
  return { port, url: `redis://127.0.0.1:${port}`, stop, start, restart: async () => (await stop(), await start()) };
}
