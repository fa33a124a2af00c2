// A real `infdbg` process (serve or worker) for tests: started from the sources with the given
// environment only, its stderr kept line by line (the JSON logs), waited on by condition with a
// deadline, stopped with SIGTERM (SIGKILL if it hangs).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

export interface InfdbgProcess {
  child: ChildProcess;
  /** Every stderr line so far. */
  lines: string[];
  /** Resolves with the first stderr line that `match` accepts; rejects at the deadline with what was printed. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Sends SIGTERM and resolves with the exit code (SIGKILL after 10 s). */
  stop(): Promise<number | null>;
}

export function startInfdbg(command: 'serve' | 'worker', env: Record<string, string>): InfdbgProcess {
  const child = spawn(process.execPath, ['src/main/cli.ts', command], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  child.stderr!.on('data', (d: Buffer) => {
    const parts = (partial + d.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stdout!.on('data', (d: Buffer) => lines.push(...d.toString('utf8').split('\n').filter(Boolean).map((l) => `stdout: ${l}`)));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    async waitForLine(match, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(match);
        if (found) return found;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no such line from infdbg ${command} (exit ${child.exitCode}); it printed:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A loopback port free right now (for PORT, or a Redis URL nothing answers on). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `read` until `accept` holds of its value; rejects at the deadline with the last value. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)?.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
