// Reads and validates runbooks/*.yaml at start-up (`serve`, `worker`) and for
// `infdbg runbooks validate`: the zod schema, then the rules across fields — step ids, check
// branches, variables that exist, cause ids the catalogue knows — and every `diagnostic` step and
// the `investigate` arguments run through the real `/debug` parser with the variables at their
// defaults or examples, so an unknown diagnostic or flag stops start-up instead of failing in an
// incident. One ConfigError lists every problem, each naming the file, the step and the field.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { parseCommand } from '../command/debug-command.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { ConfigError, UsageError, oneLine } from '../core/errors.ts';
import { defaultCauses } from '../diagnosis/causes.ts';
import { runbookSchema, type LoadedRunbook, type Runbook } from './runbook-schema.ts';
import { commandText, fillCommand, placeholders, resolveVariables } from './template.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * RUNBOOKS_DIR as a path: absolute as given; relative to the working directory when it exists
 * there, else to the installed package (so `runbooks`, the default, finds the shipped ones).
 */
export function resolveRunbooksDir(dir: string): string {
  if (isAbsolute(dir)) return dir;
  const here = resolve(dir);
  if (existsSync(here)) return here;
  const shipped = join(PACKAGE_ROOT, dir);
  return existsSync(shipped) ? shipped : here;
}

/** Where a problem is: `step 3 "rollback", field commands[0]` or `field match[1].alertnameRegex`. */
function where(path: ReadonlyArray<PropertyKey>, raw: unknown): string {
  if (path[0] === 'steps' && typeof path[1] === 'number') {
    const id = (raw as { steps?: Array<{ id?: unknown }> })?.steps?.[path[1]]?.id;
    const rest = fieldPath(path.slice(2));
    return `step ${path[1] + 1}${typeof id === 'string' ? ` "${id}"` : ''}${rest ? `, field ${rest}` : ''}`;
  }
  return `field ${fieldPath(path) || '(top level)'}`;
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function zodProblems(error: z.ZodError, raw: unknown): string[] {
  return error.issues.map((i) => {
    let message = i.message;
    if (i.code === 'unrecognized_keys') message = `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    if (i.code === 'invalid_union' && i.path.at(-1) === undefined) message = 'kind must be diagnostic, manual, check or escalate';
    return `${where(i.path, raw)}: ${message}`;
  });
}

/** The rules zod cannot see: ids, branches, variables, commands that parse. */
function crossCheck(rb: Runbook, raw: unknown, file: string, diagnostics: readonly Diagnostic[]): string[] {
  const problems: string[] = [];
  const at = (path: Array<string | number>, message: string) => problems.push(`${where(path, raw)}: ${message}`);
  const stem = file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  if (rb.name !== stem) at(['name'], `"${rb.name}" must equal the file name (${stem})`);

  const declared = new Set(Object.keys(rb.variables));
  const refs = (path: Array<string | number>, template: string | undefined) => {
    if (template === undefined) return;
    for (const p of placeholders(template)) if (!declared.has(p)) at(path, `{{${p}}} is not a declared variable (variables: ${[...declared].join(', ') || 'none'})`);
  };
  for (const [name, v] of Object.entries(rb.variables)) refs(['variables', name, 'default'], v.default);

  const ids = new Map<string, number>();
  rb.steps.forEach((s, i) => {
    if (ids.has(s.id)) at(['steps', i, 'id'], `duplicate step id "${s.id}" (also step ${ids.get(s.id)! + 1})`);
    else ids.set(s.id, i);
  });
  const causeIds = new Set(defaultCauses().map((c) => c.id));
  const examples = resolveVariables(rb, { useExamples: true }).values;
  const checkCommand = (path: Array<string | number>, template: string, prefix: string) => {
    // Every variable, those in `[…]` parts too, so each optional flag is checked as well.
    const unchecked = placeholders(template).filter((p) => !Object.hasOwn(examples, p));
    const filled = fillCommand(prefix + template, examples);
    if (unchecked.length || !filled.tokens) {
      at(path, `variable${unchecked.length > 1 ? 's' : ''} ${unchecked.join(', ')} need a default or an example so the command can be checked`);
      return;
    }
    const sub = filled.tokens[0] ?? '';
    if (sub !== 'investigate' && !diagnostics.some((d) => d.name === sub)) {
      at(path, `unknown diagnostic "${sub}" (known: ${[...diagnostics.map((d) => d.name), 'investigate'].join(', ')})`);
      return;
    }
    try {
      parseCommand(commandText(filled.tokens), diagnostics);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      at(path, `\`${filled.text}\` is refused by /debug: ${oneLine(err)}`);
    }
  };

  rb.steps.forEach((s, i) => {
    refs(['steps', i, 'title'], s.title);
    refs(['steps', i, 'text'], s.text);
    if (s.kind === 'diagnostic') {
      refs(['steps', i, 'command'], s.command);
      if (placeholders(s.command).every((p) => declared.has(p))) checkCommand(['steps', i, 'command'], s.command, '');
    }
    if (s.kind === 'manual') {
      if (!s.text && s.commands.length === 0) at(['steps', i], 'a manual step needs text or commands');
      s.commands.forEach((c, j) => refs(['steps', i, 'commands', j], c));
    }
    if (s.kind === 'check') {
      refs(['steps', i, 'question'], s.question);
      const answerIds = new Set<string>();
      s.answers.forEach((a, j) => {
        if (answerIds.has(a.id)) at(['steps', i, 'answers', j, 'id'], `duplicate answer id "${a.id}"`);
        answerIds.add(a.id);
        refs(['steps', i, 'answers', j, 'label'], a.label);
        a.next.forEach((n, k) => {
          const target = ids.get(n);
          if (target === undefined) at(['steps', i, 'answers', j, 'next', k], `no step "${n}"`);
          else if (target <= i) at(['steps', i, 'answers', j, 'next', k], `step "${n}" must come after the check`);
        });
      });
    }
    if (s.when?.answer) {
      const target = ids.get(s.when.answer.step);
      const check = target === undefined ? undefined : rb.steps[target];
      if (!check || check.kind !== 'check') at(['steps', i, 'when', 'answer', 'step'], `no check step "${s.when.answer.step}"`);
      else if (target! >= i) at(['steps', i, 'when', 'answer', 'step'], `check "${check.id}" must come before this step`);
      else
        s.when.answer.is.forEach((a, k) => {
          if (!check.answers.some((x) => x.id === a)) at(['steps', i, 'when', 'answer', 'is', k], `check "${check.id}" has no answer "${a}" (answers: ${check.answers.map((x) => x.id).join(', ')})`);
        });
    }
    s.when?.topCause?.id?.forEach((c, k) => {
      if (!causeIds.has(c)) at(['steps', i, 'when', 'topCause', 'id', k], `no cause "${c}" in the causes catalogue (src/diagnosis/causes/)`);
    });
  });

  if (rb.investigate !== undefined) {
    refs(['investigate'], rb.investigate);
    if (placeholders(rb.investigate).every((p) => declared.has(p))) checkCommand(['investigate'], rb.investigate, 'investigate ');
  }
  const alertNames = new Set<string>();
  rb.prevent.alerts.forEach((a, i) => {
    if (alertNames.has(a.alert)) at(['prevent', 'alerts', i, 'alert'], `duplicate alert "${a.alert}"`);
    alertNames.add(a.alert);
    refs(['prevent', 'alerts', i, 'expr'], a.expr);
    refs(['prevent', 'alerts', i, 'why'], a.why);
  });
  rb.prevent.tests.forEach((t, i) => refs(['prevent', 'tests', i], t));
  rb.prevent.monitoring.forEach((t, i) => refs(['prevent', 'monitoring', i], t));
  return problems;
}

