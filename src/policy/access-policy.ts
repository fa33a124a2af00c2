// Who may run what from Slack (INFDBG_POLICY): a YAML file of rules, read top to bottom, and a
// default. The first rule whose channels, people (users or Slack user groups) and actions all
// match a request decides it — allow or deny — and a refusal names that rule; no rule matching
// leaves it to `default` (read-only unless the file says otherwise). The file is validated at
// start-up against the diagnostics and runbooks this bot has: a problem stops `infdbg serve` with
// one line naming the file, the line and the field. The decision itself is pure.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, oneLine } from '../core/errors.ts';
import { ACTION_KINDS, PAGERDUTY_ACTIONS, REINVESTIGATE_ACTION, type AccessAction } from './access-actions.ts';

const kebab = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case (a-z, 0-9, -)');
/** Ids only: a channel can be renamed, and a rule must not follow a name to another channel. */
const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'a Slack channel id (C0123ABCD; names change, ids do not)');
const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id (U0123ABCD)');
const userGroup = z.string().regex(/^(?:S[A-Z0-9]{2,}|@[a-z0-9][a-z0-9._-]{0,79})$/, 'a Slack user group id (S0123ABCD) or @handle');
/** An action name, `*` matching any characters, or a class: `read-only`, `changes`, `all`. */
const actionPattern = z
  .string()
  .regex(
    new RegExp(`^(?:all|read-only|changes|(?:${ACTION_KINDS.join('|')}):[a-z0-9*][a-z0-9*_/-]*)$`),
    `all, read-only, changes, or an action: ${ACTION_KINDS.map((k) => `${k}:…`).join(', ')} (* matches any characters)`,
  );

/** One rule. Absent `channels`: every channel; absent `users` and `groups`: everybody. */
export const accessRuleSchema = z
  .strictObject({
    /** Named in refusals and in the audit log. */
    name: kebab,
    channels: z.array(channelId).min(1).optional(),
    users: z.array(userId).min(1).optional(),
    groups: z.array(userGroup).min(1).optional(),
    allow: z.array(actionPattern).min(1).optional(),
    deny: z.array(actionPattern).min(1).optional(),
    /** Said with a refusal by this rule (e.g. where to ask instead). */
    reason: z.string().trim().min(1).max(300).optional(),
  })
  .refine((r) => Boolean(r.allow) !== Boolean(r.deny), 'a rule has either allow or deny (one of them)');
export type AccessRule = z.infer<typeof accessRuleSchema>;

export const DEFAULTS = ['read-only', 'all', 'none'] as const;

export const accessPolicySchema = z.strictObject({
  /** What no rule decides: `read-only` actions only (the default), `all`, or `none`. */
  default: z.enum(DEFAULTS).default('read-only'),
  rules: z.array(accessRuleSchema).default([]),
});

export interface AccessPolicy extends z.infer<typeof accessPolicySchema> {
  /** The file it came from; absent for the built-in default (INFDBG_POLICY not set). */
  file?: string;
}

/** No INFDBG_POLICY: everybody may run read-only actions in every channel the bot is in; nothing that changes things. */
export const DEFAULT_ACCESS_POLICY: AccessPolicy = { default: 'read-only', rules: [] };

/** What the bot has, for checking the names a policy uses. */
export interface KnownActions {
  diagnostics: readonly string[];
  runbooks: ReadonlyArray<{ name: string; steps: ReadonlyArray<{ id: string }> }>;
}

type Path = ReadonlyArray<string | number>;

function fieldName(path: Path): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '') || '(top level)';
}

/** Why `pattern` names nothing this bot has, or undefined. Patterns with `*` are not checked. */
function unknownName(pattern: string, known: KnownActions): string | undefined {
  if (pattern.includes('*') || !pattern.includes(':')) return undefined;
  const [kind, rest = ''] = pattern.split(/:(.*)/s) as [string, string];
  if (kind === 'diagnostic') return known.diagnostics.includes(rest) ? undefined : `no diagnostic "${rest}" (diagnostics: ${known.diagnostics.join(', ')})`;
  if (kind === 'pagerduty') return Object.values(PAGERDUTY_ACTIONS).some((a) => a.name === pattern) ? undefined : `no PagerDuty action "${rest}" (acknowledge, resolve)`;
  if (kind === 'incident') return pattern === REINVESTIGATE_ACTION.name ? undefined : `no incident action "${rest}" (reinvestigate)`;
  const [name, step, extra] = rest.split('/');
  const runbook = known.runbooks.find((r) => r.name === name);
  if (!runbook || extra !== undefined) return `no runbook "${name}" (runbooks: ${known.runbooks.map((r) => r.name).join(', ') || 'none loaded'})`;
  if (step !== undefined && !runbook.steps.some((s) => s.id === step)) return `runbook ${name} has no step "${step}" (steps: ${runbook.steps.map((s) => s.id).join(', ')})`;
  return undefined;
}

