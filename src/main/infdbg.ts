// `infdbg`, the binary: the top-level help, `--version`, each command's `--help`, shell
// completion, and every diagnostic and investigation run in-process. It starts fast: this file
// imports only the command tables; a command imports what it needs when it runs (a drift run
// never loads the Slack or Kubernetes clients). The long-running processes and the runbook
// commands live in src/main/cli.ts, loaded only for them.
// Exit codes: 0 ran, 1 could not run, 2 bad usage or configuration (one line on stderr), 3 the
// report reached --fail-on, 4 a regression against --baseline.
import { readFileSync } from 'node:fs';
import { diagnosticCommands, findDiagnosticCommand, type DiagnosticEntry } from '../../jobs/commands.ts';
import { completionCommand, DEFAULT_TOLERANCE_PERCENT, FAIL_ON_LEVELS, helpCommand, investigateCommand, runbookCommand, runbooksCommand, serveCommand, TERMINAL_FLAGS, workerCommand } from '../command/builtin-commands.ts';
import { commandHelp, commandList, type CommandSpec, type FlagSpec } from '../command/command-spec.ts';
import { completionScript, SHELLS, type Shell } from '../command/completion.ts';
import { ConfigError, InfdbgError, UsageError, oneLine } from '../core/errors.ts';
import type { BaselineComparison } from '../report/baseline-compare.ts';
import type { DiagnosticFailure, DiagnosticResult, Severity } from '../report/model.ts';

/** Exit code when the report's severity reaches --fail-on. */
export const EXIT_FAIL_ON = 3;
/** Exit code on a regression against --baseline (it wins over EXIT_FAIL_ON). */
export const EXIT_REGRESSION = 4;
/** Severities lowest first (src/report/model.ts SEVERITIES; not imported, to keep the start light). */
const SEVERITY_RANK: readonly Severity[] = ['ok', 'info', 'warning', 'critical'];

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  /** Whether stderr is a terminal (progress is drawn only there). */
  stderrIsTTY?: boolean;
  /** Whether stdout is a terminal (the report is rendered for it, in colour unless NO_COLOR). */
  stdoutIsTTY?: boolean;
}

/** Commands that are not diagnostics, in the order the help lists them. */
const OTHER_COMMANDS: readonly CommandSpec[] = [investigateCommand, runbooksCommand, runbookCommand, serveCommand, workerCommand, completionCommand, helpCommand];
/** Handled by src/main/cli.ts. */
const PROCESS_COMMANDS = new Set(['serve', 'worker', 'runbooks', 'runbook']);

function allCommands(): CommandSpec[] {
  return [...diagnosticCommands.map((d) => d.command), ...OTHER_COMMANDS];
}

/** The version in package.json, found from this file upwards (the checkout, or dist/ in the package). */
export function version(): string {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'inference-debugger' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look one folder up
    }
  }
  return 'unknown';
}

function topHelp(): string {
  const diagnostics = commandList(diagnosticCommands.map((d) => d.command), 'infdbg').split('\n\n')[0];
  const others = commandList(OTHER_COMMANDS, 'infdbg').split('\n\n')[0];
  return `infdbg ${version()} — debug production ML inference: the diagnostics of /debug, in a terminal

usage: infdbg <command> [arguments] [options]

diagnostics:
${diagnostics}

more:
${others}

Run \`infdbg <command> --help\` for its options, units, defaults and examples.
Exit codes: 0 ran, 1 could not run, 2 bad usage,
3 the report reached --fail-on, 4 a regression against --baseline.
`;
}

/** `--help`/`-h` among a command's own tokens (not after `--`). */
function asksForHelp(tokens: string[]): boolean {
  const end = tokens.indexOf('--');
  return (end < 0 ? tokens : tokens.slice(0, end)).some((t) => t === '--help' || t === '-h');
}

function helpFor(name: string): string | undefined {
  const diagnostic = findDiagnosticCommand(name);
  if (diagnostic) return commandHelp(diagnostic.command, { prefix: 'infdbg', common: TERMINAL_FLAGS });
  if (name === 'investigate') return commandHelp(investigateCommand, { prefix: 'infdbg', common: TERMINAL_FLAGS });
  const other = OTHER_COMMANDS.find((c) => c.name === name);
  return other && commandHelp(other, { prefix: 'infdbg' });
}

/** The terminal's own flags (--format, --charts-dir, --fail-on, …), taken out of a command's tokens; the rest goes to the diagnostic. */
export interface TerminalFlags {
  /** Undefined: `tty` when stdout is a terminal, else `md`. */
  format?: 'tty' | 'md' | 'json';
  chartsDir: string;
  failOn?: (typeof FAIL_ON_LEVELS)[number];
  baseline?: string;
  tolerancePercent: number;
  rest: string[];
}

