// GPU faults injected into recorded output: the H100's nvidia-smi answers
// (test/fixtures/gpu/h100-serving/, every value from the recording in ../h100-recorded/) served
// through deps.runCommand, and DCGM exporter text served over a local HTTP server for --dcgm-url.
// Each fault edits the recorded text the way the fault would show in it: a second process holding
// 60 GB, a GPU fallen off the bus (Xid 79), thermal throttling, memory 99 % full. Healthy controls
// are the recordings unchanged.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKubeAccess } from '../../src/k8s/kube-access.ts';
import { GPU_QUERY_FIELDS, type RunCommand } from '../../src/gpu/nvidia-smi.ts';
import { llmServerScenario, startKubeApiStandIn } from '../../test/support/kube-api-stand-in.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/gpu/${name}`, import.meta.url), 'utf8');
export const H100_UUID = 'GPU-7ad72e88-c89d-41c0-7a26-78c392ef49bd';
/** The llm-server pod's `server` container (test/fixtures/k8s/pod-ml-llm-server.json). */
const SERVER_CONTAINER = '9821ba51c94d650a7950daf2c32eb3d6582f84a3423ec555ad4b2e9161c4750b';
const POD = 'llm-server-6d8f7b9c4-k2x7p';

interface SmiText {
  gpu: string;
  apps: string;
  remap: string;
  exitCode?: number;
}

export function recorded(): SmiText {
  return { gpu: fixture('h100-serving/query-gpu.csv'), apps: fixture('h100-serving/query-apps.csv'), remap: fixture('h100-serving/query-remapped-rows.csv') };
}

/** Edits fields of the first `--query-gpu` row by field name, as the fault would change them. */
export function editGpu(text: string, fields: Partial<Record<(typeof GPU_QUERY_FIELDS)[number], string>>): string {
  const [row = '', ...rest] = text.split('\n');
  const cells = row.split(', ');
  for (const [name, value] of Object.entries(fields)) cells[GPU_QUERY_FIELDS.indexOf(name as (typeof GPU_QUERY_FIELDS)[number])] = value;
  return [cells.join(', '), ...rest].join('\n');
}

function nvidiaSmi(t: SmiText): RunCommand {
  return async (_file, args) => {
    const q = args[0] ?? '';
    if (q.startsWith('--query-gpu')) return { stdout: t.gpu, stderr: '', exitCode: t.exitCode ?? 0 };
    if (q.startsWith('--query-compute-apps')) return { stdout: t.apps, stderr: '', exitCode: 0 };
    return { stdout: t.remap, stderr: '', exitCode: 0 };
  };
}

const cgroupOf = (id: string) => `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_0000_4000_8000_000000000001.slice/cri-containerd-${id}.scope\n`;

/** Runs `gpu …` against nvidia-smi text; PID 406 is the llm-server pod's, any other PID a host process. */
export async function gpuOnSmi(t: SmiText, line = 'gpu'): Promise<ReturnType<typeof runCommandLine>> {
  const readFile = async (path: string) => (path === '/proc/406/cgroup' ? cgroupOf(SERVER_CONTAINER) : fixture('cgroup/host-process-v2.txt'));
  if (!line.includes('--pod')) return runCommandLine(line, { nodeName: 'gpu-node-3', runCommand: nvidiaSmi(t), readFile });
  const standIn = await startKubeApiStandIn(llmServerScenario());
  try {
    const kube = createKubeAccess({ namespaces: [], kubeConfig: standIn.kubeConfig() });
    return await runCommandLine(line, { nodeName: 'gpu-node-3', runCommand: nvidiaSmi(t), readFile, kube });
  } finally {
    await standIn.close();
  }
}

