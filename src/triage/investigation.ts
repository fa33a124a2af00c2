// `investigate <target> [symptom words…]`: the target and the words pick the kind of problem
// (category) and the plan — which diagnostics run, with which arguments, and why — from
// plans.yaml. Pure: text in, a validated plan (or a UsageError) out. The plan runs as one flow
// and its report ranks causes once over every diagnostic's observations.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseTokens, tokenize } from '../command/args.ts';
import { investigateCommand } from '../command/builtin-commands.ts';
import { parserOptions } from '../command/command-spec.ts';
import { CATEGORIES, type Category } from '../diagnosis/causes.ts';
import type { Observation } from '../diagnosis/observation.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { InputError, UsageError } from '../core/errors.ts';
import type { InvestigationNote } from '../report/model.ts';
import { parsePayload } from '../core/run-diagnostic.ts';

export const INVESTIGATE_USAGE =
  'investigate <url | ns/pod | ns/deployment/name | node | model.onnx> [symptom words…] [--url U] [--pod ns/pod] [--node N] [--model M] [--reference R --current C]';

const NEEDS = ['url', 'workload', 'pod', 'node', 'model', 'datasets'] as const;
type Need = (typeof NEEDS)[number];

const plansSchema = z.strictObject({
  symptoms: z.record(z.enum(CATEGORIES), z.array(z.string().min(1).regex(/^[a-z0-9-]+\*?$/, 'symptom words are lower case'))),
  steps: z
    .array(
      z.strictObject({
        diagnostic: z.string().min(1),
        needs: z.enum(NEEDS),
        args: z.string().min(1),
        for: z.union([z.literal('any'), z.array(z.enum(CATEGORIES)).min(1)]),
        why: z.string().min(1),
      }),
    )
    .min(1),
});
type Plans = z.infer<typeof plansSchema>;

const PLANS_PATH = new URL('./plans.yaml', import.meta.url);
let shipped: Plans | undefined;

/** Validates parsed plans.yaml; InputError naming the file and field otherwise. */
export function buildPlans(data: unknown, source: string): Plans {
  const parsed = plansSchema.safeParse(data);
  if (!parsed.success) throw new InputError(`${source}: invalid investigation plans — ${z.prettifyError(parsed.error).replace(/\s*\n\s*/g, '; ')}`);
  return parsed.data;
}

export function defaultPlans(): Plans {
  shipped ??= buildPlans(parse(readFileSync(PLANS_PATH, 'utf8')), 'src/triage/plans.yaml');
  return shipped;
}

/** What an investigation was given: at most one of each kind of target. */
export type InvestigationTargets = Partial<Record<'url' | 'workload' | 'pod' | 'node' | 'model' | 'reference' | 'current', string>>;

export interface PlannedStep {
  diagnostic: Diagnostic;
  /** Validated by the diagnostic's schema. */
  payload: unknown;
  /** The diagnostic's command line, e.g. `health http://svc:8080`. */
  command: string;
  why: string;
}

export interface Investigation {
  /** The kinds of problem the symptom words name; empty: no symptom given, every applicable step runs. */
  categories: Category[];
  /** Symptom words recognised, and the ones that name nothing known (said in the report). */
  symptoms: string[];
  unrecognised: string[];
  targets: InvestigationTargets;
  steps: PlannedStep[];
  /** Steps the categories call for that could not run, with what they need. */
  notRun: Array<{ diagnostic: string; why: string }>;
  /** What the person said, as observations: the symptoms and the targets. */
  observations: Observation[];
}

const NODE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Classifies the positional target: a URL, a model, a workload (`ns/pod`, `ns/deployment/name`) or a node. */
export function classifyTarget(target: string): InvestigationTargets {
  if (/^https?:\/\//i.test(target)) {
    if (!URL.canParse(target)) throw new UsageError(`"${target.slice(0, 200)}" is not a valid URL`, INVESTIGATE_USAGE);
    return /\.onnx$/i.test(new URL(target).pathname) ? { model: target } : { url: target };
  }
  if (/\.onnx$/i.test(target)) return { model: target };
  const parts = target.split('/');
  if (parts.length === 3 && /^(deployment|deploy|deployments)$/.test(parts[1]!) && K8S_NAME.test(parts[0]!) && K8S_NAME.test(parts[2]!)) {
    return { workload: `${parts[0]}/deployment/${parts[2]}` };
  }
  if (parts.length === 2 && K8S_NAME.test(parts[0]!) && K8S_NAME.test(parts[1]!)) return { workload: target, pod: target };
  if (parts.length === 1 && NODE_NAME.test(target)) return { node: target };
  throw new UsageError(`cannot tell what "${target.slice(0, 200)}" is: give a URL, <namespace>/<pod>, <namespace>/deployment/<name>, a node name or a .onnx model`, INVESTIGATE_USAGE);
}

function symptomCategories(words: string[], plans: Plans): { categories: Category[]; symptoms: string[]; unrecognised: string[] } {
  const categories = new Set<Category>();
  const symptoms: string[] = [];
  const unrecognised: string[] = [];
  for (const raw of words) {
    const word = raw.toLowerCase().replace(/[.,;:!?]+$/, '');
    let hit = false;
    for (const [category, list] of Object.entries(plans.symptoms) as Array<[Category, string[]]>) {
      if (list.some((w) => (w.endsWith('*') ? word.startsWith(w.slice(0, -1)) : word === w))) {
        categories.add(category);
        hit = true;
      }
    }
    (hit ? symptoms : unrecognised).push(word);
  }
  return { categories: CATEGORIES.filter((c) => categories.has(c)), symptoms, unrecognised };
}

