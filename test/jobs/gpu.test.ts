// The gpu diagnostic end to end: the recorded H100 nvidia-smi output (runCommand stand-in only for
// spawning), /proc/<pid>/cgroup text, the real KubeAccess against the loopback API server
// stand-in for process → pod, the DCGM exporter over real HTTP, failure states as observations,
// and the causes the engine ranks from them (runDiagnostic, as workers and the CLI run it).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { gpuDiagnostic } from '../../jobs/gpu.ts';
import type { DiagnosticDeps } from '../../src/core/diagnostic.ts';
import { UsageError } from '../../src/core/errors.ts';
import { nodeQueue, SHARED_QUEUE } from '../../src/queue/names.ts';
import type { RunCommand } from '../../src/gpu/nvidia-smi.ts';
import { createKubeAccess } from '../../src/k8s/kube-access.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { runDiagnostic } from '../../src/core/run-diagnostic.ts';
import { llmServerScenario, startKubeApiStandIn, type KubeApiStandIn } from '../support/kube-api-stand-in.ts';
import { startStack, type Stack } from '../support/stack.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/gpu/${name}`, import.meta.url), 'utf8');
/** The llm-server pod's `server` container in test/fixtures/k8s/pod-ml-llm-server.json. */
const SERVER_CONTAINER = '9821ba51c94d650a7950daf2c32eb3d6582f84a3423ec555ad4b2e9161c4750b';
const cgroupOf = (id: string) =>
  `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_0000_4000_8000_000000000001.slice/cri-containerd-${id}.scope\n`;

let standIn: KubeApiStandIn | undefined;
let server: Server | undefined;
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  await standIn?.close();
  standIn = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** nvidia-smi answering the GPU and process queries; the row-remapping query is refused, as on pre-Ampere GPUs. */
function nvidiaSmi(gpuCsv: string, appsCsv = '', exitCode = 0): RunCommand {
  return async (_file, args) => {
    if (args[0]?.startsWith('--query-gpu')) return { stdout: gpuCsv, stderr: '', exitCode };
    if (args[0]?.startsWith('--query-remapped-rows')) return { stdout: '', stderr: 'Field "remapped_rows.pending" is not a valid field to query.', exitCode: 2 };
    return { stdout: appsCsv, stderr: '', exitCode: 0 };
  };
}

function deps(over: Partial<DiagnosticDeps>): DiagnosticDeps {
  return { signal: new AbortController().signal, progress: () => {}, fetch, now: Date.now, nodeName: 'gpu-node-3', ...over };
}

async function withKube() {
  standIn = await startKubeApiStandIn(llmServerScenario());
  return createKubeAccess({ namespaces: [], kubeConfig: standIn.kubeConfig() });
}

