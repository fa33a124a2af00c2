// `infdbg runbooks` and `infdbg runbook` as a user runs them: exit codes, one line per problem,
// the steps in Markdown filled with the given values, and diagnostic steps run in-process against
// the sample model server — the ones a top cause selects included, a check's branches left to a
// person.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { main } from '../../src/main/cli.ts';
import { startModelServer } from '../../examples/model-server/server.ts';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const savedDir = process.env.RUNBOOKS_DIR;
afterEach(() => {
  if (savedDir === undefined) delete process.env.RUNBOOKS_DIR;
  else process.env.RUNBOOKS_DIR = savedDir;
});

describe('infdbg runbooks / runbook', () => {
  it('validates the shipped runbooks and lists what each matches', async () => {
    const v = await run(['runbooks', 'validate']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^runbooks: 10 runbooks valid \(cuda-oom, data-drift, .*oom-killed\)\n$/);
    const list = await run(['runbooks']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^model-load-failure {2}Model fails to load \(availability\)\n {4}matches: alertname KubePodCrashLooping, /m);
  });

  it('exits 2 on a broken folder with one line per problem, naming file, step and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'infdbg-rb-'));
    await writeFile(join(dir, 'slow.yaml'), stringify({ name: 'slow', title: 'Slow', category: 'latency', steps: [{ id: 'probe', kind: 'diagnostic', title: 'Probe', command: 'health http://svc:8080 --sl0-p99 300' }, { id: 'ask', kind: 'check', title: 'Ask', question: 'Which?', answers: [{ id: 'a', label: 'A', next: ['gone'] }, { id: 'b', label: 'B' }] }] }));
    const r = await run(['runbooks', 'validate', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^infdbg: ${dir}/slow\\.yaml: step 1 "probe", field command: .*--sl0-p99`));
    expect(lines[1]).toBe(`infdbg: ${dir}/slow.yaml: step 2 "ask", field answers[0].next[0]: no step "gone"`);
    expect((await run(['runbooks', 'validate', join(dir, 'missing')])).stderr).toMatch(/is not a directory\n$/);
  });

  it('stops serve and worker at start-up on a bad runbook, naming the file, step and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'infdbg-rb-'));
    await writeFile(join(dir, 'bad.yaml'), stringify({ name: 'bad', title: 'Bad', category: 'errors', steps: [{ id: 'run', kind: 'diagnostic', title: 'Run', command: 'gpu --bogus' }] }));
    const saved = { ...process.env };
    Object.assign(process.env, { RUNBOOKS_DIR: dir, SLACK_SIGNING_SECRET: 'test-secret', SLACK_BOT_TOKEN: 'xoxb-test', PORT: '0' });
    try {
      for (const command of ['serve', 'worker']) {
        const r = await run([command]);
        expect(r.code, command).toBe(2);
        expect(r.stderr).toMatch(new RegExp(`^infdbg: invalid runbook — ${dir}/bad\\.yaml: step 1 "run", field command: .*--bogus.*\n$`));
      }
    } finally {
      for (const k of ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'PORT']) if (saved[k] === undefined) delete process.env[k];
    }
  });

  it('prints a runbook filled with the given values, without running anything under --no-run', async () => {
    const r = await run(['runbook', 'oom-killed', 'namespace=ml', 'pod=ranker-1', '--no-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# Runbook: Pod OOMKilled \(`oom-killed`\)/);
    expect(r.stdout).toContain('`/debug oom ml/ranker-1` — in a terminal: `infdbg oom ml/ranker-1`');
    expect(r.stdout).toContain('kubectl -n ml top pod ranker-1 --containers');
    expect(r.stdout).toContain('| deployment | — | give `deployment=…` |');
    expect(r.stdout).toContain('_Only after answering "Memory grows with requests until the kill (a leak)" at step 4._');
    expect(r.stdout).toMatch(/## Prevent[\s\S]*- alert: ContainerMemoryNearLimit\n {2}expr: max by \(pod, container\)/);
    expect(r.stdout).not.toContain('**Result:**');
  });

  it('refuses an unknown runbook, an unknown variable and a hostile value with exit 2 and one line', async () => {
    for (const argv of [['runbook', 'nope'], ['runbook', 'oom-killed', 'pods=x'], ['runbook', 'oom-killed', 'pod=$(id)'], ['runbook', 'oom-killed', '--dry'], ['runbook']]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });

  it('runs the diagnostic steps in-process, then those the top cause selects; a check branch waits for a person', async () => {
    const server = await startModelServer({ faults: { errorRate: 0.5 } });
    try {
      const body = JSON.stringify({ audio: Array.from({ length: 512 }, () => 0.01) });
      for (let i = 0; i < 40; i++) await fetch(`${server.url}/predict`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then((r) => r.text());
      const dir = await mkdtemp(join(tmpdir(), 'infdbg-rb-'));
      await writeFile(
        join(dir, 'errors-here.yaml'),
        stringify({
          name: 'errors-here',
          title: 'Errors here',
          category: 'errors',
          variables: { url: { example: 'http://svc:8080' } },
          steps: [
            { id: 'health', kind: 'diagnostic', title: 'Health', command: 'health {{url}} --interval 200ms' },
            { id: 'again-if-errors', kind: 'diagnostic', title: 'Again, errors', when: { topCause: { category: ['errors', 'availability'] } }, command: 'health {{url}} --interval 200ms --health-path /health' },
            { id: 'if-drift', kind: 'diagnostic', title: 'Only for drift', when: { topCause: { category: ['accuracy'] } }, command: 'health {{url}} --interval 200ms' },
            { id: 'ask', kind: 'check', title: 'Ask', question: 'Which?', answers: [{ id: 'a', label: 'A', next: ['branch'] }, { id: 'b', label: 'B' }] },
            { id: 'branch', kind: 'diagnostic', title: 'Branch', command: 'health {{url}}' },
          ],
        }),
      );
      process.env.RUNBOOKS_DIR = dir;
      const r = await run(['runbook', 'errors-here', `url=${server.url}`, '--charts-dir', dir]);
      expect(r.code, r.stderr).toBe(0);
      const section = (n: number) => r.stdout.split(/^### /m).find((s) => s.startsWith(`${n}. `)) ?? '';
      expect(section(1)).toMatch(/\*\*Result:\*\*[\s\S]*error rate/i);
      expect(section(2)).toContain('**Result:**');
      expect(section(3)).toContain('**n/a:** the top cause is not the one this step is for');
      expect(section(5)).toContain('**Not run:** runs once the question above is answered');
      expect(r.stdout).toMatch(/Top cause from the steps that ran: \*\*.+\*\*/);
    } finally {
      await server.close();
    }
  });
});
