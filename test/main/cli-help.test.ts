// `infdbg` help as a user reads it: one short line per command, each command's --help with every
// flag its parser accepts (unit and default, the default being what the payload really gets),
// `--version`, `/debug <command> help`, shell completion that bash runs, and a start that does
// not load what the command does not use.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnosticCommands } from '../../jobs/commands.ts';
import { diagnostics } from '../../jobs/registry.ts';
import { TERMINAL_FLAGS } from '../../src/command/builtin-commands.ts';
import { helpText, parseCommand } from '../../src/command/debug-command.ts';
import { UsageError } from '../../src/core/errors.ts';
import { parsePayload } from '../../src/core/run-diagnostic.ts';
import { main } from '../../src/main/infdbg.ts';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

/** The least each diagnostic needs to parse, to read what the payload gets by default. */
const MINIMAL: Record<string, string[]> = {
  health: ['http://model:8080'],
  profile: ['model.onnx'],
  drift: ['ref.csv', 'cur.csv'],
  oom: ['ml/pod-a'],
  gpu: [],
  logs: ['app=ranker'],
  changes: ['ml/ranker'],
  model: ['model.onnx'],
};

describe('infdbg help', () => {
  it('lists every command on one short line', async () => {
    const r = await run(['help']);
    expect(r.code).toBe(0);
    const names = [...diagnosticCommands.map((d) => d.command.name), 'investigate', 'runbooks', 'runbook', 'serve', 'worker', 'completion'];
    for (const name of names) expect(r.stdout, name).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('has, for every diagnostic the workers run, its command in the light table', () => {
    expect(diagnostics.map((d) => d.name)).toEqual(diagnosticCommands.map((e) => e.command.name));
    for (const d of diagnostics) expect(d.command, d.name).toBe(diagnosticCommands.find((e) => e.command.name === d.name)!.command);
  });

  it('prints --version from package.json', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect(await run([flag])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('gives every command its own help with --help, -h and help <command>', async () => {
    for (const name of [...diagnosticCommands.map((d) => d.command.name), 'investigate', 'runbooks', 'runbook', 'serve', 'worker', 'completion']) {
      const a = await run([name, '--help']);
      expect(a.code, name).toBe(0);
      expect(a.stdout, name).toMatch(new RegExp(`^usage: infdbg ${name}\\b`));
      expect(a.stdout.split('examples:\n')[1]?.trim().split('\n'), name).toHaveLength(2);
      expect((await run([name, '-h'])).stdout).toBe(a.stdout);
      expect((await run(['help', name])).stdout).toBe(a.stdout);
    }
  });

  it('lists in a diagnostic\'s help every flag its parser accepts, and its parser accepts no other', async () => {
    for (const d of diagnostics) {
      if (!d.command) throw new Error(`${d.name} has no command in jobs/commands.ts`);
      const help = (await run([d.name, '--help'])).stdout;
      for (const f of [...d.command.flags, ...TERMINAL_FLAGS]) expect(help, `${d.name} --${f.name}`).toMatch(new RegExp(`--${f.name}\\b`));
      for (const f of d.command.flags) {
        // Accepted: whatever else may be wrong with the value, it is not an unknown option.
        const tokens = [...MINIMAL[d.name]!, `--${f.name}`, ...(f.value ? ['1'] : [])];
        let message = '';
        try {
          d.parseArgs(tokens);
        } catch (err) {
          message = (err as Error).message;
        }
        expect(message, `${d.name} --${f.name}`).not.toMatch(/Unknown option/i);
      }
      expect(() => d.parseArgs([...MINIMAL[d.name]!, '--no-such-flag', 'x']), d.name).toThrow(/Unknown option '--no-such-flag'/);
    }
  });

  it('states as a flag\'s default what the payload gets without the flag', () => {
    let checked = 0;
    for (const d of diagnostics) {
      for (const f of d.command?.flags ?? []) {
        if (f.default === undefined) continue;
        const without = parsePayload(d, d.parseArgs(MINIMAL[d.name]!));
        const withDefault = parsePayload(d, d.parseArgs([...MINIMAL[d.name]!, `--${f.name}`, f.default]));
        expect(without, `${d.name} --${f.name} ${f.default}`).toEqual(withDefault);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('gives the terminal flags a unit or a default in the help', async () => {
    const help = (await run(['drift', '--help'])).stdout;
    expect(help).toMatch(/--format FORMAT[\s\S]*?\[tty\|md\|json; default tty on a terminal/);
    expect(help).toMatch(/--max-size SIZE[\s\S]*default 2GB/);
    expect(help).toMatch(/--drift-share SHARE[\s\S]*default 0\.5/);
  });

  it('answers /debug <command> help in Slack from the same command, and refuses terminal-only flags there', () => {
    for (const words of ['drift help', 'drift --help', 'help drift']) {
      const parsed = parseCommand(words, diagnostics);
      expect(parsed, words).toEqual({ kind: 'help', topic: 'drift' });
      const text = helpText(diagnostics, 'drift');
      expect(text).toContain('*/debug drift <reference> <current> [options]*');
      for (const f of diagnostics.find((d) => d.name === 'drift')!.command!.flags) expect(text).toContain(`--${f.name}`);
      expect(text).not.toContain('--fail-on');
    }
    expect(helpText(diagnostics, 'logs')).toMatch(/--file FILE.*\[terminal only\]/);
    expect(() => parseCommand('logs --file /etc/passwd', diagnostics)).toThrow(UsageError);
    expect(parseCommand('help', diagnostics)).toEqual({ kind: 'help' });
  });

  it('points a usage error at the command\'s help in one line', async () => {
    const r = await run(['drift', 'only-one.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^infdbg: .* — usage: infdbg drift <reference> <current> \[options\] \(infdbg drift --help\)\n$/);
  });
});

describe('infdbg completion', () => {
  /** What bash completes after typing `line` (the last word is the one being completed). */
  function complete(script: string, line: string): string[] {
    const words = line.split(' ');
    const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _infdbg; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['-c', program], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean);
  }

  it('completes commands, flags and flag values in bash', async () => {
    const r = await run(['completion', 'bash']);
    expect(r.code).toBe(0);
    expect(complete(r.stdout, 'infdbg dr')).toEqual(['drift']);
    expect(complete(r.stdout, 'infdbg drift --co')).toEqual(['--correction']);
    expect(complete(r.stdout, 'infdbg drift --test ')).toEqual(['ks', 'chi2', 'z', 'wasserstein', 'jensenshannon', 'psi']);
    expect(complete(r.stdout, 'infdbg health --fail-on ')).toEqual(['warning', 'critical']);
    expect(complete(r.stdout, 'infdbg logs --pr')).toEqual(['--previous']);
  });

  it('writes a zsh script with every command and every flag of each', async () => {
    const r = await run(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#compdef infdbg\n')).toBe(true);
    for (const { command } of diagnosticCommands) {
      const block = r.stdout.split(`\n    ${command.name})\n`)[1]?.split(' ;;')[0] ?? '';
      for (const f of [...command.flags, ...TERMINAL_FLAGS]) expect(block, `${command.name} --${f.name}`).toContain(`--${f.name}`);
    }
    expect(r.stdout).toContain("'--format[");
    expect(r.stdout).toContain(':(tty md json)');
  });

  it('refuses a shell it does not know in one line', async () => {
    const r = await run(['completion', 'fish']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('infdbg start', () => {
  /** The modules a command line loads, as file URLs and package names (a sync load hook records them). */
  function loadedBy(argv: string[]): string[] {
    const script = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ load(url, context, next) { seen.push(url); return next(url, context); } });
      const { main } = await import(${JSON.stringify(new URL('../../src/main/infdbg.ts', import.meta.url).href)});
      await main(${JSON.stringify(argv)}, { stdout() {}, stderr() {} });
      process.stdout.write(JSON.stringify(seen));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as string[];
  }

  it('loads no diagnostic, no zod and no Slack or Kubernetes client for help, --version and --help', () => {
    for (const argv of [['help'], ['--version'], ['drift', '--help'], ['completion', 'bash']]) {
      const loaded = loadedBy(argv);
      expect(loaded.filter((u) => /\/jobs\/(?!commands\.ts)|node_modules\/(zod|@slack|@kubernetes|bullmq|ioredis|onnxruntime)/.test(u)), argv.join(' ')).toEqual([]);
    }
  });

  it('loads for a drift run its own module and not the Slack or Kubernetes clients', () => {
    const loaded = loadedBy(['drift', 'no-such-ref.csv', 'no-such-cur.csv']);
    expect(loaded.some((u) => u.endsWith('/jobs/drift.ts'))).toBe(true);
    expect(loaded.filter((u) => /\/jobs\/(health|profile|oom|gpu|logs|changes)\.ts|node_modules\/(@slack|@kubernetes|bullmq)/.test(u))).toEqual([]);
  });
});
