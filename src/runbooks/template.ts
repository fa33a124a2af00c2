// Filling a runbook's templates (`{{pod}}`) with values from an alert, the command line or the
// defaults. Values are data, never code: a value is checked against a conservative character set
// (no spaces, quotes, shell or Slack markup, no leading `-`) and inserted inside one token of the
// author's command, so it cannot add a flag or a word and goes through the same `/debug` parsers
// and limits as a person's command. A missing value is a note and a `<name>` placeholder, never a
// crash.
import type { AlertEvent, AlertSource, PagerDutyFacts } from '../alerts/alert-event.ts';
import { tokenize } from '../command/args.ts';
import { UsageError } from '../core/errors.ts';
import type { Runbook } from './runbook-schema.ts';

/** `{{name}}`; PromQL's `{job="x"}` and Prometheus templates' `{{ $labels.pod }}` are left alone. */
const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;

/** Longest value inserted, characters. */
export const MAX_VALUE_LENGTH = 512;
/** What a value may contain: Kubernetes names, node names, host:port, URLs without a query. */
const SAFE_VALUE = /^[A-Za-z0-9_/][A-Za-z0-9._:/@%+=,~-]*$/;
/** Label and annotation values read for matching and templating are cut to this many characters. */
export const MAX_FACT_LENGTH = 1024;

/** The variables a template refers to, in order of appearance. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Why a value cannot be inserted, or undefined when it can. */
export function refuseValue(value: string): string | undefined {
  if (value.length === 0) return 'empty';
  if (value.length > MAX_VALUE_LENGTH) return `longer than ${MAX_VALUE_LENGTH} characters`;
  if (!SAFE_VALUE.test(value)) return 'only letters, digits and . _ : / @ % + = , ~ - are allowed (not first: . : @ % + = , ~ -)';
  return undefined;
}

/** The facts of an alert that runbooks read: the group's labels, else its first firing member's. */
export interface AlertFacts {
  source?: AlertSource;
  title: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  pagerduty?: PagerDutyFacts;
  generatorUrl?: string;
  externalUrl?: string;
}

const cut = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v).slice(0, MAX_FACT_LENGTH)]));

export function alertFacts(event: AlertEvent): AlertFacts {
  const first = event.members.find((m) => m.status === 'firing') ?? event.members[0];
  return {
    source: event.source,
    title: event.title.slice(0, MAX_FACT_LENGTH),
    labels: cut({ ...first?.labels, ...event.labels }),
    annotations: cut({ ...first?.annotations, ...event.annotations }),
    ...(event.pagerduty ? { pagerduty: event.pagerduty } : {}),
    ...(first?.generatorUrl ? { generatorUrl: first.generatorUrl } : {}),
    ...(event.externalUrl ? { externalUrl: event.externalUrl } : {}),
  };
}

/** The value of `labels.pod`, `annotations.service_url`, `pagerduty.service`, `alert.title`… in the facts. */
export function factValue(facts: AlertFacts, source: string): string | undefined {
  const dot = source.indexOf('.');
  const [scope, key] = [source.slice(0, dot), source.slice(dot + 1)];
  let value: unknown;
  if (scope === 'labels') value = Object.hasOwn(facts.labels, key) ? facts.labels[key] : undefined;
  else if (scope === 'annotations') value = Object.hasOwn(facts.annotations, key) ? facts.annotations[key] : undefined;
  else if (scope === 'pagerduty') value = facts.pagerduty?.[key as keyof PagerDutyFacts];
  else if (scope === 'alert') value = key === 'title' ? facts.title : key === 'source' ? facts.source : key === 'generatorUrl' ? facts.generatorUrl : key === 'externalUrl' ? facts.externalUrl : undefined;
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s.slice(0, MAX_FACT_LENGTH);
}

export type VariableOrigin = 'given' | 'alert' | 'default' | 'example';

export interface ResolvedVariables {
  values: Record<string, string>;
  /** Where each value came from (`alert` with the field: `labels.pod`). */
  origins: Record<string, { origin: VariableOrigin; field?: string }>;
  /** Declared variables with no value. */
  missing: string[];
  /** Values refused (with the field and why) — said in the thread. */
  notes: string[];
}

export interface ResolveOptions {
  facts?: AlertFacts;
  /** `var=value` from a person (the command line or `/debug runbook`). */
  given?: Record<string, string>;
  /** Fall back to each variable's `example` (only to check commands at start-up). */
  useExamples?: boolean;
}

