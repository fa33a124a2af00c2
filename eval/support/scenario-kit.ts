// Small helpers the scenario files share: pooling several diagnostics' results into one
// investigation, a temporary folder that is always removed, deterministic weights for test
// models, and the two profile runs (an endpoint of the sample model server with a body, an ONNX
// model file) as a scenario starts them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModelServer, type FaultsPatch } from '../../examples/model-server/server.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { seededRandom } from '../../src/stats/seeded-random.ts';
import { runCommandLine } from '../scenario.ts';
import { fixtureJson, llmServerScenario, type KubeApiStandInOptions, type StandInPod } from '../../test/support/kube-api-stand-in.ts';

/** Several diagnostics' results, run at once, as one investigation ranks them. */
export const together = async (...pieces: Array<Promise<unknown>>) => (await Promise.all(pieces)).flat() as DiagnosticResult[];

/** Runs `fn` in a fresh temporary folder named after `prefix`, removed afterwards whatever happens. */
export async function withTemp<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `infdbg-${prefix}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Deterministic weights in [-0.05, 0.05) × `scale` (a linear congruential stream from `seed`). */
export function weights(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32 - 0.5) / 10) * scale;
  }
  return out;
}

/** `profile <server>/predict --body @file <flags>` against a sample model server with `faults` (its random faults seeded). */
export function profileEndpoint(faults: FaultsPatch, flags: string, body: string, seed: number): Promise<DiagnosticResult[]> {
  return withTemp('profile-endpoint', async (dir) => {
    const file = join(dir, 'body.json');
    await writeFile(file, body);
    const server = await startModelServer({ faults, random: seededRandom(seed) });
    try {
      return [await runCommandLine(`profile ${server.url}/predict --body @${file} ${flags}`)];
    } finally {
      await server.close();
    }
  });
}

/** `profile <model.onnx> <flags>` on the model's bytes, written to a temporary file. */
export function profileModel(bytes: Uint8Array, flags: string): Promise<DiagnosticResult[]> {
  return withTemp('profile-model', async (dir) => {
    const file = join(dir, 'model.onnx');
    await writeFile(file, bytes);
    return [await runCommandLine(`profile ${file} ${flags}`)];
  });
}

/** Draws of a seeded uniform source (test/support/seeded-random.ts). */
export type Random = () => number;
/** One normal draw (Box–Muller) from a seeded uniform source. */
export const normal = (r: Random, mean = 0, sd = 1) => mean + sd * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
export const round = (x: number, d = 0) => Number(x.toFixed(d));
export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
/** One of `values`, drawn with the given (unnormalised) shares. */
export const pick = <T>(r: Random, values: readonly T[], shares: readonly number[]): T => {
  let u = r() * shares.reduce((a, b) => a + b, 0);
  for (let i = 0; i < values.length; i++) if ((u -= shares[i]!) < 0) return values[i]!;
  return values[values.length - 1]!;
};

/** A little-endian float32 NumPy .npy file (format 1.0) of `values` with `shape`. */
export function npy(values: Float32Array, shape: number[]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header = header + ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = new Uint8Array(10 + header.length);
  head.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8], 0);
  head.set(new TextEncoder().encode(header), 10);
  const out = new Uint8Array(head.length + values.byteLength);
  out.set(head, 0);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), head.length);
  return out;
}

/** Rows of one record type as CSV, columns in the first row's key order. */
export function rowsCsv<T extends object>(rows: readonly T[]): string {
  const cols = Object.keys(rows[0]!) as Array<keyof T>;
  return `${[cols.join(','), ...rows.map((row) => cols.map((c) => String(row[c])).join(','))].join('\n')}\n`;
}

/** `drift reference.csv current.csv <flags>` on two sets of rows written to a temporary folder. */
export function driftOnRows<T extends object>(prefix: string, reference: readonly T[], current: readonly T[], flags = ''): Promise<DiagnosticResult[]> {
  return withTemp(prefix, async (dir) => {
    await writeFile(join(dir, 'reference.csv'), rowsCsv(reference));
    await writeFile(join(dir, 'current.csv'), rowsCsv(current));
    return [await runCommandLine(`drift ${join(dir, 'reference.csv')} ${join(dir, 'current.csv')}${flags ? ` ${flags}` : ''}`)];
  });
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The recorded ranker scaled to `replicas`, every one ready: the Deployment and its current
 * ReplicaSet (revision 12) as the controller leaves them after a scale (spec, status and the
 * desired-replicas annotation).
 */
export function rankerReplicas(options: KubeApiStandInOptions, replicas: number): { deployment: Json; current: Json } {
  const deployment = options.deployments![0] as Json;
  deployment.spec.replicas = replicas;
  Object.assign(deployment.status, { replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas });
  const current = (options.replicaSets as Json[]).find((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'] === '12')!;
  Object.assign(current.spec, { replicas });
  Object.assign(current.status, { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas });
  current.metadata.annotations['deployment.kubernetes.io/desired-replicas'] = String(replicas);
  return { deployment, current };
}

/** The `server` container's status in a recorded pod. */
export const serverStatus = (pod: Json): Json => (pod.status.containerStatuses as Json[]).find((c) => c.name === 'server')!;
/** Sets the `server` container's memory usage in recorded pod metrics, e.g. `'31Gi'`. */
export const setServerUsage = (metrics: Json, memory: string) => void ((metrics.containers as Json[]).find((c) => c.name === 'server')!.usage.memory = memory);

/** The recorded llm-server pod and its metrics, edited by `edit`; logs as given. */
export function llmServerPod(edit: (pod: Json, metrics: Json, events: Json) => void, logs: { previous?: string; current?: string } = {}): StandInPod {
  const base = llmServerScenario().pods[0]!;
  const pod = structuredClone(base.pod) as Json;
  const metrics = structuredClone(base.metrics) as Json;
  const events = structuredClone(base.events) as Json;
  edit(pod, metrics, events);
  return { ...base, pod, metrics, events, previousLogs: logs.previous === undefined ? {} : { server: logs.previous }, logs: { ...base.logs, ...(logs.current === undefined ? {} : { server: logs.current }) } };
}

/** The recorded node gpu-node-3 with MemoryPressure False. */
export function quietNode(): Json {
  const n = structuredClone(fixtureJson('node-gpu-node-3.json')) as Json;
  const c = (n.status.conditions as Json[]).find((x) => x.type === 'MemoryPressure')!;
  Object.assign(c, { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' });
  return n;
}

/** cpu-node-2: the recorded node renamed, without GPUs, 32 cores, no memory pressure. */
export function cpuNode(): Json {
  const n = structuredClone(fixtureJson<Json>('node-gpu-node-3.json'));
  n.metadata.name = 'cpu-node-2';
  n.metadata.labels = { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': 'cpu-node-2', 'kubernetes.io/os': 'linux' };
  for (const k of ['capacity', 'allocatable']) delete n.status[k]['nvidia.com/gpu'];
  Object.assign(n.status.capacity, { cpu: '32', memory: '131891524Ki' });
  Object.assign(n.status.allocatable, { cpu: '31', memory: '129794372Ki' });
  const c = (n.status.conditions as Json[]).find((x) => x.type === 'MemoryPressure')!;
  Object.assign(c, { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' });
  return n;
}