/** Parses and checks a policy file's text; ConfigError with every problem on one line (file, line, field). */
export function parseAccessPolicy(text: string, file: string, known: KnownActions): AccessPolicy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const fail = (problems: string[]): never => {
    throw new ConfigError(`invalid INFDBG_POLICY ${file} — ${problems.join('; ')}`);
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    fail([`line ${e.linePos?.[0].line ?? '?'}: YAML syntax error: ${oneLine(e.message).split(' at line ')[0]}`]);
  }
  const lineOf = (path: Path): number => {
    for (let p = [...path]; ; p = p.slice(0, -1)) {
      const node = doc.getIn(p, true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
      if (!p.length) return 1;
    }
  };
  const at = (path: Path, message: string) => `line ${lineOf(path)}, field ${fieldName(path)}: ${message}`;
  const raw: unknown = doc.toJS() ?? {};
  const parsed = accessPolicySchema.safeParse(raw);
  if (!parsed.success) {
    fail(
      parsed.error.issues.map((i) => {
        const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
        return i.code === 'unrecognized_keys' ? at([...path, i.keys[0]!], `unknown field (${i.keys.join(', ')})`) : at(path, i.message);
      }),
    );
  }
  const policy = parsed.data!;
  const problems: string[] = [];
  const names = new Map<string, number>();
  policy.rules.forEach((rule, i) => {
    if (names.has(rule.name)) problems.push(at(['rules', i, 'name'], `"${rule.name}" is also the name of rules[${names.get(rule.name)}]`));
    names.set(rule.name, i);
    const list = rule.allow ? 'allow' : 'deny';
    (rule.allow ?? rule.deny ?? []).forEach((pattern, j) => {
      const why = unknownName(pattern, known);
      if (why) problems.push(at(['rules', i, list, j], why));
    });
  });
  if (problems.length) fail(problems);
  return { ...policy, file };
}

/** Reads INFDBG_POLICY's file; ConfigError (one line) when it cannot be read or is not a valid policy. */
export function loadAccessPolicy(file: string, known: KnownActions): AccessPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`INFDBG_POLICY: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? oneLine(err)}`);
  }
  return parseAccessPolicy(text, file, known);
}

export interface AccessRequest {
  /** Slack user id. */
  user: string;
  /** Slack channel id. */
  channel: string;
  /** Every action must be allowed. */
  actions: readonly AccessAction[];
}

/** The user's user groups (ids and @handles), or why they could not be read. */
export type Membership = { groups: readonly string[] } | { unknown: string };

export type AccessDecision =
  | { allowed: true; /** The rules that allowed it (`default` for the default). */ rules: string[] }
  | {
      allowed: false;
      action: AccessAction;
      /** The deciding rule's name, or `default`. */
      rule: string;
      reason?: string;
      /** A deny rule by group refused because the groups could not be read (fails closed). */
      groupsUnknown?: string;
    };

function patternMatches(pattern: string, action: AccessAction): boolean {
  if (pattern === 'all') return true;
  if (pattern === 'read-only' || pattern === 'changes') return action.class === pattern;
  if (!pattern.includes('*')) return pattern === action.name;
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&')).join('.*')}$`, 's');
  return re.test(action.name);
}

function ruleCovers(rule: AccessRule, channel: string, action: AccessAction): boolean {
  return (!rule.channels || rule.channels.includes(channel)) && (rule.allow ?? rule.deny ?? []).some((p) => patternMatches(p, action));
}

/** Whether deciding `request` may depend on the user's groups (so they are worth reading from Slack first). */
export function needsGroups(policy: AccessPolicy, request: AccessRequest): boolean {
  return policy.rules.some((r) => r.groups && !r.users?.includes(request.user) && request.actions.some((a) => ruleCovers(r, request.channel, a)));
}

type ActionDecision = { allowed: true; rule: string } | Extract<AccessDecision, { allowed: false }>;

function decideAction(policy: AccessPolicy, request: AccessRequest, action: AccessAction, membership: Membership): ActionDecision {
  for (const rule of policy.rules) {
    if (!ruleCovers(rule, request.channel, action)) continue;
    if ((rule.users || rule.groups) && !rule.users?.includes(request.user)) {
      if (!rule.groups) continue;
      if ('unknown' in membership) {
        // Cannot tell whether this deny applies: refuse rather than let it through. An allow cannot be proven: go on.
        if (rule.deny) return { allowed: false, action, rule: rule.name, groupsUnknown: membership.unknown, ...(rule.reason ? { reason: rule.reason } : {}) };
        continue;
      }
      if (!rule.groups.some((g) => membership.groups.includes(g))) continue;
    }
    return rule.allow ? { allowed: true, rule: rule.name } : { allowed: false, action, rule: rule.name, ...(rule.reason ? { reason: rule.reason } : {}) };
  }
  const byDefault = policy.default === 'all' || (policy.default === 'read-only' && action.class === 'read-only');
  return byDefault ? { allowed: true, rule: 'default' } : { allowed: false, action, rule: 'default' };
}

/** The first rule matching each action decides it; the request is allowed when every action is. */
export function decideAccess(policy: AccessPolicy, request: AccessRequest, membership: Membership = { groups: [] }): AccessDecision {
  const rules: string[] = [];
  for (const action of request.actions) {
    const d = decideAction(policy, request, action, membership);
    if (!d.allowed) return d;
    if (!rules.includes(d.rule)) rules.push(d.rule);
  }
  return { allowed: true, rules };
}

/** The refusal for the person who asked, naming the rule (ephemeral; the caller adds what did not happen). */
export function refusalText(policy: AccessPolicy, refused: Extract<AccessDecision, { allowed: false }>): string {
  const action = `\`${refused.action.name}\``;
  const where = policy.file ? `the access policy (${policy.file})` : 'the default access policy (INFDBG_POLICY is not set)';
  if (refused.rule !== 'default') {
    const unknown = refused.groupsUnknown ? ` (it names user groups, and the bot could not read them: ${refused.groupsUnknown})` : '';
    return `:no_entry: ${action} is not allowed: rule \`${refused.rule}\` of ${where} denies it here${unknown}.${refused.reason ? ` ${refused.reason}` : ''}`;
  }
  if (policy.default === 'none') return `:no_entry: ${action} is not allowed: no rule of ${where} allows it to you in this channel, and its default allows nothing.`;
  return `:no_entry: ${action} is not allowed: ${refused.action.changes ?? 'it changes things'}, and ${where} lets only read-only actions through by default; no rule allows it to you in this channel.`;
}
