// The package as a user installs it: `npm pack` holds what running infdbg needs and nothing of
// the checkout's tests, benchmarks or sources; installed from the tarball into an empty prefix,
// its `infdbg` (the JavaScript build, Node 24 on the PATH) prints its help and runs a diagnostic.
// Slow (a TypeScript build and an npm install): one test.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the npm package', () => {
  it('packs only what a user needs, installs into an empty prefix, and runs', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'infdbg-package-'));
    try {
      const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const files = packed[0]!.files.map((f) => f.path);
      expect(files).toEqual(expect.arrayContaining(['bin/infdbg.js', 'dist/src/main/infdbg.js', 'dist/jobs/commands.js', 'dist/src/diagnosis/causes/data.yaml', 'dist/runbooks/high-latency.yaml', 'schema/report.schema.json', 'package.json', 'README.md']));
      expect(files.filter((f) => /^(test|bench|eval|examples|scripts|src|jobs|handlers|deploy)\/|\.ts$/.test(f))).toEqual([]);

      const prefix = join(dir, 'prefix');
      // Where NuGet cannot be reached, onnxruntime-node's CUDA download is skipped (README).
      const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(dir, packed[0]!.filename)], { encoding: 'utf8', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
      expect(install.status, install.stderr).toBe(0);

      const env = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH].join(delimiter) };
      const infdbg = (args: string[]) => spawnSync(join(prefix, 'bin', 'infdbg'), args, { encoding: 'utf8', cwd: dir, env });
      const help = infdbg(['help']);
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/^infdbg \d+\.\d+\.\d+ — /);
      expect(help.stdout).toMatch(/^ {2}drift +/m);
      const fixtures = resolve('test/fixtures/drift');
      const drift = infdbg(['drift', join(fixtures, 'reference.csv'), join(fixtures, 'current.csv'), '--format', 'json', '--charts-dir', join(dir, 'charts')]);
      expect(drift.status, drift.stderr).toBe(0);
      expect(JSON.parse(drift.stdout)).toMatchObject({ schemaVersion: 1, diagnostic: 'drift', severity: 'critical' });
      const runbooks = infdbg(['runbooks']);
      expect(runbooks.status, runbooks.stderr).toBe(0);
      expect(runbooks.stdout).toMatch(/^high-latency /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
