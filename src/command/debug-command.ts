// The `/debug` grammar: `help`, `status <request-id>`, `runbooks`, `runbook <name> [var=value …]`,
// and one subcommand per diagnostic in the registry, so `help` is always true. Pure: text in, a typed command (or a UsageError) out.
import { z } from 'zod';
import { tokenize } from './args.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { UsageError } from '../core/errors.ts';
import { parsePayload } from '../core/run-diagnostic.ts';
import { INVESTIGATE_USAGE, planInvestigation, type Investigation } from '../triage/investigation.ts';
import { investigateCommand } from './builtin-commands.ts';
import { commandHelp } from './command-spec.ts';
import type { LoadedRunbook } from '../runbooks/runbook-schema.ts';
import { givenVariables } from '../runbooks/template.ts';

export type DebugCommand =
  /** `topic`: `/debug <command> help` asks for that command's options and examples. */
  | { kind: 'help'; topic?: string }
  | { kind: 'status'; requestId: string }
  | { kind: 'diagnostic'; diagnostic: Diagnostic; payload: unknown; title: string }
  | { kind: 'investigation'; investigation: Investigation; title: string }
  | { kind: 'runbooks' }
  | { kind: 'runbook'; runbook: LoadedRunbook; variables: Record<string, string> };

const RUNBOOK_USAGE = 'runbook <name> [var=value …]';

const BUILTIN = [
  { name: 'investigate', usage: INVESTIGATE_USAGE, description: 'symptom words pick the kind of problem; the diagnostics it calls for run in parallel and one ranked list of causes covers them all' },
  { name: 'help', usage: 'help', description: 'this list' },
  { name: 'status', usage: 'status <request-id>', description: 'progress and state of a request' },
  { name: 'runbooks', usage: 'runbooks', description: 'the runbooks and the alerts each one matches' },
  { name: 'runbook', usage: RUNBOOK_USAGE, description: "a runbook's steps, filled with your values" },
] as const;

const requestIdSchema = z.string().regex(/^r[0-9a-f]{16}$/, 'a request id looks like r0123456789abcdef');

/** Asks for a command's help: `/debug drift help`, `--help`, `-h`. */
const HELP_WORDS = new Set(['help', '--help', '-h']);

/** `/debug help`: every subcommand; with a topic (`/debug drift help`): that command's options, units, defaults and examples. */
export function helpText(diagnostics: readonly Diagnostic[], topic?: string): string {
  const spec = topic === 'investigate' ? investigateCommand : diagnostics.find((d) => d.name === topic)?.command;
  if (spec) return commandHelp(spec, { prefix: '/debug' });
  const own = diagnostics.find((d) => d.name === topic);
  if (own) return `*/debug ${own.usage}* — ${own.description}`;
  // A diagnostic with a command spec: its short usage and summary; its flags are one `help` away.
  const rows = [...diagnostics.map((d) => (d.command ? { usage: [d.name, d.command.args].filter(Boolean).join(' '), description: d.command.summary } : { usage: d.usage, description: d.description })), ...BUILTIN];
  return [
    '*/debug* — debug production ML inference. Subcommands:',
    ...rows.map((r) => `• \`/debug ${r.usage}\` — ${r.description}`),
    '`/debug <subcommand> help` lists its options, with units, defaults and examples.',
  ].join('\n');
}

/** The subcommands, for an unknown one; the reply puts `/debug ` in front (as for every usage line). */
function usageLine(diagnostics: readonly Diagnostic[]): string {
  return `${[...diagnostics.map((d) => d.name), ...BUILTIN.map((b) => b.name)].join('|')} …`;
}

export function parseCommand(text: string, diagnostics: readonly Diagnostic[], runbooks: readonly LoadedRunbook[] = []): DebugCommand {
  const tokens = tokenize(text);
  const names = [...BUILTIN.map((b) => b.name), ...diagnostics.map((d) => d.name)];
  const sub = z.enum(names as [string, ...string[]]).safeParse((tokens[0] ?? 'help').toLowerCase());
  if (!sub.success) throw new UsageError(`unknown subcommand "${tokens[0]}"`, usageLine(diagnostics));
  const rest = tokens.slice(1);
  if (sub.data === 'help') return rest[0] && names.includes(rest[0].toLowerCase()) ? { kind: 'help', topic: rest[0].toLowerCase() } : { kind: 'help' };
  if (rest.length === 1 && HELP_WORDS.has(rest[0]!.toLowerCase()) && (sub.data === 'investigate' || diagnostics.some((d) => d.name === sub.data))) return { kind: 'help', topic: sub.data };
  if (sub.data === 'investigate') {
    const investigation = planInvestigation(rest, diagnostics);
    return { kind: 'investigation', investigation, title: `investigate ${rest.join(' ')}`.trim() };
  }
  if (sub.data === 'runbooks') {
    if (rest.length) throw new UsageError('runbooks takes no arguments (for one runbook: `runbook <name>`)', 'runbooks');
    return { kind: 'runbooks' };
  }
  if (sub.data === 'runbook') {
    const [name, ...vars] = rest;
    if (!name) throw new UsageError('missing the runbook name (`/debug runbooks` lists them)', RUNBOOK_USAGE);
    const runbook = runbooks.find((r) => r.name === name.toLowerCase());
    if (!runbook) throw new UsageError(`no runbook "${name.slice(0, 80)}"${runbooks.length ? ` (runbooks: ${runbooks.map((r) => r.name).join(', ')})` : ''}`, RUNBOOK_USAGE);
    return { kind: 'runbook', runbook, variables: givenVariables(runbook, vars) };
  }
  if (sub.data === 'status') {
    const id = requestIdSchema.safeParse(rest[0]);
    if (!id.success || rest.length !== 1) throw new UsageError(rest[0] ? `"${rest[0]}" is not a request id` : 'missing the request id', 'status <request-id>');
    return { kind: 'status', requestId: id.data };
  }
  const diagnostic = diagnostics.find((d) => d.name === sub.data)!;
  const cliOnly = rest.find((t) => diagnostic.cliOnlyFlags?.includes(t.split('=')[0]!));
  if (cliOnly) throw new UsageError(`${cliOnly.split('=')[0]} reads files on the machine that runs it: use it from a terminal (\`infdbg ${diagnostic.name} …\`), not from Slack`, diagnostic.usage);
  let candidate: unknown;
  try {
    candidate = diagnostic.parseArgs(rest);
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(err.message, err.usage ?? diagnostic.usage);
    throw err;
  }
  const payload = parsePayload(diagnostic, candidate);
  return { kind: 'diagnostic', diagnostic, payload, title: `${diagnostic.name} ${rest.join(' ')}`.trim() };
}