/** Validates runbook files given as [display path, YAML text]. Problems are `path: where: what`. */
export function validateRunbookSources(sources: ReadonlyArray<readonly [string, string]>, diagnostics: readonly Diagnostic[]): { runbooks: LoadedRunbook[]; problems: string[] } {
  const runbooks: LoadedRunbook[] = [];
  const problems: string[] = [];
  const names = new Map<string, string>();
  for (const [file, text] of sources) {
    let raw: unknown;
    try {
      raw = parse(text);
    } catch (err) {
      const line = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
      problems.push(`${file}: YAML syntax error${line}: ${oneLine(err).split(' at line ')[0]}`);
      continue;
    }
    const parsed = runbookSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...zodProblems(parsed.error, raw).map((p) => `${file}: ${p}`));
      continue;
    }
    const own = crossCheck(parsed.data, raw, file, diagnostics);
    if (names.has(parsed.data.name)) own.push(`field name: "${parsed.data.name}" is also the name in ${names.get(parsed.data.name)}`);
    problems.push(...own.map((p) => `${file}: ${p}`));
    if (own.length === 0) {
      names.set(parsed.data.name, file);
      runbooks.push({ ...parsed.data, file });
    }
  }
  return { runbooks, problems };
}

/** The `*.yaml` / `*.yml` files of `dir` by name, as [display path, text]; ConfigError when `dir` is not a directory. */
export function readRunbookSources(dir: string, displayDir: string = dir): Array<readonly [string, string]> {
  const path = resolveRunbooksDir(dir);
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new ConfigError(`RUNBOOKS_DIR: ${displayDir} is not a directory`);
  return readdirSync(path)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => [join(displayDir, f), readFileSync(join(path, f), 'utf8')] as const);
}

/**
 * Loads every `*.yaml` / `*.yml` in `dir` (RUNBOOKS_DIR), validated. Throws ConfigError listing
 * every problem (`runbooks/x.yaml: step 2 "logs", field command: …`). `displayDir` is how files
 * are named in messages (default: `dir` as given).
 */
export function loadRunbooks(dir: string, diagnostics: readonly Diagnostic[], displayDir: string = dir): LoadedRunbook[] {
  const { runbooks, problems } = validateRunbookSources(readRunbookSources(dir, displayDir), diagnostics);
  if (problems.length) throw new ConfigError(`invalid runbook${problems.length > 1 ? 's' : ''} — ${problems.join('; ')}`);
  return runbooks;
}
