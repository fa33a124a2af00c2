// Alert triage: which runbook an alert matches (runbooks/*.yaml `match`), where its incident
// thread goes, how severe it is, and the `/debug investigate` tokens to run, templated from the
// alert's labels, annotations and PagerDuty fields. An alert no rule matches still gets a plan,
// from the category words of its name and annotations, and a hint naming the rule that would
// catch it. Pure: the event, the runbooks and the diagnostics in, a TriageDecision out; problems
// (a label missing, a value refused, arguments /debug refuses) are notes, never thrown.
import type { AlertEvent } from '../alerts/alert-event.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { UsageError, oneLine } from '../core/errors.ts';
import type { Category } from '../diagnosis/causes.ts';
import { prepareRunbook } from '../runbooks/prepare-runbook.ts';
import type { LoadedRunbook, MatchRule } from '../runbooks/runbook-schema.ts';
import { alertFacts, refuseValue, type AlertFacts } from '../runbooks/template.ts';
import { classifyTarget, defaultPlans, planInvestigation, readSymptoms } from './investigation.ts';
import type { IncidentSeverity, TriageDecision } from './triage-decision.ts';

export interface TriageDefaults {
  /** INCIDENT_CHANNEL: where a thread goes when no runbook routes it. */
  incidentChannel?: string;
  /** RUNBOOKS_DIR as people see it, for the hint (default `runbooks`). */
  runbooksDir?: string;
}

/** Symptom words investigate understands, one per category, for a runbook whose arguments name none. */
function categoryWord(category: Category): string {
  return (defaultPlans().symptoms[category]?.[0] ?? category).replace(/\*$/, '');
}

/** `KubeContainerOOMKilled` → kube container oom killed; annotations' summary and description too. */
export function alertWords(facts: AlertFacts): string[] {
  const texts = [facts.labels.alertname, facts.title, facts.pagerduty?.title, facts.annotations.summary, facts.annotations.description, facts.annotations.message];
  const words = texts
    .filter((t): t is string => Boolean(t))
    .flatMap((t) =>
      t
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
        .toLowerCase()
        .split(/[^a-z0-9]+/),
    )
    .filter(Boolean);
  return [...new Set(words)];
}

/** An alert's own text (alertname, service, title) as the thread may show it: no Slack markup, no mentions, at most 80 characters. */
export function shown(value: string): string {
  return value.replace(/[^A-Za-z0-9._:/@%+=,~ -]/g, '?').slice(0, 80);
}

const wordMatches = (pattern: string, word: string) => (pattern.endsWith('*') ? word.startsWith(pattern.slice(0, -1)) : word === pattern);
/** Compiled once per pattern: a storm of alerts is matched against the same few rules. */
const compiled = new Map<string, RegExp>();
const test = (pattern: string, value: string) => {
  let re = compiled.get(pattern);
  if (!re) compiled.set(pattern, (re = new RegExp(pattern, 'i')));
  return re.test(value);
};

/** How well one rule matches: null when a condition fails; else a specificity score and what matched. */
function ruleScore(rule: MatchRule, facts: AlertFacts, words: readonly string[]): { score: number; reasons: string[] } | null {
  let score = 0;
  const reasons: string[] = [];
  const alertname = facts.labels.alertname;
  if (rule.alertname) {
    if (alertname === undefined || !rule.alertname.includes(alertname)) return null;
    score += 8;
    reasons.push(`alertname ${shown(alertname)}`);
  }
  if (rule.alertnameRegex) {
    if (alertname === undefined || !test(rule.alertnameRegex, alertname)) return null;
    score += 4;
    reasons.push(`alertname ${shown(alertname)} ~ /${rule.alertnameRegex}/`);
  }
  for (const [k, v] of Object.entries(rule.labels ?? {})) {
    if (facts.labels[k] !== v) return null;
    score += 2;
    reasons.push(`${k}=${v}`);
  }
  for (const [k, re] of Object.entries(rule.labelsRegex ?? {})) {
    const v = facts.labels[k];
    if (v === undefined || !test(re, v)) return null;
    score += 2;
    reasons.push(`${k}=~/${re}/`);
  }
  if (rule.pagerduty) {
    const pd = facts.pagerduty;
    if (!pd) return null;
    const p = rule.pagerduty;
    if (p.service) {
      if (!pd.service || !p.service.some((s) => s.toLowerCase() === pd.service!.toLowerCase())) return null;
      score += 4;
      reasons.push(`PagerDuty service ${shown(pd.service)}`);
    }
    if (p.serviceRegex) {
      if (!pd.service || !test(p.serviceRegex, pd.service)) return null;
      score += 3;
      reasons.push(`PagerDuty service ${shown(pd.service)} ~ /${p.serviceRegex}/`);
    }
    if (p.urgency) {
      if (pd.urgency !== p.urgency) return null;
      score += 1;
      reasons.push(`urgency ${p.urgency}`);
    }
    if (p.priority) {
      if (!pd.priority || !p.priority.some((x) => x.toLowerCase() === pd.priority!.toLowerCase())) return null;
      score += 1;
      reasons.push(`priority ${shown(pd.priority)}`);
    }
    if (p.titleRegex) {
      if (!test(p.titleRegex, pd.title)) return null;
      score += 4;
      reasons.push(`PagerDuty title ~ /${p.titleRegex}/`);
    }
  }
  if (rule.symptoms) {
    const hits = words.filter((w) => rule.symptoms!.some((p) => wordMatches(p, w)));
    if (hits.length === 0) return null;
    score += Math.min(hits.length, 3);
    reasons.push(`words ${hits.slice(0, 3).join(', ')}`);
  }
  return { score, reasons };
}