/** Serves DCGM exporter text on loopback for the duration of one `gpu --dcgm-url` run. */
export async function gpuOnDcgm(text: string): Promise<ReturnType<typeof runCommandLine>> {
  const server = createServer((_req, res) => res.end(text));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    return await runCommandLine(`gpu gpu-node-3 --dcgm-url ${url}`, { nodeName: 'gpu-node-3', runCommand: () => Promise.reject(new Error('nvidia-smi must not run with --dcgm-url')) });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** Sets one DCGM field of one GPU (by its `gpu` label) in exporter text. */
export function editDcgm(text: string, field: string, gpu: string, value: string): string {
  return text
    .split('\n')
    .map((l) => (l.startsWith(`${field}{`) && l.includes(`gpu="${gpu}"`) ? l.replace(/ \S+$/, ` ${value}`) : l))
    .join('\n');
}

export const scenarios: Scenario[] = [
  {
    name: 'gpu-h100-serving-healthy',
    injected: 'none: the recorded H100 with one serving process (19 GiB)',
    expect: null,
    deterministic: true,
    run: async () => [await gpuOnSmi(recorded())],
  },
  {
    name: 'gpu-h100-idle-recorded',
    injected: 'none: the recorded idle H100, its own --format=csv header and units',
    expect: null,
    deterministic: true,
    run: async () => [await gpuOnSmi({ gpu: fixture('h100-recorded/query-gpu.csv'), apps: 'pid, process_name, gpu_uuid, used_gpu_memory [MiB]\n', remap: '' })],
  },
  {
    name: 'gpu-foreign-process-60gb',
    injected: 'a host process (PID 2207) holds 60 GiB on the serving pod\'s GPU',
    expect: 'gpu-foreign-process',
    deterministic: true,
    run: async () => {
      const t = recorded();
      t.gpu = editGpu(t.gpu, { 'memory.used': '81133', 'memory.free': '426', 'utilization.gpu': '71', 'clocks.sm': '1980', 'clocks_throttle_reasons.active': '0x0000000000000000' });
      t.apps += `2207, python, ${H100_UUID}, 61440\n`;
      return [await gpuOnSmi(t, `gpu gpu-node-3 --pod ml/${POD}`)];
    },
  },
  {
    name: 'gpu-foreign-process-no-target',
    injected: 'a host process holds 40 GiB next to the server, no target pod named',
    expect: 'gpu-foreign-process',
    deterministic: true,
    run: async () => {
      const t = recorded();
      t.gpu = editGpu(t.gpu, { 'memory.used': '60653', 'memory.free': '20426' });
      t.apps += `3120, python3, ${H100_UUID}, 40960\n`;
      return [await gpuOnSmi(t)];
    },
  },
  {
    name: 'gpu-memory-99-full',
    injected: 'the serving process itself fills 99 % of the H100 (batch too large)',
    expect: 'gpu-memory-full',
    deterministic: true,
    run: async () => {
      const t = recorded();
      t.gpu = editGpu(t.gpu, { 'memory.used': '80811', 'memory.free': '268', 'utilization.gpu': '88', 'clocks.sm': '1980', 'clocks_throttle_reasons.active': '0x0000000000000000' });
      t.apps = t.apps.replace('19684', '80802');
      return [await gpuOnSmi(t, `gpu gpu-node-3 --pod ml/${POD}`)];
    },
  },
  {
    name: 'gpu-thermal-throttle',
    injected: 'cooling failure: 91 °C, hardware and software thermal slowdown, SM clock 1275 of 1980 MHz under load',
    expect: 'gpu-throttled',
    deterministic: true,
    run: async () => {
      const t = recorded();
      t.gpu = editGpu(t.gpu, { 'utilization.gpu': '97', 'temperature.gpu': '91', 'power.draw': '402.17', 'clocks.sm': '1275', 'clocks_throttle_reasons.active': '0x0000000000000060' });
      return [await gpuOnSmi(t)];
    },
  },
  {
    name: 'gpu-fallen-off-bus',
    injected: 'Xid 79: the GPU fell off the bus; nvidia-smi cannot get its device handle (real error text)',
    expect: 'gpu-hardware-failure',
    deterministic: true,
    run: async () => [await gpuOnSmi({ gpu: fixture('errors/gpu-lost.txt'), apps: '', remap: '', exitCode: 15 })],
  },
  {
    name: 'gpu-ecc-row-remap-pending',
    injected: 'two uncorrectable ECC errors on the H100, a row remap pending',
    expect: 'gpu-hardware-failure',
    deterministic: true,
    run: async () => {
      const t = recorded();
      t.gpu = editGpu(t.gpu, { 'ecc.errors.uncorrected.volatile.total': '2', 'ecc.errors.uncorrected.aggregate.total': '2' });
      t.remap = `${H100_UUID}, 2, Yes, No\n`;
      return [await gpuOnSmi(t)];
    },
  },
  {
    name: 'gpu-dcgm-xid79',
    injected: 'DCGM exporter: GPU 1 last reported Xid 79 (fallen off the bus)',
    expect: 'gpu-hardware-failure',
    deterministic: true,
    run: async () => {
      let text = fixture('dcgm-a100-xid.prom');
      text = editDcgm(text, 'DCGM_FI_DEV_XID_ERRORS', '1', '79');
      text = editDcgm(text, 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', '1', '0');
      text = editDcgm(text, 'DCGM_FI_DEV_FB_USED', '0', '41020');
      text = editDcgm(text, 'DCGM_FI_DEV_FB_FREE', '0', '39975');
      return [await gpuOnDcgm(text)];
    },
  },
  {
    name: 'gpu-dcgm-t4-healthy',
    injected: 'none: a DCGM exporter scrape of a busy T4 used by one pod',
    expect: null,
    deterministic: true,
    run: async () => [await gpuOnDcgm(fixture('dcgm-t4-pod.prom'))],
  },
];