function terminalFlag(token: string): { flag: FlagSpec; inline?: string } | undefined {
  if (!token.startsWith('--')) return undefined;
  const eq = token.indexOf('=');
  const [name, inline] = eq > 0 ? [token.slice(2, eq), token.slice(eq + 1)] : [token.slice(2), undefined];
  const flag = TERMINAL_FLAGS.find((f) => f.name === name && f.value);
  return flag && { flag, ...(inline === undefined ? {} : { inline }) };
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value !== undefined && !allowed.includes(value as T)) throw new UsageError(`--${flag} must be ${allowed.join(' or ')}, got "${value}"`);
  return value as T | undefined;
}

export function splitTerminalFlags(tokens: string[]): TerminalFlags {
  const values = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const found = terminalFlag(tokens[i]!);
    if (!found) {
      rest.push(tokens[i]!);
      continue;
    }
    const value = found.inline ?? tokens[++i];
    if (value === undefined) throw new UsageError(`--${found.flag.name} needs a value (${found.flag.unit ?? found.flag.value})`);
    values.set(found.flag.name, value);
  }
  const tolerance = values.get('tolerance');
  const tolerancePercent = tolerance === undefined ? DEFAULT_TOLERANCE_PERCENT : Number(tolerance.replace(/%$/, ''));
  if (!(tolerancePercent >= 0 && tolerancePercent < 10_000)) throw new UsageError(`--tolerance expects a percentage like 10 or 5%, got "${tolerance}"`);
  const format = oneOf('format', values.get('format'), ['tty', 'md', 'json'] as const);
  const failOn = oneOf('fail-on', values.get('fail-on'), FAIL_ON_LEVELS);
  const baseline = values.get('baseline');
  return { ...(format ? { format } : {}), chartsDir: values.get('charts-dir') ?? 'infdbg-out', ...(failOn ? { failOn } : {}), ...(baseline ? { baseline } : {}), tolerancePercent, rest };
}

/** The CLI's configuration and a terminal's deps: production I/O (Kubernetes only for a diagnostic that reads it), baselines remembered in a file beside the charts. */
async function terminalDeps(chartsDir: string, kube: boolean) {
  const [{ cliConfigSchema, loadConfig }, { FileBaselineStore }, { join, resolve }] = await Promise.all([import('../core/config.ts'), import('../diagnosis/baseline-store.ts'), import('node:path')]);
  const config = loadConfig(cliConfigSchema);
  const io = kube ? (await import('./deps.ts')).productionDeps(config) : (await import('./base-deps.ts')).baseDeps(config);
  return { config, deps: { ...io, baselines: new FileBaselineStore(join(resolve(chartsDir), 'baselines.json')) } };
}