/** The step's command line: placeholders filled; a `[…]` group kept only when every placeholder in it was given. */
export function fill(template: string, targets: InvestigationTargets): string[] {
  const given = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].every((m) => targets[m[1] as keyof InvestigationTargets]);
  const chosen = template.replace(/\[([^\]]*)\]/g, (_, group: string) => (given(group) ? group : ''));
  return tokenize(chosen).map((t) => t.replace(/\{(\w+)\}/g, (_, k: keyof InvestigationTargets) => targets[k] ?? ''));
}

function has(need: Need, t: InvestigationTargets): boolean {
  return need === 'datasets' ? Boolean(t.reference && t.current) : Boolean(t[need]);
}

const NEED_HINT: Record<Need, string> = {
  url: 'give the service URL (--url)',
  workload: 'give <namespace>/<pod> or <namespace>/deployment/<name>',
  pod: 'give a pod (--pod <namespace>/<pod>)',
  node: 'give the GPU node (--node <name>)',
  model: 'give the model (--model <file.onnx|url>)',
  datasets: 'give --reference and --current datasets',
};

/** Parses `investigate …` tokens (after the subcommand) into a plan over the registered diagnostics. */
export function planInvestigation(tokens: string[], diagnostics: readonly Diagnostic[], plans: Plans = defaultPlans()): Investigation {
  const { values, positionals } = parseTokens(
    tokens,
    parserOptions(investigateCommand.flags),
    INVESTIGATE_USAGE,
  );
  const [target, ...words] = positionals;
  if (!target) throw new UsageError('investigate needs a target', INVESTIGATE_USAGE);
  const targets: InvestigationTargets = { ...classifyTarget(target) };
  for (const key of ['url', 'pod', 'node', 'model', 'reference', 'current'] as const) {
    const v = values[key];
    if (typeof v !== 'string') continue;
    if (key === 'pod') Object.assign(targets, { pod: v, workload: targets.workload ?? v });
    else targets[key] = v;
  }
  if (Boolean(targets.reference) !== Boolean(targets.current)) throw new UsageError('--reference and --current go together', INVESTIGATE_USAGE);
  const { categories, symptoms, unrecognised } = symptomCategories(words, plans);

  const steps: PlannedStep[] = [];
  const notRun: Investigation['notRun'] = [];
  for (const step of plans.steps) {
    const wanted = step.for === 'any' || categories.length === 0 || step.for.some((c) => categories.includes(c));
    if (!wanted || steps.some((s) => s.diagnostic.name === step.diagnostic)) continue;
    const diagnostic = diagnostics.find((d) => d.name === step.diagnostic);
    if (!diagnostic) continue;
    if (!has(step.needs, targets)) {
      notRun.push({ diagnostic: step.diagnostic, why: `${step.why} — ${NEED_HINT[step.needs]}` });
      continue;
    }
    const args = fill(step.args, targets);
    let payload: unknown;
    try {
      payload = parsePayload(diagnostic, diagnostic.parseArgs(args.slice(1)));
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError(`${diagnostic.name} in the investigation: ${err.message}`, INVESTIGATE_USAGE);
      throw err;
    }
    steps.push({ diagnostic, payload, command: args.join(' '), why: step.why });
  }
  if (steps.length === 0) {
    throw new UsageError(`nothing to run for ${target}${categories.length ? ` (${categories.join(', ')})` : ''}: ${notRun.map((n) => `${n.diagnostic}: ${n.why.split(' — ').pop()}`).join('; ') || 'no diagnostic applies'}`, INVESTIGATE_USAGE);
  }

  return { categories, symptoms, unrecognised, targets, steps, notRun, observations: symptomObservations(symptoms, categories) };
}

/** What the person said, as observations the causes can weigh: each recognised word and the categories they name. */
export function symptomObservations(symptoms: readonly string[], categories: readonly Category[]): Observation[] {
  return [
    ...symptoms.map((w) => ({ name: 'symptom.reported', value: w, unit: 'label', source: 'investigate', text: `reported: "${w}"` })),
    ...categories.map((c) => ({ name: 'symptom.category', value: c, unit: 'label', source: 'investigate', text: `the symptoms name a ${c} problem` })),
  ];
}

/** The symptom words of a text (an alert title, `investigate …` words) with the categories they name and their observations. */
export function readSymptoms(words: readonly string[], plans: Plans = defaultPlans()): { categories: Category[]; observations: Observation[] } {
  const { categories, symptoms } = symptomCategories([...words], plans);
  return { categories, observations: symptomObservations(symptoms, categories) };
}

/** The plan as the report states it (plain data: it travels in the report job). */
export function investigationNote(inv: Investigation): InvestigationNote {
  return {
    categories: inv.categories,
    symptoms: inv.symptoms,
    unrecognised: inv.unrecognised,
    steps: inv.steps.map((s) => ({ diagnostic: s.diagnostic.name, command: s.command, why: s.why })),
    notRun: inv.notRun,
  };
}