export interface RunbookMatch {
  runbook: LoadedRunbook;
  score: number;
  /** What matched, for the thread: `alertname KubePodCrashLooping, namespace=ml`. */
  matchedBy: string;
}

/** The best-matching runbook: the highest-scoring rule (exact alertname 8, PagerDuty service or title 4, regex 4, each label 2…); ties go to the first file by name. */
export function matchRunbook(facts: AlertFacts, runbooks: readonly LoadedRunbook[]): RunbookMatch | null {
  const words = alertWords(facts);
  let best: RunbookMatch | null = null;
  for (const runbook of runbooks) {
    for (const rule of runbook.match) {
      const hit = ruleScore(rule, facts, words);
      if (hit && (!best || hit.score > best.score)) best = { runbook, score: hit.score, matchedBy: hit.reasons.join(', ') };
    }
  }
  return best;
}

const SEVERITY_LABELS: Record<string, IncidentSeverity> = {
  critical: 'critical', page: 'critical', p1: 'critical', fatal: 'critical',
  high: 'high', error: 'high', major: 'high', p2: 'high',
  warning: 'warning', warn: 'warning', minor: 'warning', p3: 'warning',
  info: 'info', none: 'info', low: 'info', p4: 'info', p5: 'info',
};

function alertSeverity(facts: AlertFacts): IncidentSeverity | undefined {
  const label = facts.labels.severity?.toLowerCase();
  if (label && SEVERITY_LABELS[label]) return SEVERITY_LABELS[label];
  const priority = facts.pagerduty?.priority?.toLowerCase();
  if (priority && SEVERITY_LABELS[priority]) return SEVERITY_LABELS[priority];
  if (facts.pagerduty?.urgency) return facts.pagerduty.urgency === 'high' ? 'high' : 'warning';
  return undefined;
}

function pickChannel(runbook: LoadedRunbook | undefined, facts: AlertFacts, defaults: TriageDefaults): string | undefined {
  const c = runbook?.channel;
  const service = facts.pagerduty?.service ?? facts.labels.service;
  const own = (r: Record<string, string> | undefined, key: string | undefined) => (r && key !== undefined && Object.hasOwn(r, key) ? r[key] : undefined);
  const byLabel = Object.entries(c?.byLabel ?? {})
    .map(([label, values]) => own(values, facts.labels[label]))
    .find(Boolean);
  return own(c?.byService, service) ?? own(c?.byTeam, facts.labels.team) ?? byLabel ?? c?.default ?? defaults.incidentChannel;
}

const firstFact = (r: Record<string, string>, keys: readonly string[]) => keys.map((k) => (Object.hasOwn(r, k) ? r[k] : undefined)).find((v) => v !== undefined && v !== '');

/**
 * `investigate` tokens from the alert's usual labels when no runbook template gives them: the
 * service URL (annotation or label service_url/url/endpoint), the pod (namespace + pod), the
 * deployment, the node; the first is the target, the others flags; then the symptom words.
 */