/** Values for every declared variable: given, else from the alert (`from`, in order), else the default (templated), else missing. */
export function resolveVariables(runbook: Pick<Runbook, 'variables'>, opts: ResolveOptions = {}): ResolvedVariables {
  const out: ResolvedVariables = { values: {}, origins: {}, missing: [], notes: [] };
  const visiting = new Set<string>();
  const accept = (name: string, value: string, origin: VariableOrigin, field?: string): boolean => {
    const spec = runbook.variables[name]!;
    const reason = refuseValue(value) ?? (spec.pattern && !new RegExp(spec.pattern).test(value) ? `does not match the variable's pattern ${spec.pattern}` : undefined);
    if (reason) {
      out.notes.push(`${name}: the value from ${field ?? origin} was refused (${reason})`);
      return false;
    }
    out.values[name] = value;
    out.origins[name] = field ? { origin, field } : { origin };
    return true;
  };
  const resolve = (name: string): string | undefined => {
    if (Object.hasOwn(out.values, name)) return out.values[name];
    if (out.missing.includes(name) || visiting.has(name)) return undefined;
    const spec = runbook.variables[name];
    if (!spec) return undefined;
    visiting.add(name);
    try {
      const given = opts.given && Object.hasOwn(opts.given, name) ? opts.given[name] : undefined;
      if (given !== undefined && accept(name, given, 'given')) return given;
      if (opts.facts) {
        for (const field of spec.from) {
          const v = factValue(opts.facts, field);
          if (v !== undefined && accept(name, v, 'alert', field)) return v;
        }
      }
      if (spec.default !== undefined) {
        const refs = placeholders(spec.default);
        const refValues = Object.fromEntries(refs.map((r) => [r, resolve(r)]));
        if (refs.every((r) => refValues[r] !== undefined)) {
          const v = spec.default.replace(PLACEHOLDER, (_, r: string) => refValues[r]!);
          if (accept(name, v, 'default')) return v;
        }
      }
      if (opts.useExamples && spec.example !== undefined && accept(name, spec.example, 'example')) return spec.example;
      out.missing.push(name);
      return undefined;
    } finally {
      visiting.delete(name);
    }
  };
  for (const name of Object.keys(runbook.variables)) resolve(name);
  return out;
}

/** Text for a person: each `{{name}}` filled, a missing one shown as `<name>`. */
export function fillText(template: string, values: Record<string, string>): { text: string; missing: string[] } {
  const missing = placeholders(template).filter((p) => !Object.hasOwn(values, p));
  return { text: template.replace(PLACEHOLDER, (_, p: string) => (Object.hasOwn(values, p) ? values[p]! : `<${p}>`)), missing };
}

/**
 * A `/debug` command from a template: `[…]` parts dropped unless every variable in them has a
 * value, the author's text split into tokens, then each value inserted inside its token.
 * `tokens` is null while a variable outside `[…]` is missing.
 */
export function fillCommand(template: string, values: Record<string, string>): { tokens: string[] | null; text: string; missing: string[] } {
  const has = (p: string) => Object.hasOwn(values, p);
  const chosen = template.replace(/\[([^\]]*)\]/g, (_, group: string) => (placeholders(group).every(has) ? group : ''));
  const missing = placeholders(chosen).filter((p) => !has(p));
  const filled = tokenize(chosen).map((t) => t.replace(PLACEHOLDER, (_, p: string) => (has(p) ? values[p]! : `<${p}>`)));
  return { tokens: missing.length ? null : filled, text: commandText(filled), missing };
}

/** Tokens back into `/debug` text that tokenizes to the same tokens. */
export function commandText(tokens: readonly string[]): string {
  return tokens.map((t) => (t === '' || /\s/.test(t) ? (t.includes('"') ? `'${t}'` : `"${t}"`) : t)).join(' ');
}

/** `var=value` tokens from a person, checked: an undeclared variable or a refused value is a UsageError. */
export function givenVariables(runbook: Pick<Runbook, 'name' | 'variables'>, tokens: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const declared = Object.keys(runbook.variables);
  for (const t of tokens) {
    const eq = t.indexOf('=');
    const [name, value] = eq > 0 ? [t.slice(0, eq), t.slice(eq + 1)] : [t, undefined];
    if (value === undefined) throw new UsageError(`"${t.slice(0, 80)}" is not var=value`);
    if (!Object.hasOwn(runbook.variables, name)) throw new UsageError(`${runbook.name} has no variable "${name.slice(0, 80)}" (variables: ${declared.join(', ') || 'none'})`);
    const why = refuseValue(value);
    if (why) throw new UsageError(`${name}: value refused (${why})`);
    const pattern = runbook.variables[name]!.pattern;
    if (pattern && !new RegExp(pattern).test(value)) throw new UsageError(`${name}: "${value}" does not match ${pattern}`);
    out[name] = value;
  }
  return out;
}
