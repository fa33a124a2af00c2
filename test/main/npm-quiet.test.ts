// The README's npm commands print nothing from npm beyond its usual lines: no unknown project
// config, no engines warning about the Node that runs npm (infdbg runs on the devDependency's
// Node 24 and checks that itself), no install scripts left unreviewed — and onnxruntime-node's
// CUDA download stays denied. npm is the one on the PATH, as a user would run it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The user's PATH: without the node_modules/.bin folders npm scripts put first (npm then runs on the machine's own Node, as in a shell). */
const userPath = (process.env.PATH ?? '').split(delimiter).filter((p) => !p.includes('node_modules')).join(delimiter);

function npm(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('npm', args, { encoding: 'utf8', env: { ...process.env, PATH: userPath, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm around infdbg', () => {
  it('runs npx infdbg and npm run infdbg without an npm warning (first npx call: an empty npm cache)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'infdbg-npm-cache-'));
    try {
      const npx = spawnSync('npx', ['infdbg', '--version'], { encoding: 'utf8', env: { ...process.env, PATH: userPath, npm_config_cache: cache } });
      expect(npx.stderr).toBe('');
      expect(npx.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
      const run = npm(['run', '--silent', 'infdbg', '--', 'help'], { npm_config_cache: cache });
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^infdbg \d/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('leaves no dependency install script unreviewed, and denies onnxruntime-node\'s download', () => {
    const r = npm(['install-scripts', 'ls']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('No packages with unreviewed install scripts.');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { allowScripts: Record<string, boolean> };
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
  });

  it('resolves the lockfile under the machine\'s own Node without an engines warning (every dependency accepts Node 20)', () => {
    // npm judges `engines` against the Node running npm, not the devDependency's Node 24 that runs the code:
    // resolving the lock (what `npm install` and `npm ci` do first) with the machine's npm shows what a user sees.
    const dir = mkdtempSync(join(tmpdir(), 'infdbg-npm-engines-'));
    try {
      for (const f of ['package.json', 'package-lock.json']) writeFileSync(join(dir, f), readFileSync(f));
      const r = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: userPath } });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(readFileSync('package-lock.json', 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses, in one line, a Node older than 24 running the bin', () => {
    const r = spawnSync(process.execPath, ['--import', 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.20.2"});', 'bin/infdbg.js', 'help'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^infdbg: needs Node\.js 24 or later; .* is 20\.20\.2\n$/);
    expect(r.stdout).toBe('');
  });
});