describe('gpu diagnostic', () => {
  const gpu = (payload: unknown, d: DiagnosticDeps) => runDiagnostic(gpuDiagnostic, gpuDiagnostic.payload.parse(payload), d);
  const obs = (r: DiagnosticResult, name: string) => r.observations.filter((o) => o.name === name);
  const plausibleCauses = (r: DiagnosticResult) => r.hypotheses.filter((h) => h.likelihood === 'high' || h.likelihood === 'medium').map((h) => h.cause);

  it('reports the recorded H100 and ties PID 406 to its pod through the Kubernetes API: nothing to blame', async () => {
    const kube = await withKube();
    const reads: string[] = [];
    const result = await gpu(
      { pod: { namespace: 'ml', name: 'llm-server-6d8f7b9c4-k2x7p' } },
      deps({
        runCommand: nvidiaSmi(fixture('h100-recorded/query-gpu.csv'), fixture('h100-recorded/query-apps.csv')),
        readFile: async (path) => {
          reads.push(path);
          return cgroupOf(SERVER_CONTAINER);
        },
        kube,
      }),
    );
    expect(reads).toEqual(['/proc/406/cgroup']);
    const gpus = result.data['gpus'] as Array<Record<string, unknown>>;
    expect(gpus[0]).toMatchObject({ index: 0, name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81559, memoryUsedMiB: 0, eccUncorrected: 0, migMode: 'disabled' });
    expect(gpus[0]?.['processes']).toEqual([{ pid: 406, name: 'python3', usedMiB: 19684, pod: { namespace: 'ml', name: 'llm-server-6d8f7b9c4-k2x7p', container: 'server' } }]);
    // The facts that speak against GPU causes are observed too.
    expect(obs(result, 'gpu.foreign_process_memory')).toEqual([expect.objectContaining({ value: 0, text: 'only ml/llm-server-6d8f7b9c4-k2x7p holds memory on its GPU' })]);
    expect(obs(result, 'gpu.ecc_uncorrected_volatile')).toEqual([expect.objectContaining({ value: 0, subject: '0' })]);
    expect(obs(result, 'gpu.memory_used_share')[0]?.value).toBe(0);
    expect(result.severity).toBe('ok');
    expect(plausibleCauses(result)).toEqual([]);
    expect(result.summary).toMatch(/1 GPU on gpu-node-3 \(nvidia-smi\), 1 process holding memory: no problem measured\.$/);
    expect(result.tables.find((t) => t.title === 'Processes holding GPU memory')?.rows).toEqual([[0, 406, 'python3', 19684, 'ml/llm-server-6d8f7b9c4-k2x7p (server)']]);
    expect(Buffer.from(result.charts[0]?.pngBase64 ?? '', 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(standIn?.requests.map((r) => r.query['fieldSelector'])).toEqual(['spec.nodeName=gpu-node-3']);
  });

  it('ranks a hot, ECC-erroring, full T4 whose memory a host process holds: hardware first, evidence quoted', async () => {
    const result = await gpu(
      { node: 'gpu-node-7' },
      deps({
        nodeName: 'gpu-node-7',
        runCommand: nvidiaSmi(fixture('t4-throttled-query-gpu.csv'), fixture('t4-throttled-query-apps.csv')),
        readFile: async () => fixture('cgroup/host-process-v2.txt'),
      }),
    );
    expect(result.severity).toBe('critical');
    expect(result.hypotheses.slice(0, 3).map((h) => [h.cause, h.likelihood])).toEqual([
      ['gpu-hardware-failure', 'high'],
      ['gpu-throttled', 'high'],
      ['gpu-foreign-process', 'high'],
    ]);
    const [hardware, throttled, foreign] = result.hypotheses;
    expect(hardware?.title).toBe('Failing GPU hardware on node gpu-node-7');
    expect(hardware?.evidence[0]).toBe('GPU 0 (Tesla T4) reports 2 uncorrected (double-bit) ECC errors since the driver loaded: results computed on it may be corrupt [gpu]');
    expect(hardware?.fixes[0]).toContain('kubectl cordon gpu-node-7');
    expect(throttled?.evidence).toContain('GPU 0 (Tesla T4) clocks held down: thermal (sw_power_cap, sw_thermal_slowdown, hw_thermal_slowdown; 88 °C) [gpu]');
    expect(throttled?.evidence).toContain('GPU 0 (Tesla T4) SM clock 1005 of 1590 MHz (63 %) at 100 % utilization [gpu]');
    expect(foreign?.evidence[0]).toBe('PID 31337 (/usr/bin/python3, host process, no container) holds 14.6 GiB on GPU 0 (Tesla T4): not the main owner of its GPU [gpu]');
    // The memory is the stray's, so "the GPU is simply full" is held against.
    const full = result.hypotheses.find((h) => h.cause === 'gpu-memory-full');
    expect(full?.against[0]).toContain('much of the memory is held by another process');
    expect(result.summary).toMatch(/^Most likely: Failing GPU hardware on node gpu-node-7 \(high; GPU 0 \(Tesla T4\) reports 2 uncorrected/);
  });

  it('with a target pod, the other pods and containers on its GPU are foreign; MIG is observed', async () => {
    const kube = await withKube();
    const result = await gpu(
      { pod: { namespace: 'ml', name: 'llm-server-6d8f7b9c4-k2x7p' } },
      deps({
        runCommand: nvidiaSmi(fixture('a100-mig-query-gpu.csv'), fixture('a100-mig-query-apps.csv')),
        readFile: async (path) => (path === '/proc/23824/cgroup' ? cgroupOf(SERVER_CONTAINER) : cgroupOf('ab'.repeat(32))),
        kube,
      }),
    );
    const gpus = result.data['gpus'] as Array<{ processes: Array<{ pid: number; pod: unknown }> }>;
    expect(gpus[0]?.processes[0]).toMatchObject({ pid: 23824, pod: { name: 'llm-server-6d8f7b9c4-k2x7p' } });
    // Only GPU 0 runs the target; tritonserver there sits in a container no pod owns. GPU 1 is not the target's business.
    expect(obs(result, 'gpu.foreign_process_memory').map((o) => [o.subject, o.value, o.text])).toEqual([
      ['container abababababab', 12247 * 2 ** 20, 'PID 33724 (tritonserver, container abababababab, no pod) holds 12.0 GiB on GPU 0 (NVIDIA A100-SXM4-80GB): not the target ml/llm-server-6d8f7b9c4-k2x7p\'s'],
    ]);
    expect(obs(result, 'gpu.mig_enabled').map((o) => [o.subject, o.value])).toEqual([
      ['0', false],
      ['1', true],
    ]);
    expect(result.hypotheses[0]?.cause).toBe('gpu-foreign-process');
    // the five processes share two container ids: the API was asked once per container, not per process
    expect(standIn?.requests).toHaveLength(2);
  });

  it('says so when /proc is not readable, and still counts one process per GPU as no neighbour', async () => {
    const result = await gpu(
      {},
      deps({
        runCommand: nvidiaSmi(fixture('h100-recorded/query-gpu.csv'), fixture('h100-recorded/query-apps.csv')),
        readFile: async (path) => {
          throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
        },
      }),
    );
    expect(obs(result, 'gpu.processes_unattributed')).toEqual([expect.objectContaining({ value: 1, text: expect.stringContaining('hostPID: true') })]);
    expect(obs(result, 'gpu.foreign_process_memory')).toEqual([expect.objectContaining({ value: 0, text: 'one owner per GPU: no other process shares a GPU' })]);
    expect(result.fixes).toContain('Deploy the GPU worker DaemonSet with hostPID: true and read access to /proc, so every GPU process can be tied to its pod.');
    expect(result.severity).toBe('info');
  });

  it.each([
    ['errors/driver-mismatch.txt', 18, 'driver-mismatch', 'gpu-driver-mismatch', /reboot/],
    ['errors/no-devices.txt', 6, 'no-devices', 'gpu-not-visible', /lspci/],
    ['errors/gpu-lost.txt', 15, 'gpu-lost', 'gpu-hardware-failure', /Cordon and drain/],
  ])('turns %s into an observation and ranks its cause, not a crash', async (file, exitCode, kind, cause, fix) => {
    const result = await gpu({}, deps({ runCommand: nvidiaSmi(fixture(file), '', exitCode) }));
    expect(result.data['gpus']).toEqual([]);
    expect(obs(result, 'gpu.query_failure').map((o) => o.value)).toEqual([kind]);
    expect(result.severity).toBe('critical');
    expect(result.hypotheses[0]).toMatchObject({ cause, likelihood: 'high' });
    expect(result.fixes[0]).toMatch(fix);
  });

  it('reads the DCGM exporter over HTTP: Xid 48 with ECC errors on GPU 1 ranks first, the nearly full GPU 0 after it', async () => {
    server = createServer((_req, res) => res.end(fixture('dcgm-a100-xid.prom')));
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const result = await gpu({ dcgmUrl: url }, deps({ runCommand: () => Promise.reject(new Error('nvidia-smi must not run')) }));
    expect(result.hypotheses.map((h) => h.cause).slice(0, 2)).toEqual(['gpu-hardware-failure', 'gpu-memory-full']);
    expect(result.hypotheses[0]?.evidence).toContain('GPU 1 (NVIDIA A100-SXM4-80GB) last reported Xid 48: double-bit ECC error [gpu]');
    // GPU 0 reports no Xid and no ECC error: said against, without outweighing GPU 1's evidence.
    expect(result.hypotheses[0]?.against).toEqual(expect.arrayContaining([expect.stringContaining('GPU 0 (NVIDIA A100-SXM4-80GB): no Xid error reported')]));
    const gpus = result.data['gpus'] as Array<{ processes: unknown[] }>;
    expect(gpus[0]?.processes).toEqual([{ pid: null, name: 'vllm', usedMiB: null, pod: { namespace: 'vllm-inference', name: 'vllm-medgemma-4b-it-d599b4c99-f95nk', container: 'vllm' } }]);
    expect(obs(result, 'gpu.shared_gpu_pods').map((o) => [o.subject, o.value])).toEqual([
      ['0', 0],
      ['1', 0],
    ]);
  });

  it('makes an unreachable DCGM exporter an observation: GPU telemetry unavailable', async () => {
    server = createServer();
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    const result = await gpu({ dcgmUrl: `http://127.0.0.1:${port}/metrics` }, deps({}));
    expect(obs(result, 'gpu.query_failure')).toEqual([expect.objectContaining({ value: 'dcgm-unreachable', text: expect.stringMatching(/ECONNREFUSED/) })]);
    expect(result.severity).toBe('critical');
    expect(result.hypotheses[0]).toMatchObject({ cause: 'gpu-monitoring-unavailable', likelihood: 'medium' });
    expect(result.summary).toMatch(/ECONNREFUSED/);
  });

  it('keeps secrets in the DCGM URL out of the report: query string hidden, credentials refused', async () => {
    server = createServer();
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    const result = await gpuDiagnostic.run({ dcgmUrl: `http://127.0.0.1:${port}/metrics?token=s3cret` }, deps({}));
    expect(result.summary).toContain(`DCGM exporter http://127.0.0.1:${port}/metrics?… did not answer`);
    expect(JSON.stringify(result)).not.toContain('s3cret');
    expect(() => gpuDiagnostic.payload.parse(gpuDiagnostic.parseArgs(['--dcgm-url', 'http://admin:s3cret@dcgm:9400/metrics']))).toThrow(/must not carry credentials/);
  });

  it('says so when the URL answers without DCGM metrics', async () => {
    server = createServer((_req, res) => res.end('# HELP up\nup 1\n'));
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const result = await gpuDiagnostic.run({ dcgmUrl: url }, deps({}));
    expect(result.observations.filter((o) => o.name === 'gpu.query_failure').map((o) => o.value)).toEqual(['dcgm-no-metrics']);
    expect(result.severity).toBe('warning');
    expect(result.data['gpus']).toEqual([]);
  });

  it('says so when the URL answers with something that is not Prometheus text (a login page)', async () => {
    server = createServer((_req, res) => res.end('<html><body>Sign in</body></html>\n'));
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const result = await gpuDiagnostic.run({ dcgmUrl: url }, deps({}));
    expect(result.observations.filter((o) => o.name === 'gpu.query_failure')).toEqual([expect.objectContaining({ value: 'dcgm-unreachable', text: expect.stringContaining('not Prometheus metrics') })]);
  });

  it('parses `gpu <node> --pod ns/pod --dcgm-url URL` and routes to that node', async () => {
    const payload = gpuDiagnostic.payload.parse(gpuDiagnostic.parseArgs(['gpu-node-3', '--dcgm-url', 'http://dcgm:9400/metrics', '--pod', 'ml/llm-server-0']));
    expect(payload).toEqual({ node: 'gpu-node-3', dcgmUrl: 'http://dcgm:9400/metrics', pod: { namespace: 'ml', name: 'llm-server-0' } });
    expect(() => gpuDiagnostic.parseArgs(['--pod', 'llm-server-0'])).toThrow('--pod "llm-server-0" is not <namespace>/<pod>');
    expect(await gpuDiagnostic.route?.(payload)).toBe('gpu-node-3');
    expect(gpuDiagnostic.payload.parse(gpuDiagnostic.parseArgs([]))).toEqual({});
    expect(() => gpuDiagnostic.parseArgs(['a', 'b'])).toThrow(UsageError);
    expect(() => gpuDiagnostic.parseArgs(['--shell', 'x'])).toThrow(UsageError);
    expect(gpuDiagnostic.payload.safeParse({ node: 'node;rm -rf /' }).success).toBe(false);
  });
});

describe('/debug gpu <node> through Bolt, the node queue and that node\'s worker', () => {
  it('runs on the named node\'s queue and posts the GPU report in the thread', async () => {
    const ran: string[] = [];
    stack = await startStack({
      diagnostics: [gpuDiagnostic],
      nodeName: 'gpu-node-7',
      deps: {
        runCommand: async (file, args) => {
          ran.push(file);
          return nvidiaSmi(fixture('t4-throttled-query-gpu.csv'), fixture('t4-throttled-query-apps.csv'))(file, args, { timeoutMs: 1000, signal: new AbortController().signal });
        },
        readFile: async () => fixture('cgroup/host-process-v2.txt'),
      },
    });
    const res = await stack.sendCommand('gpu gpu-node-7');
    expect(res.status).toBe(200);
    const { transcript } = await stack.waitForReport();
    expect(ran).toEqual(['nvidia-smi', 'nvidia-smi', 'nvidia-smi']);
    expect(transcript).toContain('uncorrected (double-bit) ECC');
    expect(transcript).toContain('PID 31337 (/usr/bin/python3, host process, no container) holds 14.6 GiB');
    const onNode = await stack.store.queue(nodeQueue('gpu-node-7')).getJobs(['completed']);
    const onShared = await stack.store.queue(SHARED_QUEUE).getJobs(['completed', 'waiting', 'active']);
    expect(onNode.map((j) => [j.name, j.data.payload])).toEqual([['gpu', { node: 'gpu-node-7' }]]);
    expect(onShared).toEqual([]);
  });
});