/** Writes the results' charts (PNG) and text files (the full tables) into `chartsDir`, one stderr line each. */
export async function writeCharts(results: DiagnosticResult[], chartsDir: string, io: Pick<Io, 'stderr'>): Promise<void> {
  const charts = results.flatMap((r) => r.charts);
  const files = results.flatMap((r) => r.files ?? []);
  if (charts.length === 0 && files.length === 0) return;
  const [{ mkdir, writeFile }, { join, resolve }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const dir = resolve(chartsDir);
  await mkdir(dir, { recursive: true });
  for (const c of charts) {
    await writeFile(join(dir, c.filename), Buffer.from(c.pngBase64, 'base64'));
    io.stderr(`chart: ${join(dir, c.filename)}\n`);
  }
  for (const f of files) {
    await writeFile(join(dir, f.filename), f.text);
    io.stderr(`file: ${join(dir, f.filename)}\n`);
  }
}

/** Progress on stderr, only on a terminal: one line redrawn in place, ended at 100 % on its own line. */
function progressLine(io: Io, label: string) {
  let last = -1;
  let ended = false;
  return {
    draw(percent: number, message?: string) {
      if (!io.stderrIsTTY || ended) return;
      const shown = Math.max(last, Math.min(99, Math.round(percent)));
      last = shown;
      io.stderr(`\r\x1b[2K[${label}] ${String(shown).padStart(3)}% ${message ?? ''}`.slice(0, 160));
    },
    /** `done`: the run finished (100 %); otherwise the line says where it stopped. */
    end(done: boolean) {
      if (!io.stderrIsTTY || ended || last < 0) return;
      ended = true;
      io.stderr(done ? `\r\x1b[2K[${label}] 100% done\n` : `\r\x1b[2K[${label}] stopped at ${last}%\n`);
    },
  };
}

/** The earlier report given with --baseline, read before anything runs: a bad file is a usage error, not a wasted run. */
async function readBaseline(file: string): Promise<Record<string, unknown>[]> {
  const [{ readFile }, { resultsOf }] = await Promise.all([import('node:fs/promises'), import('../report/baseline-compare.ts')]);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--baseline ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : oneLine(err)}`);
  }
  try {
    return resultsOf(JSON.parse(text), file);
  } catch (err) {
    throw new UsageError(`--baseline ${file}: ${err instanceof SyntaxError ? `not JSON (${err.message})` : oneLine(err)}`);
  }
}

interface Output {
  severity: Severity;
  /** What --format json prints. */
  json: Record<string, unknown>;
  markdown: string;
  /** The results in JSON form, for the baseline comparison. */
  results: Record<string, unknown>[];
}

/**
 * Prints the report in its format, with the baseline comparison, and returns the exit code:
 * 4 on a regression against --baseline, else 3 when the severity reaches --fail-on, else 0.
 */
async function emit(io: Io, flags: TerminalFlags, baseline: Record<string, unknown>[] | undefined, noColor: boolean, out: Output): Promise<number> {
  let comparison: BaselineComparison | undefined;
  const compare = baseline && (await import('../report/baseline-compare.ts'));
  if (compare && baseline && flags.baseline) {
    try {
      comparison = compare.compareWithBaseline(out.results, baseline, flags.tolerancePercent, flags.baseline);
    } catch (err) {
      throw new UsageError(`--baseline ${oneLine(err)}`);
    }
  }
  const format = flags.format ?? (io.stdoutIsTTY ? 'tty' : 'md');
  if (format === 'json') {
    io.stdout(JSON.stringify(comparison ? { ...out.json, baselineComparison: comparison } : out.json, null, 2) + '\n');
  } else {
    const markdown = out.markdown + (comparison && compare ? `\n${compare.baselineMarkdown(comparison)}` : '');
    if (format === 'md') io.stdout(markdown);
    else io.stdout((await import('../report/render-terminal.ts')).renderTerminal(markdown, { color: !noColor && Boolean(io.stdoutIsTTY) }));
  }
  if (comparison && comparison.regressions > 0) {
    io.stderr(`infdbg: ${comparison.regressions} regression${comparison.regressions === 1 ? '' : 's'} against ${comparison.file} (exit ${EXIT_REGRESSION})\n`);
    return EXIT_REGRESSION;
  }
  if (flags.failOn && SEVERITY_RANK.indexOf(out.severity) >= SEVERITY_RANK.indexOf(flags.failOn)) {
    io.stderr(`infdbg: the report's severity is ${out.severity}, at or above --fail-on ${flags.failOn} (exit ${EXIT_FAIL_ON})\n`);
    return EXIT_FAIL_ON;
  }
  return 0;
}

async function runDiagnosticCommand(entry: DiagnosticEntry, tokens: string[], io: Io): Promise<number> {
  const flags = splitTerminalFlags(tokens);
  const [diagnostic, { parsePayload, runDiagnostic }] = await Promise.all([entry.load(), import('../core/run-diagnostic.ts')]);
  const payload = parsePayload(diagnostic, diagnostic.parseArgs(flags.rest));
  const baseline = flags.baseline === undefined ? undefined : await readBaseline(flags.baseline);
  const { config, deps } = await terminalDeps(flags.chartsDir, Boolean(entry.kube));
  const progress = progressLine(io, diagnostic.name);
  let result: DiagnosticResult;
  try {
    result = await runDiagnostic(diagnostic, payload, { ...deps, progress: (percent, message) => progress.draw(percent, message) });
  } catch (err) {
    progress.end(false);
    throw err;
  }
  progress.end(true);
  await writeCharts([result], flags.chartsDir, io);
  const [{ renderResultJson }, { renderResultMarkdown }] = await Promise.all([import('../report/render-json.ts'), import('../report/render-markdown.ts')]);
  const json = renderResultJson(result);
  return emit(io, flags, baseline, Boolean(config.NO_COLOR), { severity: result.severity, json, markdown: renderResultMarkdown(result), results: [json] });
}

