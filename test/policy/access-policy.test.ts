// The access policy file and its decision: the shipped example loads against the real registry
// and runbooks; each kind of mistake is one line naming the file, the line and the field; the
// first matching rule decides and a refusal names it; a deny by group fails closed when the groups
// cannot be read; which runbook steps change things; the user-group read an ack may wait for.
import { describe, expect, it } from 'vitest';
import { diagnostics } from '../../jobs/registry.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { changingCommand, checklistStepActions, diagnosticAction, PAGERDUTY_ACTIONS } from '../../src/policy/access-actions.ts';
import { DEFAULT_ACCESS_POLICY, decideAccess, loadAccessPolicy, parseAccessPolicy, refusalText, type AccessPolicy } from '../../src/policy/access-policy.ts';
import { loadRunbooks } from '../../src/runbooks/load-runbooks.ts';
import { prepareRunbook } from '../../src/runbooks/prepare-runbook.ts';
import { UserGroupDirectory } from '../../src/slack/user-groups.ts';

const runbooks = loadRunbooks('runbooks', diagnostics);
const known = { diagnostics: diagnostics.map((d) => d.name), runbooks };
const FILE = 'policy.yaml';

/** The ConfigError message `text` gives, or a failure if it parses. */
function problem(text: string): string {
  try {
    parseAccessPolicy(text, FILE, known);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the policy was accepted');
}

const policy = (yaml: string): AccessPolicy => parseAccessPolicy(yaml, FILE, known);
const GUEST = 'U0GUEST';
const ONCALL = 'U0ONCALL';

describe('policy file', () => {
  it('the example policy loads against the shipped diagnostics and runbooks', () => {
    const p = loadAccessPolicy('examples/access-policy.yaml', known);
    expect(p.default).toBe('read-only');
    expect(p.rules.map((r) => r.name)).toContain('oncall-may-change');
    expect(p.file).toBe('examples/access-policy.yaml');
  });

  it('names the file, the line and the field of every kind of mistake, on one line', () => {
    const cases: Array<[string, RegExp]> = [
      ['rules:\n  - name: a\n    allow: [diagnostic:helth]\n', /^invalid INFDBG_POLICY policy\.yaml — line 3, field rules\[0\]\.allow\[0\]: no diagnostic "helth" \(diagnostics: .*health.*\)$/],
      ['rules:\n  - name: a\n    chanels: [C0X1]\n    allow: [all]\n', /line 3, field rules\[0\]\.chanels: unknown field \(chanels\)/],
      ['rules:\n  - name: a\n    channels: ["#incidents"]\n    allow: [all]\n', /line 3, field rules\[0\]\.channels\[0\]: a Slack channel id \(C0123ABCD; names change, ids do not\)/],
      ['rules:\n  - name: a\n    groups: [ml-oncall]\n    allow: [all]\n', /line 3, field rules\[0\]\.groups\[0\]: a Slack user group id \(S0123ABCD\) or @handle/],
      ['rules:\n  - name: a\n    allow: [all]\n    deny: [changes]\n', /line 2, field rules\[0\]: a rule has either allow or deny/],
      ['default: everything\n', /line 1, field default: Invalid option: expected one of "read-only"\|"all"\|"none"/],
      ['rules:\n  - name: a\n    allow: [runbook:high-latency/restart-everything]\n', /line 3, field rules\[0\]\.allow\[0\]: runbook high-latency has no step "restart-everything" \(steps: recent-changes, /],
      ['rules:\n  - name: a\n    allow: [pagerduty:snooze]\n', /no PagerDuty action "snooze"/],
      ['rules:\n  - name: a\n    allow: [kubectl:delete]\n', /line 3, field rules\[0\]\.allow\[0\]: all, read-only, changes, or an action: diagnostic:…/],
      ['rules:\n  - name: same\n    allow: [all]\n  - name: same\n    deny: [all]\n', /line 4, field rules\[1\]\.name: "same" is also the name of rules\[0\]/],
      ['rules:\n  - name: a\n    allow: [all\n', /^invalid INFDBG_POLICY policy\.yaml — line \d+: YAML syntax error/],
    ];
    for (const [text, expected] of cases) {
      const message = problem(text);
      expect(message, text).toMatch(expected);
      expect(message.split('\n'), text).toHaveLength(1);
    }
  });

  it('a file that cannot be read is one line naming it', () => {
    expect(() => loadAccessPolicy('/no/such/policy.yaml', known)).toThrow(/^INFDBG_POLICY: cannot read \/no\/such\/policy\.yaml: ENOENT$/);
  });
});

describe('decision', () => {
  const p = policy(`
default: read-only
rules:
  - name: quiet-in-general
    channels: [C0GENERAL]
    deny: [all]
    reason: 'Ask in #ml-incidents instead.'
  - name: oncall-may-change
    groups: ['@ml-oncall']
    allow: [changes]
  - name: profile-for-oncall
    users: [U0LEAD]
    groups: [S0MLONCALL]
    allow: ['diagnostic:profile']
  - name: no-profile-elsewhere
    deny: ['diagnostic:prof*']
`);
  const oncall = { groups: ['S0MLONCALL', '@ml-oncall'] };
  const none = { groups: [] };
  const ask = (user: string, channel: string, actions: Parameters<typeof decideAccess>[1]['actions'], membership: Parameters<typeof decideAccess>[2] = none) => decideAccess(p, { user, channel, actions }, membership);

  it('the first rule that matches decides, and says which it was', () => {
    expect(ask(ONCALL, 'C0INCIDENT', [diagnosticAction('profile')], oncall)).toEqual({ allowed: true, rules: ['profile-for-oncall'] });
    expect(ask('U0LEAD', 'C0INCIDENT', [diagnosticAction('profile')])).toEqual({ allowed: true, rules: ['profile-for-oncall'] });
    expect(ask(GUEST, 'C0INCIDENT', [diagnosticAction('profile')])).toMatchObject({ allowed: false, rule: 'no-profile-elsewhere', action: { name: 'diagnostic:profile' } });
    // The channel rule comes first: even the on-call group runs nothing in #general.
    expect(ask(ONCALL, 'C0GENERAL', [diagnosticAction('health')], oncall)).toMatchObject({ allowed: false, rule: 'quiet-in-general', reason: 'Ask in #ml-incidents instead.' });
    // No rule matches: the default lets read-only actions through, not changes.
    expect(ask(GUEST, 'C0INCIDENT', [diagnosticAction('health')])).toEqual({ allowed: true, rules: ['default'] });
    expect(ask(GUEST, 'C0INCIDENT', [PAGERDUTY_ACTIONS.resolve])).toMatchObject({ allowed: false, rule: 'default' });
    expect(ask(ONCALL, 'C0INCIDENT', [PAGERDUTY_ACTIONS.resolve], oncall)).toEqual({ allowed: true, rules: ['oncall-may-change'] });
  });

  it('a request of several actions (an investigation) is refused for the first one refused', () => {
    expect(ask(GUEST, 'C0INCIDENT', [diagnosticAction('health'), diagnosticAction('profile')])).toMatchObject({ allowed: false, rule: 'no-profile-elsewhere' });
    expect(ask(ONCALL, 'C0INCIDENT', [diagnosticAction('health'), diagnosticAction('profile')], oncall)).toEqual({ allowed: true, rules: ['default', 'profile-for-oncall'] });
  });

  it('unreadable user groups: an allow by group does not apply, a deny by group refuses (fails closed)', () => {
    const unknown = { unknown: 'missing_scope' };
    expect(ask(ONCALL, 'C0INCIDENT', [diagnosticAction('profile')], unknown)).toMatchObject({ allowed: false, rule: 'no-profile-elsewhere' });
    const denyByGroup = policy('rules:\n  - name: no-contractors\n    groups: ["@contractors"]\n    deny: [all]\n');
    const d = decideAccess(denyByGroup, { user: GUEST, channel: 'C0INCIDENT', actions: [diagnosticAction('health')] }, unknown);
    expect(d).toMatchObject({ allowed: false, rule: 'no-contractors', groupsUnknown: 'missing_scope' });
    expect(refusalText(denyByGroup, d as Extract<typeof d, { allowed: false }>)).toContain('the bot could not read them: missing_scope');
  });

  it('refusals name the rule and the file, or the default and why', () => {
    const byRule = ask(GUEST, 'C0GENERAL', [diagnosticAction('health')]);
    expect(refusalText(p, byRule as Extract<typeof byRule, { allowed: false }>)).toBe(
      ':no_entry: `diagnostic:health` is not allowed: rule `quiet-in-general` of the access policy (policy.yaml) denies it here. Ask in #ml-incidents instead.',
    );
    const byDefault = decideAccess(DEFAULT_ACCESS_POLICY, { user: GUEST, channel: 'C0INCIDENT', actions: [PAGERDUTY_ACTIONS.acknowledge] });
    expect(refusalText(DEFAULT_ACCESS_POLICY, byDefault as Extract<typeof byDefault, { allowed: false }>)).toBe(
      ':no_entry: `pagerduty:acknowledge` is not allowed: it acknowledges the PagerDuty incident, and the default access policy (INFDBG_POLICY is not set) lets only read-only actions through by default; no rule allows it to you in this channel.',
    );
    const closed = policy('default: none\n');
    const nothing = decideAccess(closed, { user: GUEST, channel: 'C0INCIDENT', actions: [diagnosticAction('health')] });
    expect(refusalText(closed, nothing as Extract<typeof nothing, { allowed: false }>)).toContain('its default allows nothing');
  });
});

describe('which runbook steps change things', () => {
  const step = (runbook: string, id: string) => {
    const rb = runbooks.find((r) => r.name === runbook)!;
    return prepareRunbook(rb, { given: {} }).steps.find((s) => s.id === id)!;
  };

  it('classifies the shipped runbooks\' manual steps by their commands', () => {
    expect(checklistStepActions('deploy-regression', step('deploy-regression', 'roll-back'))).toEqual([{ name: 'runbook:deploy-regression/roll-back', class: 'changes', changes: 'its commands change things (kubectl rollout undo)' }]);
    expect(checklistStepActions('gpu-unavailable', step('gpu-unavailable', 'drain-node'))[0]).toMatchObject({ class: 'changes', changes: 'its commands change things (kubectl cordon)' });
    expect(checklistStepActions('cuda-oom', step('cuda-oom', 'shrink-batch'))[0]).toMatchObject({ class: 'changes', changes: 'its commands change things (kubectl set)' });
    // Reading: logs piped to grep, rollout history, get.
    expect(checklistStepActions('data-drift', step('data-drift', 'labels-and-model'))[0]).toMatchObject({ class: 'read-only' });
    expect(checklistStepActions('error-burst', step('error-burst', 'one-route'))[0]).toMatchObject({ class: 'read-only' });
    // A diagnostic step is the step plus the diagnostics its Run starts.
    expect(checklistStepActions('high-latency', step('high-latency', 'profile-model'), [diagnosticAction('profile')]).map((a) => a.name)).toEqual(['runbook:high-latency/profile-model', 'diagnostic:profile']);
  });

  it('reads a verb only where it stands as one', () => {
    expect(changingCommand(['kubectl -n ml logs deployment/x --since=30m | grep -E "delete|set"'])).toBeUndefined();
    expect(changingCommand(['kubectl get deployment set-point -o yaml', 'kubectl get pods -l app=create'])).toBeUndefined();
    expect(changingCommand(['kubectl --context prod -n ml scale deployment/x --replicas=4'])).toBe('kubectl scale');
    expect(changingCommand(['helm -n ml rollback ranker 3'])).toBe('helm rollback');
    expect(changingCommand(['curl -s -X POST http://svc/admin/reload'])).toBe('curl -X POST');
    expect(changingCommand(['kubectl -n ml rollout status deployment/x'])).toBeUndefined();
  });
});

describe('user groups for a decision in an ack', () => {
  it('waits a bounded time for a first read, then says why it has none; a later read is cached', async () => {
    let calls = 0;
    let answer: (() => void) | undefined;
    const slow = new UserGroupDirectory(
      () => {
        calls++;
        return new Promise((resolve) => (answer = () => resolve([{ id: 'S0MLONCALL', handle: 'ml-oncall', users: [ONCALL] }])));
      },
      silentLogger,
    );
    expect(await slow.membership(ONCALL, { waitMs: 50 })).toEqual({ unknown: 'usergroups.list did not answer within 0.05 s' });
    answer!();
    await new Promise((r) => setImmediate(r));
    expect(await slow.membership(ONCALL)).toEqual({ groups: ['S0MLONCALL', '@ml-oncall'] });
    expect(await slow.membership(GUEST)).toEqual({ groups: [] });
    expect(calls).toBe(1);

    const failing = new UserGroupDirectory(() => Promise.reject(new Error('An API error occurred: missing_scope')), silentLogger);
    expect(await failing.membership(ONCALL)).toEqual({ unknown: 'An API error occurred: missing_scope' });
  });

  it('a stale read is used while it is read again, but not past its limit', async () => {
    let users = [ONCALL];
    const dir = new UserGroupDirectory(async () => [{ id: 'S0MLONCALL', handle: 'ml-oncall', users }], silentLogger, 1);
    expect(await dir.membership(ONCALL)).toEqual({ groups: ['S0MLONCALL', '@ml-oncall'] });
    users = [];
    await new Promise((r) => setTimeout(r, 5));
    // Stale: answered from the last read while the new one runs…
    expect(await dir.membership(ONCALL)).toEqual({ groups: ['S0MLONCALL', '@ml-oncall'] });
    await new Promise((r) => setTimeout(r, 5));
    // … which the next decision uses.
    expect(await dir.membership(ONCALL, { maxStaleMs: 0 })).toEqual({ groups: [] });
  });
});
