// The gpu diagnostic end to end: the recorded H100 nvidia-smi output (runCommand stand-in only for
// spawning), /proc/<pid>/cgroup text, the real KubeAccess against the loopback API server
// stand-in for process → pod, the DCGM exporter over real HTTP, and failure states as findings.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { gpuDiagnostic } from '../../jobs/gpu.ts';
import type { DiagnosticDeps } from '../../src/diagnostic.ts';
import { UsageError } from '../../src/errors.ts';
import { nodeQueue, SHARED_QUEUE } from '../../src/queue/names.ts';
import type { RunCommand } from '../../src/gpu/nvidia-smi.ts';
import { createKubeAccess } from '../../src/k8s/kube-access.ts';
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

function nvidiaSmi(gpuCsv: string, appsCsv = '', exitCode = 0): RunCommand {
  return async (_file, args) => (args[0]?.startsWith('--query-gpu') ? { stdout: gpuCsv, stderr: '', exitCode } : { stdout: appsCsv, stderr: '', exitCode: 0 });
}

function deps(over: Partial<DiagnosticDeps>): DiagnosticDeps {
  return { signal: new AbortController().signal, progress: () => {}, fetch, now: Date.now, nodeName: 'gpu-node-3', ...over };
}

async function withKube() {
  standIn = await startKubeApiStandIn(llmServerScenario());
  return createKubeAccess({ namespaces: [], kubeConfig: standIn.kubeConfig() });
}

