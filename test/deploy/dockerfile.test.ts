// The images as far as they can be checked without a container engine: what each Dockerfile copies
// exists and is all the code needs, they run as a numeric non-root user, the GPU image has the CUDA
// runtime and onnxruntime-node's CUDA provider, and the HEALTHCHECK script (run here as the image
// would run it, against real HTTP servers) tells a healthy process from an unhealthy one.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

interface Instruction {
  op: string;
  args: string;
}

function instructions(file: string): Instruction[] {
  const text = readFileSync(join(ROOT, 'deploy', file), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** The repository paths a Dockerfile copies from the build context (not from another stage). */
function copiedPaths(steps: Instruction[]): string[] {
  return steps
    .filter((s) => s.op === 'COPY' && !s.args.startsWith('--from'))
    .flatMap((s) => s.args.split(/\s+/).slice(0, -1));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts'))
    .map((d) => join(d.parentPath, d.name));
}

describe.each(['Dockerfile', 'Dockerfile.gpu'])('deploy/%s', (file) => {
  const steps = instructions(file);
  const copied = copiedPaths(steps);

  it('copies only paths that exist, and every file the code imports', () => {
    for (const p of copied) expect(existsSync(join(ROOT, p)), `${file} copies ${p}`).toBe(true);
    const inImage = (path: string) => copied.some((p) => path === resolve(ROOT, p) || path.startsWith(resolve(ROOT, p) + '/'));
    const outside: string[] = [];
    for (const dir of copied.filter((p) => ['src', 'handlers', 'jobs'].includes(p))) {
      for (const f of filesUnder(join(ROOT, dir))) {
        for (const m of readFileSync(f, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
          const target = resolve(dirname(f), m[1]!);
          if (!inImage(target)) outside.push(`${relative(ROOT, f)} imports ${relative(ROOT, target)}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  it('runs `infdbg` as a numeric non-root user, with a HEALTHCHECK it copies in', () => {
    const user = steps.filter((s) => s.op === 'USER').at(-1)?.args;
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(steps.find((s) => s.op === 'ENTRYPOINT')?.args).toBe('["node", "src/main/cli.ts"]');
    const health = steps.find((s) => s.op === 'HEALTHCHECK');
    expect(health?.args).toMatch(/CMD \["node", "deploy\/healthcheck\.mjs"\]$/);
    expect(copied).toContain('deploy/healthcheck.mjs');
  });
});

describe('deploy/Dockerfile.gpu', () => {
  const steps = instructions('Dockerfile.gpu');

  it('runs on the CUDA 12 runtime with cuDNN and installs onnxruntime-node’s CUDA provider', () => {
    expect(steps.filter((s) => s.op === 'FROM').at(-1)?.args).toMatch(/^nvidia\/cuda:12\.[\d.]+-cudnn-runtime-/);
    expect(steps.find((s) => s.op === 'RUN' && s.args.includes('onnxruntime-node'))?.args).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 node script\/install/);
  });
});

describe('deploy/healthcheck.mjs', () => {
  let dir: string;
  const servers: Server[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'infdbg-healthcheck-'));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(status: number): Promise<number> {
    const server = createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? status : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: status === 200, redis: status === 200 ? 'up' : 'unreachable' }));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  }

  /** Runs the script as the image does, with PID 1's command line written to a file. */
  function check(argv: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
    const cmdline = join(dir, `cmdline-${argv.join('-')}-${Object.values(env).join('-')}`);
    writeFileSync(cmdline, ['node', 'src/main/cli.ts', ...argv, ''].join('\0'));
    return new Promise((done) => {
      execFile(process.execPath, [join(ROOT, 'deploy', 'healthcheck.mjs'), cmdline], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 10_000 }, (err, _out, stderr) =>
        done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
  }

  it('is healthy when the worker’s /healthz on METRICS_PORT answers 200, unhealthy on 503 or no answer, saying which', async () => {
    const up = await serve(200);
    const down = await serve(503);
    expect(await check(['worker'], { METRICS_PORT: String(up) })).toEqual({ code: 0, stderr: '' });
    const sick = await check(['worker'], { METRICS_PORT: String(down) });
    expect(sick.code).toBe(1);
    expect(sick.stderr).toContain(`/healthz on port ${down} answered 503`);
    // The bot's port is not the worker's: a worker checked on PORT would look healthy here.
    const wrongPort = await check(['worker'], { METRICS_PORT: String(down), PORT: String(up) });
    expect(wrongPort.code).toBe(1);
  });

  it('checks the bot on PORT, and reports a port where nothing listens', async () => {
    const up = await serve(200);
    expect((await check(['serve'], { PORT: String(up) })).code).toBe(0);
    const closed = await serve(200);
    await new Promise((r) => servers.pop()!.close(r));
    const none = await check(['serve'], { PORT: String(closed) });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(new RegExp(`infdbg serve: /healthz on port ${closed} did not answer: ECONNREFUSED`));
  });

  it('has nothing to check in a one-off CLI run', async () => {
    expect((await check(['drift', 'a.csv', 'b.csv'], {})).code).toBe(0);
  });
});
