// The checklist's rules on the shipped runbooks: which steps are to do, waiting or n/a as checks
// are answered or skipped and reports name a top cause; progress and completion; which buttons a
// step offers and what a press is told when it cannot go ahead; the message within Slack's limits
// for every shipped runbook and for the largest one the format allows.
import { describe, expect, it } from 'vitest';
import { diagnostics } from '../../jobs/registry.ts';
import { BOT_ACTOR, automaticEscalations, checklistView, parseStepButtonValue, refusal, stepButtonValue, type ChecklistRun, type ChecklistState, type StepRecord } from '../../src/runbooks/checklist.ts';
import { preventText, renderChecklist } from '../../src/runbooks/checklist-message.ts';
import { loadRunbooks } from '../../src/runbooks/load-runbooks.ts';
import { prepareRunbook } from '../../src/runbooks/prepare-runbook.ts';
import { runbookSchema } from '../../src/runbooks/runbook-schema.ts';

const runbooks = loadRunbooks('runbooks', diagnostics);
const T = Date.parse('2026-12-01T12:00:00Z');

function runOf(name: string, given: Record<string, string> = {}): ChecklistRun {
  const rb = runbooks.find((r) => r.name === name)!;
  return { id: 'k0123456789abcdef01234567', runbook: prepareRunbook(rb, { given }), thread: { channel: 'C0INCIDENT', threadTs: '1.1' }, startedBy: 'U0ONCALL', startedAt: T };
}

const done = (by = 'U0ONCALL', extra: Partial<StepRecord> = {}): StepRecord => ({ state: 'done', by, at: T, ...extra });
const status = (run: ChecklistRun, state: ChecklistState) => Object.fromEntries(checklistView(run, state).steps.map((v) => [v.step.id, v.status]));

describe('checklist view', () => {
  const run = runOf('high-latency', { service: 'ranker', namespace: 'ml', pod: 'ranker-1', node: 'gpu-1', model_url: 'http://models/ranker.onnx', deployment: 'ranker' });

  it('starts with the unconditional steps to do and the rest waiting for a check or the top cause', () => {
    const s = status(run, { steps: {}, version: 0 });
    expect(s).toMatchObject({ 'recent-changes': 'todo', 'service-health': 'todo', 'gpu-node': 'todo', 'where-time-goes': 'todo', 'profile-model': 'waiting', dependency: 'waiting', 'scale-out': 'waiting', 'roll-back': 'waiting', verify: 'todo' });
    const view = checklistView(run, { steps: {}, version: 0 });
    expect(view.next?.step.id).toBe('recent-changes');
    expect(view.done).toBe(0);
    expect(view.complete).toBe(false);
    expect(view.steps.find((v) => v.step.id === 'profile-model')!.why).toBe('after step 4 is answered');
    expect(view.steps.find((v) => v.step.id === 'roll-back')!.why).toBe('once a report names the top cause');
  });

  it("a check's answer picks the steps behind it; the others are n/a and leave the total", () => {
    const state: ChecklistState = { steps: { 'where-time-goes': done('U0ONCALL', { answer: 'model' }) }, version: 1 };
    const s = status(run, state);
    expect(s).toMatchObject({ 'where-time-goes': 'done', 'profile-model': 'todo', 'model-runtime': 'todo', dependency: 'n/a', 'scale-out': 'n/a' });
    const view = checklistView(run, state);
    expect(view.done).toBe(1);
    expect(view.total).toBe(run.runbook.steps.length - 2);
  });

  it('a skipped check leaves every step behind it n/a', () => {
    const s = status(run, { steps: { 'where-time-goes': { state: 'skipped', by: 'U0ONCALL', at: T } }, version: 1 });
    expect(s).toMatchObject({ 'profile-model': 'n/a', 'model-runtime': 'n/a', dependency: 'n/a', 'scale-out': 'n/a' });
  });

  it("the top cause of a report decides a step's `when`: its cause applies, another makes it n/a", () => {
    expect(status(run, { steps: {}, version: 1, topCause: { id: 'latency-regression', category: 'latency' } })['roll-back']).toBe('todo');
    expect(status(run, { steps: {}, version: 1, topCause: { id: 'gpu-out-of-memory', category: 'memory' } })['roll-back']).toBe('n/a');
    expect(status(run, { steps: {}, version: 1, topCause: null })['roll-back']).toBe('n/a');
  });

  it('is complete once every step is done, skipped or n/a', () => {
    const steps: Record<string, StepRecord> = { 'where-time-goes': done('U0ONCALL', { answer: 'dependency' }) };
    for (const id of ['recent-changes', 'service-health', 'gpu-node', 'dependency', 'verify', 'escalate']) steps[id] = done();
    expect(checklistView(run, { steps, version: 9 }).complete).toBe(false); // roll-back waits for a top cause
    steps['roll-back'] = { state: 'skipped', by: 'U0OTHER', at: T };
    const view = checklistView(run, { steps, version: 10 });
    expect(view.complete).toBe(true);
    expect(`${view.done}/${view.total}`).toBe('8/8');
    expect(preventText(run, view)).toContain('InferenceP99AboveSLO');
    expect(preventText(run, view)).toContain('histogram_quantile(0.99');
  });
});