/** `infdbg investigate …`: the plan's diagnostics run in parallel in-process; one report ranks causes over all of them. */
async function runInvestigationCommand(tokens: string[], io: Io): Promise<number> {
  const flags = splitTerminalFlags(tokens);
  const [{ diagnostics }, { planInvestigation, investigationNote }, { runDiagnostic }, { buildReport }] = await Promise.all([
    import('../../jobs/registry.ts'),
    import('../triage/investigation.ts'),
    import('../core/run-diagnostic.ts'),
    import('../report/build.ts'),
  ]);
  const investigation = planInvestigation(flags.rest, diagnostics);
  const baseline = flags.baseline === undefined ? undefined : await readBaseline(flags.baseline);
  const { config, deps } = await terminalDeps(flags.chartsDir, true);
  const percents = new Map<string, number>();
  const progress = progressLine(io, 'investigate');
  const settled = await Promise.allSettled(
    investigation.steps.map((step) =>
      runDiagnostic(step.diagnostic, step.payload, {
        ...deps,
        progress: (percent) => {
          percents.set(step.diagnostic.name, percent);
          const all = investigation.steps.map((s) => percents.get(s.diagnostic.name) ?? 0);
          progress.draw(all.reduce((a, b) => a + b, 0) / Math.max(1, all.length), investigation.steps.map((s) => `${s.diagnostic.name} ${Math.round(percents.get(s.diagnostic.name) ?? 0)}%`).join('  '));
        },
      }),
    ),
  );
  progress.end(true);
  const results: DiagnosticResult[] = [];
  const failures: DiagnosticFailure[] = [];
  settled.forEach((s, i) => {
    const step = investigation.steps[i]!;
    if (s.status === 'fulfilled') results.push(s.value);
    else failures.push({ diagnostic: step.diagnostic.name, title: step.command, error: oneLine(s.reason) });
  });
  const title = `investigate ${flags.rest.join(' ')}`.trim();
  const report = buildReport({ title, incidentKey: 'cli', results, failures, now: new Date(), observations: investigation.observations, investigation: investigationNote(investigation) });
  await writeCharts(results, flags.chartsDir, io);
  const [{ renderReportJson }, { renderMarkdown }] = await Promise.all([import('../report/render-json.ts'), import('../report/render-markdown.ts')]);
  const json = renderReportJson(report);
  return emit(io, flags, baseline, Boolean(config.NO_COLOR), { severity: report.severity, json: json as unknown as Record<string, unknown>, markdown: renderMarkdown(report), results: json.results });
}

function completion(tokens: string[], io: Io): number {
  const [shell, ...extra] = tokens;
  if (!SHELLS.includes(shell as Shell) || extra.length) throw new UsageError(shell ? `no completion for "${shell}" (bash or zsh)` : 'which shell? bash or zsh', 'completion bash|zsh');
  // Diagnostics and investigate also take the terminal's flags (--format, --fail-on, …).
  const specs = allCommands().map((c) => (findDiagnosticCommand(c.name) || c.name === 'investigate' ? { ...c, flags: [...c.flags, ...TERMINAL_FLAGS] } : c));
  io.stdout(completionScript(shell as Shell, specs));
  return 0;
}

const processIo: Io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), stderrIsTTY: Boolean(process.stderr.isTTY), stdoutIsTTY: Boolean(process.stdout.isTTY) };

/** A reader that stops early (`infdbg help | head`) closes the pipe: that ends the output, it is not an error. */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

/** Runs one command line; the exit code, or -1 for a long-running process (serve, worker) that exits on a signal. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  if (io === processIo && process.stdout.listenerCount('error') === 0) quietOnClosedPipe();
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      io.stderr(topHelp());
      return 2;
    }
    if (command === '--version' || command === '-V' || command === 'version') {
      io.stdout(`${version()}\n`);
      return 0;
    }
    if (command === 'help' || command === '--help' || command === '-h') {
      const [topic, ...extra] = rest;
      if (topic === undefined) {
        io.stdout(topHelp());
        return 0;
      }
      const help = helpFor(topic);
      if (!help || extra.length) throw new UsageError(`no command "${[topic, ...extra].join(' ')}" (try: infdbg help)`);
      io.stdout(help);
      return 0;
    }
    const help = helpFor(command);
    if (help && asksForHelp(rest)) {
      io.stdout(help);
      return 0;
    }
    const entry = findDiagnosticCommand(command);
    if (entry) return await runDiagnosticCommand(entry, rest, io);
    if (command === 'investigate') return await runInvestigationCommand(rest, io);
    if (command === 'completion') return completion(rest, io);
    if (PROCESS_COMMANDS.has(command)) return await (await import('./cli.ts')).main(argv, io);
    throw new UsageError(`unknown command "${command}" (try: infdbg help)`);
  } catch (err) {
    if (err instanceof UsageError) {
      // A command with a spec: its short usage and where the rest is; otherwise the usage the error carries.
      const spec = command === undefined ? undefined : allCommands().find((c) => c.name === command);
      const usage = spec ? `${[spec.name, spec.args].filter(Boolean).join(' ')} [options] (infdbg ${spec.name} --help)` : err.usage;
      io.stderr(`infdbg: ${oneLine(err)}${usage ? ` — usage: infdbg ${usage}` : ''}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.stderr(`infdbg: ${oneLine(err)}\n`);
      return 2;
    }
    io.stderr(`infdbg: ${err instanceof InfdbgError ? '' : 'error: '}${oneLine(err)}\n`);
    return 1;
  }
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
}
