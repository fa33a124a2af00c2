// A command described once, as data: its positional arguments, every flag with its value, unit and
// default, and two examples. The parser's options (node:util parseArgs), the usage line, `infdbg
// <command> --help`, `/debug <command> help` and shell completion are all derived from it, so
// they cannot drift apart. Imports nothing: the top-level help must start fast.

/** One `--flag` of a command. */
export interface FlagSpec {
  /** Long name without the dashes, e.g. `drift-share`. */
  name: string;
  /** One-letter alias, e.g. `n` for `-n`. */
  short?: string;
  /** Placeholder of the value (`SHARE`, `URL`); absent: a switch that takes no value. */
  value?: string;
  /** Unit or form of the value in a few words (`ms`, `bytes`, `share of features`). */
  unit?: string;
  /** What applies when the flag is absent, as a user would type it; absent: nothing (the behaviour the description says). */
  default?: string;
  /** The flag may be given more than once. */
  multiple?: boolean;
  description: string;
  /** Reads files on the machine that runs it: accepted from a terminal, refused from Slack. */
  cliOnly?: boolean;
}

/** A command of `infdbg` (and `/debug`, for the diagnostics). */
export interface CommandSpec {
  name: string;
  /** The positional part of the usage, e.g. `<reference> <current>`; '' when none. */
  args: string;
  /** One short line for the top-level help (about 60 characters). */
  summary: string;
  flags: readonly FlagSpec[];
  /** Two examples, each without the leading `infdbg ` / `/debug `. */
  examples: readonly [string, string];
  /** Further lines of the command's help (forms of the arguments, what it reads). */
  notes?: readonly string[];
}

type ParserOption = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

/** The node:util parseArgs options of a command: exactly its flags. */
export function parserOptions(flags: readonly FlagSpec[]): Record<string, ParserOption> {
  const options: Record<string, ParserOption> = {};
  for (const f of flags) {
    options[f.name] = { type: f.value ? 'string' : 'boolean', ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  }
  return options;
}

/** `drift <reference> <current> [--features NAMES] …`: the usage line, every flag in it. */
export function usageLine(spec: CommandSpec): string {
  const flags = spec.flags.map((f) => `[--${f.name}${f.value ? ` ${f.value}` : ''}]${f.multiple ? '…' : ''}`);
  return [spec.name, spec.args, ...flags].filter(Boolean).join(' ');
}

function flagLabel(f: FlagSpec): string {
  return `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.value ? ` ${f.value}` : ''}`;
}

/** The facts in square brackets after a flag's description: unit, default, repeatable, terminal only. */
function flagFacts(f: FlagSpec, forSlack: boolean): string {
  const facts = [f.unit, f.default !== undefined ? `default ${f.default}` : undefined, f.multiple ? 'repeatable' : undefined, f.cliOnly && forSlack ? 'terminal only' : undefined].filter(Boolean);
  return facts.length ? ` [${facts.join('; ')}]` : '';
}

/** Wraps words to `width` columns, continuation lines indented by `indent`. */
function wrap(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width - indent) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n' + ' '.repeat(indent));
}

export interface HelpOptions {
  /** `infdbg` in a terminal, `/debug` in Slack. */
  prefix: 'infdbg' | '/debug';
  /** Flags every command of this kind also takes (the terminal's --format, --fail-on, …), listed after its own. */
  common?: readonly FlagSpec[];
  /** Terminal width, columns. Default 80. */
  width?: number;
}

/** A command's whole help: usage, what it does, every flag with unit and default, two examples. Plain text for a terminal, mrkdwn for Slack. */
export function commandHelp(spec: CommandSpec, options: HelpOptions): string {
  const slack = options.prefix === '/debug';
  const flags = slack ? spec.flags : [...spec.flags, ...(options.common ?? [])];
  const usage = `${options.prefix} ${[spec.name, spec.args, flags.length ? '[options]' : ''].filter(Boolean).join(' ')}`;
  if (slack) {
    return [
      `*${usage}* — ${spec.summary}`,
      ...(spec.notes ?? []),
      ...(flags.length ? ['*Options*', ...flags.map((f) => `• \`${flagLabel(f)}\` — ${f.description}${flagFacts(f, true)}`)] : []),
      '*Examples*',
      ...spec.examples.map((e) => `• \`/debug ${e}\``),
    ].join('\n');
  }
  const width = options.width ?? 80;
  const labels = flags.map(flagLabel);
  const column = Math.min(Math.max(0, ...labels.map((l) => l.length)) + 4, 30);
  const flagLines = flags.map((f, i) => {
    const label = `  ${labels[i]}`;
    const text = wrap(`${f.description}${flagFacts(f, false)}`, width, column);
    return label.length + 2 > column ? `${label}\n${' '.repeat(column)}${text}` : `${label.padEnd(column)}${text}`;
  });
  return [
    `usage: ${usage}`,
    '',
    wrap(spec.summary, width, 0),
    ...(spec.notes?.length ? ['', ...spec.notes.map((n) => wrap(n, width, 0))] : []),
    ...(flags.length ? ['', 'options:', ...flagLines] : []),
    '',
    'examples:',
    ...spec.examples.map((e) => `  ${options.prefix} ${e}`),
    '',
  ].join('\n');
}

/** The top-level list: one short line per command. */
export function commandList(specs: readonly CommandSpec[], prefix: 'infdbg' | '/debug'): string {
  const width = Math.max(...specs.map((s) => s.name.length)) + 2;
  return specs.map((s) => `  ${s.name.padEnd(width)}${s.summary}`).join('\n') + `\n\nRun \`${prefix} <command> ${prefix === 'infdbg' ? '--help' : 'help'}\` for its options and examples.`;
}
