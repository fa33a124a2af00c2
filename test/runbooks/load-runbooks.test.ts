// The runbooks folder as start-up reads it: every shipped runbook validates against the real
// diagnostics, and a broken file stops start-up with an error naming the file, the step and the
// field — including a diagnostic step whose command /debug itself would refuse.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { diagnostics } from '../../jobs/registry.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { loadRunbooks, validateRunbookSources } from '../../src/runbooks/load-runbooks.ts';

const SHIPPED = ['cuda-oom', 'data-drift', 'deploy-regression', 'error-burst', 'gpu-unavailable', 'high-latency', 'latency-variance', 'model-load-failure', 'nan-outputs', 'oom-killed'];

/** The shipped high-latency runbook, changed by `edit`, validated as `runbooks/<name>.yaml`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test edits parsed YAML as freely as a person would
async function problemsAfter(edit: (rb: any) => void, file = 'runbooks/high-latency.yaml'): Promise<string[]> {
  const rb = parse(await readFile('runbooks/high-latency.yaml', 'utf8'));
  edit(rb);
  return validateRunbookSources([[file, stringify(rb)]], diagnostics).problems;
}

describe('runbooks/', () => {
  it('ships the ten runbooks, all valid against the registry', () => {
    const runbooks = loadRunbooks('runbooks', diagnostics);
    expect(runbooks.map((r) => r.name)).toEqual(SHIPPED);
    for (const r of runbooks) {
      expect(r.file).toBe(`runbooks/${r.name}.yaml`);
      expect(r.match.length, r.name).toBeGreaterThan(0);
      expect(r.steps.some((s) => s.kind === 'diagnostic'), r.name).toBe(true);
      expect(r.steps.some((s) => s.kind === 'check'), r.name).toBe(true);
      expect(r.prevent.alerts.length + r.prevent.tests.length, r.name).toBeGreaterThan(0);
      // Manual steps are commands a person types, never something the bot runs.
      for (const s of r.steps) if (s.kind === 'manual') for (const c of s.commands) expect(c, `${r.name}/${s.id}`).toMatch(/^(kubectl|nvidia-smi|nvidia-bug-report\.sh|promtool|journalctl|curl|python)( |$)/);
    }
  });

  it('names the file, the step and the field of a missing or mistyped field', async () => {
    const missing = await problemsAfter((rb) => delete rb.steps[1].command);
    expect(missing).toEqual([expect.stringMatching(/^runbooks\/high-latency\.yaml: step 2 "service-health", field command: /)]);
    const unknownField = await problemsAfter((rb) => (rb.steps[0].comand = 'x'));
    expect(unknownField).toEqual([expect.stringContaining('runbooks/high-latency.yaml: step 1 "recent-changes": unknown field "comand"')]);
    const badKind = await problemsAfter((rb) => (rb.steps[2].kind = 'shell'));
    expect(badKind.join()).toMatch(/step 3 "gpu-node", field kind: /);
    const badRegex = await problemsAfter((rb) => (rb.match[1].alertnameRegex = '(unclosed'));
    expect(badRegex).toEqual(['runbooks/high-latency.yaml: field match[1].alertnameRegex: not a valid regular expression']);
  });

  it('refuses an unknown diagnostic, an unknown flag and a terminal-only flag in a diagnostic step, as /debug would', async () => {
    const unknownDiagnostic = await problemsAfter((rb) => (rb.steps[0].command = 'frobnicate {{namespace}}/{{pod}}'));
    expect(unknownDiagnostic).toEqual([expect.stringMatching(/^runbooks\/high-latency\.yaml: step 1 "recent-changes", field command: unknown diagnostic "frobnicate" \(known: health, .*investigate\)$/)]);
    const unknownFlag = await problemsAfter((rb) => (rb.steps[1].command = 'health {{url}} --slo 500'));
    expect(unknownFlag).toEqual([expect.stringMatching(/step 2 "service-health", field command: `health http:\/\/ranker\.default\.svc\.cluster\.local:8080 --slo 500` is refused by \/debug: .*--slo/)]);
    const badValue = await problemsAfter((rb) => (rb.steps[1].command = 'health {{url}} --interval soon'));
    expect(badValue.join()).toMatch(/step 2 "service-health", field command: .*--interval/);
    const cliOnly = await problemsAfter((rb) => (rb.steps[1].command = 'logs --file /var/log/model.log'));
    expect(cliOnly.join()).toMatch(/step 2 "service-health", field command: .*--file reads files on the machine that runs it/);
    const badInvestigate = await problemsAfter((rb) => (rb.investigate = '{{url}} slow --pods x'));
    expect(badInvestigate.join()).toMatch(/field investigate: .*--pods/);
  });

  it('checks variables, step ids, check branches, conditions and cause ids across fields', async () => {
    expect(await problemsAfter((rb) => (rb.steps[0].command = 'changes {{ns}}/deployment/{{deployment}}'))).toEqual([
      expect.stringMatching(/step 1 "recent-changes", field command: \{\{ns\}\} is not a declared variable/),
    ]);
    expect(await problemsAfter((rb) => delete rb.variables.deployment.example)).toEqual(
      expect.arrayContaining([expect.stringMatching(/step 1 "recent-changes", field command: variable deployment need a default or an example/)]),
    );
    // A flag inside an optional […] part is checked too, so its variable needs an example as well.
    expect(await problemsAfter((rb) => delete rb.variables.node.example)).toEqual(
      expect.arrayContaining([expect.stringMatching(/step 3 "gpu-node", field command: variable node need a default or an example/), expect.stringMatching(/field investigate: variable node need/)]),
    );
    expect(await problemsAfter((rb) => (rb.steps[2].command = 'gpu {{node}} [--pods {{namespace}}/{{pod}}]'))).toEqual([expect.stringMatching(/step 3 "gpu-node", field command: .*--pods/)]);
    expect(await problemsAfter((rb) => (rb.steps[1].id = 'recent-changes'))).toEqual([expect.stringContaining('step 2 "recent-changes", field id: duplicate step id')]);
    expect(await problemsAfter((rb) => (rb.steps[3].answers[0].next = ['nowhere']))).toEqual([expect.stringContaining('step 4 "where-time-goes", field answers[0].next[0]: no step "nowhere"')]);
    expect(await problemsAfter((rb) => (rb.steps[3].answers[0].next = ['recent-changes']))).toEqual([expect.stringContaining('must come after the check')]);
    expect(await problemsAfter((rb) => (rb.steps[8].when = { topCause: { id: ['gremlins'] } }))).toEqual([expect.stringContaining('step 9 "roll-back", field when.topCause.id[0]: no cause "gremlins"')]);
    expect(await problemsAfter((rb) => (rb.steps[8].when = { answer: { step: 'where-time-goes', is: ['maybe'] } }))).toEqual([expect.stringContaining('check "where-time-goes" has no answer "maybe"')]);
    expect(await problemsAfter((rb) => rb, 'runbooks/slow.yaml')).toEqual(['runbooks/slow.yaml: field name: "high-latency" must equal the file name (slow)']);
  });

  it('stops start-up with one ConfigError listing every broken file, and names a YAML syntax error\'s line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'infdbg-runbooks-'));
    await writeFile(join(dir, 'good.yaml'), stringify({ name: 'good', title: 'Good', category: 'errors', steps: [{ id: 'look', kind: 'manual', title: 'Look', commands: ['kubectl get pods'] }] }));
    await writeFile(join(dir, 'broken.yaml'), 'name: broken\ntitle: [unclosed\n');
    await writeFile(join(dir, 'bad-step.yaml'), stringify({ name: 'bad-step', title: 'Bad', category: 'errors', steps: [{ id: 'run', kind: 'diagnostic', title: 'Run', command: 'health' }] }));
    let error: unknown;
    try {
      loadRunbooks(dir, diagnostics, 'my-runbooks');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/my-runbooks\/bad-step\.yaml: step 1 "run", field command: `health` is refused by \/debug: /);
    expect(message).toMatch(/my-runbooks\/broken\.yaml: YAML syntax error at line \d/);
    expect(message).not.toContain('good.yaml');
    expect(() => loadRunbooks(join(dir, 'nope'), diagnostics)).toThrow(/is not a directory/);
  });
});