describe('presses', () => {
  const run = runOf('error-burst', { service: 'ranker', deployment: 'ranker', pod: 'ranker-1' });
  const view = (state: ChecklistState) => checklistView(run, state);
  const step = (state: ChecklistState, id: string) => view(state).steps.find((v) => v.step.id === id)!;

  it('says who was first, and what a step cannot do', () => {
    const state: ChecklistState = { steps: { 'roll-back-or-restart': done('U0FIRST') }, version: 1 };
    expect(refusal(step(state, 'recent-changes'), 'run')).toBeUndefined();
    expect(refusal(step(state, 'roll-back-or-restart'), 'done')).toMatch(/^Step 5 is already done by <@U0FIRST> at <!date\^\d+\^\{time\}\|12:00 UTC>\.$/);
    expect(refusal(step(state, 'recent-changes'), 'done')).toBe('Step 1 cannot be marked done.');
    expect(refusal(step(state, 'client-requests'), 'done')).toBe('Step 6 waits: it applies after step 4 is answered.');
    expect(refusal(step(state, 'which-errors'), 'answer', 'nonsense')).toBe('Step 4 has no answer "nonsense".');
    const running: ChecklistState = { steps: { 'recent-changes': { state: 'running', by: 'U0RUNNER', startedBy: 'U0RUNNER', at: T } }, version: 1 };
    expect(refusal(step(running, 'recent-changes'), 'run')).toMatch(/^Step 1 is already running, started by <@U0RUNNER>/);
  });

  it('a diagnostic step whose values are missing offers Skip only', () => {
    const bare = runOf('error-burst');
    const v = checklistView(bare, { steps: {}, version: 0 }).steps.find((s) => s.step.id === 'pod-logs')!;
    expect(refusal(v, 'run')).toBe('Step 3 cannot be run (a value is missing).');
    const blocks = JSON.stringify(renderChecklist(bare, checklistView(bare, { steps: {}, version: 0 })).blocks);
    expect(blocks).toContain('needs `pod=…`');
    expect(blocks).not.toContain(stepButtonValue(bare.id, 'pod-logs', 'run'));
  });

  it('button values round-trip and anything else is refused', () => {
    expect(parseStepButtonValue(stepButtonValue(run.id, 'which-errors', 'answer', 'one-route'))).toEqual({ runId: run.id, stepId: 'which-errors', verb: 'answer', answer: 'one-route' });
    expect(parseStepButtonValue(stepButtonValue(run.id, 'verify', 'run'))).toEqual({ runId: run.id, stepId: 'verify', verb: 'run' });
    for (const bad of ['', 'x|y|run|', `${run.id}|verify|delete|`, `${run.id}|verify|answer|`, `${run.id}|Verify|run|`, `${run.id}|verify|run|x`.replace('|x', '|<!channel>')]) expect(parseStepButtonValue(bad)).toBeNull();
  });

  it('an escalate step with a timer is skipped by the bot once a person took a step; without one it escalates once the steps before it are settled', () => {
    expect(automaticEscalations(view({ steps: {}, version: 0 }), { steps: {}, version: 0 })).toEqual([]);
    const taken: ChecklistState = { steps: { 'recent-changes': done('U0ONCALL') }, version: 1 };
    expect(automaticEscalations(view(taken), taken).map((a) => [a.view.step.id, a.action])).toEqual([['escalate', 'skip']]);
    const drift = runOf('data-drift');
    const steps: Record<string, StepRecord> = {};
    for (const s of drift.runbook.steps.slice(0, -1)) steps[s.id] = { state: 'skipped', by: 'U0ONCALL', at: T };
    const st: ChecklistState = { steps, version: 5 };
    expect(automaticEscalations(checklistView(drift, st), st).map((a) => [a.view.step.id, a.action])).toEqual([['escalate', 'escalate']]);
  });
});