export function genericInvestigation(facts: AlertFacts, words: readonly string[], notes: string[]): string[] {
  const take = (what: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const why = refuseValue(v);
    if (why) notes.push(`${what}: the value from the alert was refused (${why})`);
    return why ? undefined : v;
  };
  const l = facts.labels;
  const rawUrl = firstFact(facts.annotations, ['service_url', 'url', 'endpoint']) ?? firstFact(l, ['service_url', 'url', 'endpoint']);
  const url = take('url', rawUrl && /^https?:\/\//i.test(rawUrl) ? rawUrl : undefined);
  const ns = take('namespace', firstFact(l, ['namespace', 'exported_namespace']));
  const pod = ns ? take('pod', firstFact(l, ['pod', 'exported_pod', 'pod_name'])) : undefined;
  const deployment = ns ? take('deployment', firstFact(l, ['deployment'])) : undefined;
  const node = take('node', firstFact(l, ['node', 'kubernetes_node', 'nodename', 'Hostname']));
  const podTarget = pod ? `${ns}/${pod}` : undefined;
  const workload = deployment ? `${ns}/deployment/${deployment}` : undefined;
  const target = url ?? podTarget ?? workload ?? node;
  if (!target) return [];
  const tokens = [target, ...words];
  if (target !== url && url) tokens.push('--url', url);
  if (podTarget && target !== podTarget) tokens.push('--pod', podTarget);
  if (node && target !== node) {
    try {
      classifyTarget(node);
      tokens.push('--node', node);
    } catch {
      notes.push(`node: "${node}" is not a node name`);
    }
  }
  return tokens;
}

/** Tokens that /debug investigate accepts, or the reason it refuses them. */
function checkInvestigation(tokens: string[], diagnostics: readonly Diagnostic[]): string | undefined {
  try {
    planInvestigation(tokens, diagnostics);
    return undefined;
  } catch (err) {
    // Triage never throws on an alert's content: whatever the parser refuses is said in the thread.
    return err instanceof UsageError ? oneLine(err) : `could not plan it (${oneLine(err)})`;
  }
}

function hintFor(facts: AlertFacts, categories: readonly Category[], runbooks: readonly LoadedRunbook[], dir: string): string {
  const alertname = facts.labels.alertname === undefined ? undefined : shown(facts.labels.alertname);
  const service = facts.pagerduty?.service === undefined ? undefined : shown(facts.pagerduty.service);
  const what = alertname ? `alertname "${alertname}"` : service ? `PagerDuty service "${service}"` : `"${shown(facts.title)}"`;
  const rule = alertname
    ? `match: [{alertname: [${alertname}]}]`
    : service
      ? `match: [{pagerduty: {service: ["${service}"]}}]`
      : `match: [{pagerduty: {titleRegex: "…"}}]`;
  const candidate = categories.map((c) => runbooks.find((r) => r.category === c)).find(Boolean);
  if (candidate) return `No runbook matched ${what}; it reads as ${categories.join(', ')}: add ${rule} to ${candidate.file} to catch it.`;
  return `No runbook matched ${what}${categories.length ? ` (${categories.join(', ')})` : ' and its name and annotations name no kind of problem'}: add a file to ${dir}/ with ${rule}.`;
}

/** Triage one alert. See the file header; never throws on the alert's content. */
export function triageAlert(event: AlertEvent, runbooks: readonly LoadedRunbook[], diagnostics: readonly Diagnostic[], defaults: TriageDefaults = {}): TriageDecision {
  const facts = alertFacts(event);
  const notes: string[] = [];
  const match = matchRunbook(facts, runbooks);
  const runbook = match?.runbook;
  const words = alertWords(facts);
  const read = readSymptoms(words);
  const categories: Category[] = runbook ? [runbook.category] : read.categories;

  let investigate: string[] = [];
  let variables: Record<string, string> | undefined;
  if (runbook) {
    const prepared = prepareRunbook(runbook, { facts });
    variables = prepared.variables.values;
    notes.push(...prepared.variables.notes);
    if (prepared.investigate?.tokens) {
      const refused = checkInvestigation(prepared.investigate.tokens, diagnostics);
      if (refused) notes.push(`${runbook.file} investigate \`${prepared.investigate.command}\` was refused: ${refused}`);
      else investigate = prepared.investigate.tokens;
    } else if (prepared.investigate) {
      notes.push(`${runbook.file} investigate needs ${prepared.investigate.missing.join(', ')}, which the alert does not give`);
    }
  }
  if (investigate.length === 0) {
    const symptomWords = runbook
      ? [categoryWord(runbook.category)]
      : [...new Set(read.observations.filter((o) => o.name === 'symptom.reported').map((o) => String(o.value)))].slice(0, 6);
    const tokens = genericInvestigation(facts, symptomWords, notes);
    const refused = tokens.length ? checkInvestigation(tokens, diagnostics) : 'the alert names no service URL, pod or node (labels namespace + pod, node; annotation service_url)';
    if (refused) notes.push(`nothing to investigate: ${refused}`);
    else investigate = tokens;
  }

  const channel = pickChannel(runbook, facts, defaults);
  if (!channel) notes.push('no channel for the incident: set INCIDENT_CHANNEL or the runbook\'s channel.default');
  return {
    runbook: runbook?.name ?? null,
    ...(runbook ? { runbookFile: runbook.file, matchedBy: match!.matchedBy } : { hint: hintFor(facts, categories, runbooks, defaults.runbooksDir ?? 'runbooks') }),
    channel: channel ?? '',
    severity: runbook?.severity ?? alertSeverity(facts) ?? 'warning',
    categories,
    investigate,
    ...(variables ? { variables } : {}),
    notes,
  };
}
