// The logs diagnostic: --file streamed from disk, a pod's previous logs and a label selector
// through the real KubeAccess against the loopback API server stand-in, a 403 as a finding.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { logsDiagnostic } from '../../jobs/logs.ts';
import type { DiagnosticDeps } from '../../src/core/diagnostic.ts';
import { InputError, UsageError } from '../../src/core/errors.ts';
import { createKubeAccess } from '../../src/k8s/kube-access.ts';
import { runDiagnostic } from '../../src/core/run-diagnostic.ts';
import { diffusionWorkerPod, llmServerScenario, startKubeApiStandIn, type KubeApiStandIn, type KubeApiStandInOptions } from '../support/kube-api-stand-in.ts';
import { startStack, type Stack } from '../support/stack.ts';

const LOG_FILE = fileURLToPath(new URL('../fixtures/logs/inference-server.log', import.meta.url));
const POD = 'llm-server-6d8f7b9c4-k2x7p';

let standIn: KubeApiStandIn | undefined;
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  await standIn?.close();
  standIn = undefined;
});

function deps(over: Partial<DiagnosticDeps> = {}): DiagnosticDeps & { progressed: number[] } {
  const progressed: number[] = [];
  return { signal: new AbortController().signal, progress: (p) => void progressed.push(p), fetch, now: Date.now, nodeName: 'local', progressed, ...over };
}

async function kubeDeps(options: KubeApiStandInOptions = llmServerScenario()) {
  standIn = await startKubeApiStandIn(options);
  return deps({ kube: createKubeAccess({ namespaces: [], kubeConfig: standIn.kubeConfig() }) });
}

const args = (line: string) => logsDiagnostic.payload.parse(logsDiagnostic.parseArgs(line.split(' ').filter(Boolean)));

