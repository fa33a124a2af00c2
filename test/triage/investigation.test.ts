// `investigate`: the target and the symptom words pick the plan; the plan is data (plans.yaml).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineDiagnostic } from '../../src/core/diagnostic.ts';
import { emptyResult } from '../../src/report/model.ts';
import { UsageError } from '../../src/core/errors.ts';
import { buildPlans, classifyTarget, defaultPlans, planInvestigation } from '../../src/triage/investigation.ts';

/** Stand-ins with the real names: each takes one positional target, as the real ones do. */
const stub = (name: string) =>
  defineDiagnostic({
    name,
    usage: `${name} <target>`,
    description: name,
    payload: z.strictObject({ target: z.string().min(1), extra: z.string().optional() }),
    parseArgs: (tokens) => ({ target: tokens[0], ...(tokens[1] ? { extra: tokens[1] } : {}) }),
    observes: {},
    timeoutMs: 1000,
    run: async () => emptyResult(name, name),
  });
const registry = ['changes', 'health', 'gpu', 'oom', 'logs', 'drift', 'profile'].map(stub);
const names = (tokens: string) => planInvestigation(tokens.split(' '), registry).steps.map((s) => s.diagnostic.name);

describe('classifyTarget', () => {
  it('tells URLs, models, workloads and nodes apart', () => {
    expect(classifyTarget('http://svc.ml:8080')).toEqual({ url: 'http://svc.ml:8080' });
    expect(classifyTarget('https://models.example/resnet.onnx')).toEqual({ model: 'https://models.example/resnet.onnx' });
    expect(classifyTarget('./model.onnx')).toEqual({ model: './model.onnx' });
    expect(classifyTarget('ml/llm-server-7d9f')).toEqual({ workload: 'ml/llm-server-7d9f', pod: 'ml/llm-server-7d9f' });
    expect(classifyTarget('ml/deploy/llm-server')).toEqual({ workload: 'ml/deployment/llm-server' });
    expect(classifyTarget('gpu-node-3')).toEqual({ node: 'gpu-node-3' });
    expect(() => classifyTarget('Not A Target!')).toThrow(UsageError);
  });
});

describe('planInvestigation', () => {
  it('slow on a pod: recent changes first, then health of the service, GPU, logs — the model last', () => {
    expect(names('ml/llm-0 slow --url http://llm:8080 --node gpu-3 --model /m/llm.onnx')).toEqual(['changes', 'health', 'gpu', 'profile']);
  });

  it('judges GPU memory against the target pod when one is given', () => {
    const commands = (t: string) => planInvestigation(t.split(' '), registry).steps.map((s) => s.command);
    expect(commands('ml/llm-0 slow --node gpu-3')).toContain('gpu gpu-3 --pod ml/llm-0');
    expect(commands('http://llm:8080 slow --node gpu-3')).toContain('gpu gpu-3');
  });

  it('OOM on a pod: memory, restarts and logs', () => {
    expect(names('ml/llm-0 OOM')).toEqual(['changes', 'oom', 'logs']);
    expect(names('ml/llm-0 slow')).toEqual(['changes']);
  });

  it('accuracy dropped with datasets: the data is checked, not the infrastructure', () => {
    const plan = planInvestigation('http://llm:8080 accuracy dropped --reference ref.csv --current cur.csv'.split(' '), registry);
    expect(plan.categories).toEqual(['accuracy']);
    expect(plan.steps.map((s) => s.command)).toEqual(['drift ref.csv cur.csv']);
    expect(plan.unrecognised).toEqual(['dropped']);
  });

  it('says what it could not run and what that needs', () => {
    const plan = planInvestigation(['http://llm:8080', 'errors'], registry);
    expect(plan.steps.map((s) => s.diagnostic.name)).toEqual(['health']);
    expect(plan.notRun.map((n) => n.diagnostic)).toEqual(['changes', 'gpu', 'oom', 'logs']);
    expect(plan.notRun.find((n) => n.diagnostic === 'gpu')?.why).toMatch(/--node/);
  });

  it('no symptom: every diagnostic that applies to the target', () => {
    expect(names('ml/llm-0 --url http://llm:8080')).toEqual(['changes', 'health', 'oom', 'logs']);
  });

  it('turns the symptoms into observations the causes can weigh', () => {
    const plan = planInvestigation(['http://llm:8080', 'p99', 'spikes'], registry);
    expect(plan.observations.map((o) => [o.name, o.value])).toEqual([
      ['symptom.reported', 'p99'],
      ['symptom.reported', 'spikes'],
      ['symptom.category', 'latency-variance'],
    ]);
  });

  it('refuses what it cannot run, in one line', () => {
    expect(() => planInvestigation([], registry)).toThrow(/needs a target/);
    expect(() => planInvestigation(['gpu-3', 'accuracy'], registry)).toThrow(/nothing to run for gpu-3 \(accuracy\): .*drift: give --reference and --current/);
    expect(() => planInvestigation(['http://x:1', '--reference', 'a.csv'], registry)).toThrow(/go together/);
    expect(() => planInvestigation(['http://x:1', '--bogus'], registry)).toThrow(UsageError);
  });
});

describe('plans.yaml', () => {
  it('is valid and names only registered diagnostics', async () => {
    const { diagnostics } = await import('../../jobs/registry.ts');
    const known = new Set([...diagnostics.map((d) => d.name), 'changes']);
    for (const step of defaultPlans().steps) expect(known.has(step.diagnostic), step.diagnostic).toBe(true);
  });
  it('a bad file names the field', () => {
    expect(() => buildPlans({ symptoms: { slow: ['x'] }, steps: [] }, 'plans.yaml')).toThrow(/plans\.yaml: invalid investigation plans/);
  });
});