describe('gpu diagnostic', () => {
  it('reports the recorded H100 and ties PID 406 to its pod through the Kubernetes API', async () => {
    const kube = await withKube();
    const reads: string[] = [];
    const result = await gpuDiagnostic.run(
      {},
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
    expect(result.data).toEqual({
      gpus: [
        {
          index: 0,
          uuid: 'GPU-7ad72e88-c89d-41c0-7a26-78c392ef49bd',
          name: 'NVIDIA H100 80GB HBM3',
          memoryTotalMiB: 81559,
          memoryUsedMiB: 0,
          memoryFreeMiB: 81079,
          utilizationPct: 0,
          temperatureC: 32,
          powerDrawW: 112.05,
          powerLimitW: 700,
          eccUncorrected: 0,
          migMode: 'disabled',
          throttleReasons: null,
          processes: [{ pid: 406, name: 'python3', usedMiB: 19684, pod: { namespace: 'ml', name: 'llm-server-6d8f7b9c4-k2x7p', container: 'server' } }],
        },
      ],
      findings: [],
    });
    expect(result.severity).toBe('ok');
    expect(result.summary).toMatch(/1 GPU on gpu-node-3 look healthy/);
    expect(result.tables.find((t) => t.title === 'Processes holding GPU memory')?.rows).toEqual([[0, 406, 'python3', 19684, 'ml/llm-server-6d8f7b9c4-k2x7p (server)']]);
    expect(Buffer.from(result.charts[0]?.pngBase64 ?? '', 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(standIn?.requests.map((r) => r.query['fieldSelector'])).toEqual(['spec.nodeName=gpu-node-3']);
  });

  it('flags a hot, power-capped, ECC-erroring, full T4 whose memory a host process holds', async () => {
    const result = await gpuDiagnostic.run(
      { node: 'gpu-node-7' },
      deps({
        nodeName: 'gpu-node-7',
        runCommand: nvidiaSmi(fixture('t4-throttled-query-gpu.csv'), fixture('t4-throttled-query-apps.csv')),
        readFile: async () => fixture('cgroup/host-process-v2.txt'),
      }),
    );
    const findings = result.data['findings'] as Array<{ code: string; severity: string; message: string }>;
    expect(findings.map((f) => [f.code, f.severity])).toEqual([
      ['ecc-uncorrected', 'critical'],
      ['memory-nearly-full', 'warning'],
      ['throttled-thermal', 'warning'],
      ['stray-process', 'warning'],
      ['throttled-power', 'info'],
    ]);
    expect(findings.find((f) => f.code === 'stray-process')?.message).toBe(
      'PID 31337 (/usr/bin/python3) holds 14950 MiB on GPU 0 (Tesla T4) and runs outside any container: no pod accounts for this memory.',
    );
    expect(findings.find((f) => f.code === 'memory-nearly-full')?.message).toContain('98.3% used (15101 MiB of 15360 MiB)');
    expect(result.severity).toBe('critical');
    expect(result.hypotheses.map((h) => [h.title, h.likelihood])).toEqual([
      ['GPU 0: 2 uncorrected ECC errors', 'high'],
      ['GPU 0 memory 98% full', 'medium'],
      ['GPU 0 thermally throttled', 'medium'],
      ['Stray process 31337 (14950 MiB) on GPU 0', 'medium'],
    ]);
    expect(result.summary).toMatch(/^GPU 0 \(Tesla T4\) reports 2 uncorrected/);
  });

  it('calls a process in a container no pod owns a stray, and MIG is noted', async () => {
    const kube = await withKube();
    const result = await gpuDiagnostic.run(
      {},
      deps({
        runCommand: nvidiaSmi(fixture('a100-mig-query-gpu.csv'), fixture('a100-mig-query-apps.csv')),
        readFile: async (path) => (path === '/proc/23824/cgroup' ? cgroupOf(SERVER_CONTAINER) : cgroupOf('ab'.repeat(32))),
        kube,
      }),
    );
    const gpus = result.data['gpus'] as Array<{ processes: Array<{ pid: number; pod: unknown }> }>;
    expect(gpus[0]?.processes[0]).toMatchObject({ pid: 23824, pod: { name: 'llm-server-6d8f7b9c4-k2x7p' } });
    const findings = result.data['findings'] as Array<{ code: string; message: string }>;
    expect(findings.filter((f) => f.code === 'stray-process')).toHaveLength(4);
    expect(findings.find((f) => f.code === 'stray-process')?.message).toContain('in container abababababab, which no pod on this node owns');
    expect(findings.map((f) => f.code)).toContain('mig-enabled');
    // the five processes share two container ids: the API was asked once per container, not per process
    expect(standIn?.requests).toHaveLength(2);
  });

  it('says so when /proc is not readable instead of calling processes strays', async () => {
    const result = await gpuDiagnostic.run(
      {},
      deps({
        runCommand: nvidiaSmi(fixture('h100-recorded/query-gpu.csv'), fixture('h100-recorded/query-apps.csv')),
        readFile: async (path) => {
          throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
        },
      }),
    );
    const findings = result.data['findings'] as Array<{ code: string; message: string }>;
    expect(findings.map((f) => f.code)).toEqual(['processes-unattributed']);
    expect(findings[0]?.message).toContain('hostPID: true');
  });

  it.each([
    ['errors/driver-mismatch.txt', 18, 'driver-mismatch', /reboot/],
    ['errors/no-devices.txt', 6, 'no-devices', /lspci/],
    ['errors/gpu-lost.txt', 15, 'gpu-lost', /Xid 79/],
  ])('turns %s into a critical finding, not a crash', async (file, exitCode, code, fix) => {
    const result = await gpuDiagnostic.run({}, deps({ runCommand: nvidiaSmi(fixture(file), '', exitCode) }));
    expect(result.data['gpus']).toEqual([]);
    expect(result.data['findings']).toEqual([expect.objectContaining({ code, severity: 'critical' })]);
    expect(result.severity).toBe('critical');
    expect(`${result.summary} ${result.fixes.join(' ')}`).toMatch(fix);
  });

  it('reads the DCGM exporter over HTTP: Xid 48, ECC, a nearly full GPU used by a pod', async () => {
    server = createServer((_req, res) => res.end(fixture('dcgm-a100-xid.prom')));
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const result = await gpuDiagnostic.run({ dcgmUrl: url }, deps({ runCommand: () => Promise.reject(new Error('nvidia-smi must not run')) }));
    const findings = result.data['findings'] as Array<{ code: string; gpu: number | null; severity: string }>;
    expect(findings.map((f) => [f.code, f.gpu, f.severity])).toEqual([
      ['ecc-uncorrected', 1, 'critical'],
      ['xid-error', 1, 'critical'],
      ['memory-nearly-full', 0, 'warning'],
    ]);
    const gpus = result.data['gpus'] as Array<{ processes: unknown[] }>;
    expect(gpus[0]?.processes).toEqual([{ pid: null, name: 'vllm', usedMiB: null, pod: { namespace: 'vllm-inference', name: 'vllm-medgemma-4b-it-d599b4c99-f95nk', container: 'vllm' } }]);
  });

  it('makes an unreachable DCGM exporter a finding', async () => {
    server = createServer();
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    const result = await gpuDiagnostic.run({ dcgmUrl: `http://127.0.0.1:${port}/metrics` }, deps({}));
    expect(result.data['findings']).toEqual([expect.objectContaining({ code: 'dcgm-unreachable', severity: 'critical' })]);
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
    expect(result.data['findings']).toEqual([expect.objectContaining({ code: 'dcgm-no-metrics', severity: 'warning' })]);
    expect(result.data['gpus']).toEqual([]);
  });

  it('says so when the URL answers with something that is not Prometheus text (a login page)', async () => {
    server = createServer((_req, res) => res.end('<html><body>Sign in</body></html>\n'));
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const result = await gpuDiagnostic.run({ dcgmUrl: url }, deps({}));
    expect(result.data['findings']).toEqual([expect.objectContaining({ code: 'dcgm-unreachable', message: expect.stringContaining('not Prometheus metrics') })]);
  });

  it('parses `gpu <node> --dcgm-url URL` and routes to that node', async () => {
    const payload = gpuDiagnostic.payload.parse(gpuDiagnostic.parseArgs(['gpu-node-3', '--dcgm-url', 'http://dcgm:9400/metrics']));
    expect(payload).toEqual({ node: 'gpu-node-3', dcgmUrl: 'http://dcgm:9400/metrics' });
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
          return args[0]?.startsWith('--query-gpu')
            ? { stdout: fixture('t4-throttled-query-gpu.csv'), stderr: '', exitCode: 0 }
            : { stdout: fixture('t4-throttled-query-apps.csv'), stderr: '', exitCode: 0 };
        },
        readFile: async () => fixture('cgroup/host-process-v2.txt'),
      },
    });
    const res = await stack.sendCommand('gpu gpu-node-7');
    expect(res.status).toBe(200);
    const { transcript } = await stack.waitForReport();
    expect(ran).toEqual(['nvidia-smi', 'nvidia-smi']);
    expect(transcript).toContain('uncorrected (double-bit) ECC');
    expect(transcript).toContain('PID 31337 (/usr/bin/python3) holds 14950 MiB');
    const onNode = await stack.store.queue(nodeQueue('gpu-node-7')).getJobs(['completed']);
    const onShared = await stack.store.queue(SHARED_QUEUE).getJobs(['completed', 'waiting', 'active']);
    expect(onNode.map((j) => [j.name, j.data.payload])).toEqual([['gpu', { node: 'gpu-node-7' }]]);
    expect(onShared).toEqual([]);
  });
});