describe('logs diagnostic', () => {
  it('observes a log file: signatures in order of first appearance, the first cause, OOM numbers, no secret in the result', async () => {
    const d = deps();
    const result = await logsDiagnostic.run(args(`--file ${LOG_FILE}`), d);
    const signatures = result.data['signatures'] as Array<{ id: string; class: string; severity: string; count: number; firstSeen: string; samples: string[] }>;
    expect(signatures.map((s) => [s.id, s.count])).toEqual([
      ['onnxruntime-provider-load-failure', 1],
      ['http-5xx', 29],
      ['urllib3-pool-full-discarding', 3],
      ['upstream-timeout', 2],
      ['cuda-oom', 1],
      ['nan-or-inf', 1],
      ['model-file-not-found', 1],
      ['cuda-kernel-assert', 1],
      ['cuda-device-side-assert', 1],
    ]);
    expect(signatures[1]).toMatchObject({ id: 'http-5xx', class: 'symptom', severity: 'critical', firstSeen: '2026-11-22T14:06:30.504Z', bursts: 1 });
    expect(Object.keys(result.data)).toEqual(['signatures', 'firstCause', 'cudaOom']);
    expect(result.data['firstCause']).toBe('onnxruntime-provider-load-failure');
    expect(result.data['cudaOom']).toEqual([
      expect.objectContaining({
        triedToAllocateBytes: Math.round(46.57 * 2 ** 30),
        totalCapacityBytes: Math.round(79.18 * 2 ** 30),
        freeBytes: Math.round(12.87 * 2 ** 30),
        reservedUnallocatedBytes: 0,
      }),
    ]);
    // it observes; the engine chooses
    expect(result.hypotheses).toEqual([]);
    const obs = (name: string) => result.observations.filter((o) => o.name === name);
    expect(obs('log.lines')).toEqual([expect.objectContaining({ value: 428, sampleSize: 428, source: 'logs' })]);
    expect(obs('log.first_cause')).toEqual([expect.objectContaining({ value: 'onnxruntime-provider-load-failure', subject: 'onnxruntime-provider-load-failure', sampleSize: 1 })]);
    expect(obs('log.first_cause')[0]?.text).toMatch(/^onnxruntime-provider-load-failure first, 2026-11-22T14:00:00\.077Z \(line 4\), before http-5xx, /);
    expect(obs('log.signature').map((o) => [o.value, o.sampleSize])).toEqual(signatures.map((s) => [s.id, s.count]));
    expect(obs('log.burst')).toEqual([expect.objectContaining({ value: 'http-5xx', sampleSize: 1 })]);
    expect(obs('log.cause_signatures')).toEqual([expect.objectContaining({ value: 7 })]);
    expect(obs('log.category').find((o) => o.value === 'http')).toMatchObject({ sampleSize: 29 });
    expect(result.severity).toBe('critical');
    expect(result.summary).toMatch(/^9 failure signatures in 428 lines of .*\. First failure: onnxruntime-provider-load-failure \(1×, first 2026-11-22T14:00:00\.077Z \(line 4\)\)\. Later: .*cuda-oom.*\. Symptoms: http-5xx \(29×, 1 burst, /);
    for (const secret of ['Sup3rS3cretPw', 'AKIAIOSFODNN7EXAMPLE', 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9', 'tok_9f8e7d6c5b4a', 'abcdefghijklmnopqrstuvwx']) {
      expect(JSON.stringify(result)).not.toContain(secret);
    }
    expect(d.progressed.at(-1)).toBe(95);
  });

  it('through the engine, ranks the earliest failure first and the 5xx burst only as a symptom, with the evidence against it', async () => {
    const result = await runDiagnostic(logsDiagnostic, args(`--file ${LOG_FILE}`), { fetch, now: Date.now, nodeName: 'local' });
    const top = result.hypotheses[0];
    expect(top).toMatchObject({ cause: 'image-dependency-mismatch', likelihood: 'high' });
    expect(top?.evidence.join('\n')).toMatch(/the first failure in the log: onnxruntime-provider-load-failure first/);
    // the other failures stay listed behind it, each with its own signature as evidence
    const causes = result.hypotheses.map((h) => h.cause);
    expect(causes.indexOf('gpu-out-of-memory')).toBeGreaterThan(0);
    expect(causes.indexOf('bad-input-indices')).toBeGreaterThan(0);
    const symptomOnly = result.hypotheses.find((h) => h.cause === 'requests-failing-cause-not-in-logs');
    expect(symptomOnly).toMatchObject({ likelihood: 'unlikely' });
    expect(symptomOnly?.against[0]).toMatch(/the log names a failure cause first/);
    expect(result.summary).toMatch(/^Most likely: The serving image does not match its environment/);
  });

  it('fails a missing file with one line naming it', async () => {
    await expect(logsDiagnostic.run(args('--file /nonexistent/app.log'), deps())).rejects.toThrow(new InputError('/nonexistent/app.log: cannot read the log file (ENOENT)'));
    const dir = fileURLToPath(new URL('../fixtures/logs', import.meta.url));
    await expect(logsDiagnostic.run(args(`--file ${dir}`), deps())).rejects.toThrow(new InputError(`${dir}: cannot read the log file (EISDIR)`));
  });

  it("reads a pod's previous container logs with tail and since bounded", async () => {
    const d = await kubeDeps();
    const result = await logsDiagnostic.run(args(`ml/${POD} --previous --container server --tail 200 --since 1h`), d);
    expect(standIn?.requests.map((r) => [r.path, r.query])).toEqual([
      [`/api/v1/namespaces/ml/pods/${POD}/log`, expect.objectContaining({ container: 'server', previous: 'true', tailLines: '200', sinceSeconds: '3600' })],
    ]);
    const signatures = result.data['signatures'] as Array<{ id: string; count: number; firstSeen: string | null }>;
    expect(signatures.find((s) => s.id === 'cuda-oom')).toMatchObject({ count: 1 });
    expect(result.data['cudaOom']).toEqual([expect.objectContaining({ triedToAllocateBytes: Math.round(46.57 * 2 ** 30), gpu: 0 })]);
    expect(result.title).toBe(`logs ml/${POD} (previous container)`);
  });

  it('reads every pod matching a label selector, samples prefixed with the pod', async () => {
    const scenario = llmServerScenario();
    const d = await kubeDeps({ ...scenario, pods: [...scenario.pods, diffusionWorkerPod()] });
    const result = await logsDiagnostic.run(args('app.kubernetes.io/name=llm-server --namespace ml --previous --container server'), d);
    expect(standIn?.requests[0]).toMatchObject({ path: '/api/v1/namespaces/ml/pods', query: { labelSelector: 'app.kubernetes.io/name=llm-server' } });
    expect(standIn?.requests.filter((r) => r.path.endsWith('/log')).map((r) => r.path)).toEqual([`/api/v1/namespaces/ml/pods/${POD}/log`]);
    const oom = (result.data['signatures'] as Array<{ id: string; samples: string[] }>).find((s) => s.id === 'cuda-oom');
    expect(oom?.samples[0]).toMatch(/^torch\.OutOfMemoryError/);
  });

  it('turns a 403 on pods/log into a finding naming the RBAC verb and resource', async () => {
    const d = await kubeDeps({ ...llmServerScenario(), forbid: ['pods/log'] });
    const result = await logsDiagnostic.run(args(`ml/${POD} --previous`), d);
    expect(result.severity).toBe('warning');
    expect(result.summary).toMatch(/cannot get pods\/log in namespace ml — add verb get on resource pods\/log/);
    expect(result.data).toEqual({ signatures: [], firstCause: null, cudaOom: [] });
    expect(result.observations).toEqual([
      expect.objectContaining({ name: 'target.namespace', value: 'ml' }),
      expect.objectContaining({ name: 'target.pod', value: POD }),
    ]);
  });

  it('lets a missing pod fail as a usage error (an ephemeral reply in Slack)', async () => {
    const d = await kubeDeps();
    await expect(logsDiagnostic.run(args('ml/no-such-pod'), d)).rejects.toThrow(UsageError);
  });

  it('needs Kubernetes access for pod logs', async () => {
    await expect(logsDiagnostic.run(args(`ml/${POD}`), deps())).rejects.toThrow(/needs Kubernetes access/);
  });

  it('parses the command forms and rejects malformed ones', () => {
    expect(args('ml/llm-server')).toEqual({ target: { kind: 'pod', namespace: 'ml', pod: 'llm-server' }, tailLines: 5000, previous: false });
    expect(args('llm-server -n ml --since 2d')).toMatchObject({ target: { kind: 'pod', namespace: 'ml', pod: 'llm-server' }, sinceSeconds: 172_800 });
    expect(args('app=web,tier!=batch')).toMatchObject({ target: { kind: 'selector', namespace: 'default', selector: 'app=web,tier!=batch' } });
    expect(() => args('')).toThrow(UsageError);
    expect(() => args('ml/pod --file x.log')).toThrow(/either --file or a pod/);
    expect(() => args('ml/pod --since yesterday')).toThrow(/--since expects a duration/);
    expect(() => args('ml/pod --tail -5')).toThrow(UsageError);
    expect(() => args('ml/pod --tail 999999')).toThrow(); // above the 50000-line ceiling
    expect(() => args('justaword')).toThrow(/neither <namespace>\/<pod> nor a label selector/);
  });
});

describe('/debug logs through Bolt, the shared queue and a worker', () => {
  it('posts the classified previous-container logs of a pod in the thread', async () => {
    standIn = await startKubeApiStandIn(llmServerScenario());
    stack = await startStack({ diagnostics: [logsDiagnostic], deps: { kube: createKubeAccess({ namespaces: [], kubeConfig: standIn.kubeConfig() }) } });
    const res = await stack.sendCommand(`logs ml/${POD} --previous --container server`);
    expect(res.status).toBe(200);
    const { transcript } = await stack.waitForReport();
    expect(transcript).toContain('cuda-oom');
    expect(transcript).toContain('tried to allocate 46.57 GiB with 12.87 GiB free of 79.18 GiB on GPU 0');
  });
});