describe('checklist message', () => {
  it('every shipped runbook renders within 50 blocks and 12,000 characters, one button row per step to do', () => {
    for (const rb of runbooks) {
      const run: ChecklistRun = { id: 'c0123456789abcdef01234567', runbook: prepareRunbook(rb, { useExamples: true }), thread: { channel: 'C1', threadTs: '1.1' }, incidentKey: 'k', startedAt: T };
      const view = checklistView(run, { steps: {}, version: 0 });
      const r = renderChecklist(run, view);
      expect(r.blocks.length, rb.name).toBeLessThanOrEqual(50);
      expect(JSON.stringify(r.blocks).length, rb.name).toBeLessThanOrEqual(12_000);
      const rows = r.blocks.filter((b) => b.type === 'actions');
      expect(rows.length, rb.name).toBe(view.steps.filter((v) => v.status === 'todo' || v.status === 'waiting').length);
      for (const row of rows) for (const e of (row as { elements: Array<{ value: string }> }).elements) expect(parseStepButtonValue(e.value), rb.name).not.toBeNull();
    }
  });

  it('a runbook of 25 long manual steps still fits, shedding detail first', () => {
    const long = 'x'.repeat(900);
    const rb = runbookSchema.parse({
      name: 'big',
      title: 'Big',
      category: 'errors',
      steps: Array.from({ length: 25 }, (_, i) => ({ id: `s${i}`, kind: 'manual', title: `Step ${i} ${long.slice(0, 100)}`, text: long, commands: [`kubectl get pods # ${long.slice(0, 300)}`] })),
    });
    const run: ChecklistRun = { id: 'k0123456789abcdef01234567', runbook: prepareRunbook(rb), thread: { channel: 'C1', threadTs: '1.1' }, startedAt: T };
    const r = renderChecklist(run, checklistView(run, { steps: {}, version: 0 }));
    expect(r.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(r.blocks).length).toBeLessThanOrEqual(12_000);
    expect(JSON.stringify(r.blocks)).toContain('Step 0');
  });

  it('shows who did a step and when, escaped', () => {
    const run = runOf('oom-killed', { namespace: 'ml', pod: 'ranker-1' });
    const first = run.runbook.steps[0]!.id;
    const r = renderChecklist(run, checklistView(run, { steps: { [first]: { state: 'done', by: BOT_ACTOR, startedBy: 'U0ONCALL', at: T, result: 'top cause: <b>limit</b> & more' } }, version: 1 }));
    const text = JSON.stringify(r.blocks);
    expect(text).toContain(':white_check_mark: *1.');
    expect(text).toContain('run by <@U0ONCALL>, report <!date^');
    expect(text).toContain('top cause: &lt;b&gt;limit&lt;/b&gt; &amp; more');
    expect(r.text).toMatch(/^Runbook Pod OOMKilled: steps 1\/\d+$/);
  });

  it('never shows URL credentials from a value', () => {
    const run = runOf('error-burst', { url: 'http://svc:s3cr3t@ranker.ml:8080', service: 'ranker' });
    const view = checklistView(run, { steps: {}, version: 0 });
    const text = JSON.stringify(renderChecklist(run, view).blocks.filter((b) => b.type !== 'actions'));
    expect(text).toContain('health http://***@ranker.ml:8080');
    expect(text).not.toContain('s3cr3t');
    expect(preventText(run, view)).not.toContain('s3cr3t');
  });
});
