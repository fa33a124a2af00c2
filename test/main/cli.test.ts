// `infdbg` as a user runs it: exit codes, one-line errors, Markdown and JSON output, charts on disk.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main/infdbg.ts';
import { startModelServer } from '../../examples/model-server/server.ts';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe('infdbg CLI', () => {
  it('prints usage listing every diagnostic', async () => {
    const r = await run(['help']);
    expect(r.code).toBe(0);
    for (const name of ['health', 'profile', 'drift', 'oom', 'gpu', 'logs', 'serve', 'worker']) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it('rejects bad usage with exit 2 and exactly one line', async () => {
    for (const argv of [['frobnicate'], ['health', 'ftp://model'], ['health', 'http://x', '--format', 'xml'], ['health', 'http://x', '--bogus']]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });

  it('runs health in-process against the sample model server, as Markdown and as JSON', async () => {
    const server = await startModelServer({ port: 0 });
    try {
      const body = JSON.stringify({ audio: Array.from({ length: 512 }, () => 0.01) });
      for (let i = 0; i < 20; i++) await fetch(`${server.url}/predict`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then((r) => r.text());
      const md = await run(['health', server.url, '--interval', '200ms']);
      expect(md.code).toBe(0);
      expect(md.stdout).toMatch(/^# health /);
      expect(md.stdout).toContain('p99');
      const json = await run(['health', server.url, '--interval', '200ms', '--format', 'json']);
      expect(json.code).toBe(0);
      const parsed = JSON.parse(json.stdout);
      expect(parsed).toMatchObject({ diagnostic: 'health', health: { ok: true } });
      expect(parsed.latencyMs.p50).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('turns an unreachable service into a finding, not a crash', async () => {
    const r = await run(['health', 'http://127.0.0.1:1', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).severity).toBe('critical');
  });

  it('writes a diagnostic\'s charts to --charts-dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'infdbg-charts-'));
    const model = join('node_modules', '@ricky0123', 'vad-node', 'dist', 'silero_vad.onnx');
    const r = await run(['profile', '--model', model, '--dim', 'sequence=512', '--iterations', '60', '--warmup', '5', '--sweep', 'none', '--charts-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('# profile');
    expect((await readdir(dir)).some((f) => f.endsWith('.png'))).toBe(true);
  });

  it('runs through the installed bin with Node 24', () => {
    const r = spawnSync(process.execPath, ['bin/infdbg.js', 'health'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^infdbg: /);
  });
});
