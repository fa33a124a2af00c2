// GPU out-of-memory messages turned into numbers: how much was asked for, how big the GPU is, how
// much was free, how much the framework held and how much it had reserved but not used. Those
// numbers tell apart "batch too large" (ask ≫ free), "fragmentation" (large reserved but
// unallocated) and "another process holds the GPU". Every wording PyTorch has used since 1.0 is
// read, plus ONNX Runtime's BFC arena and TensorRT's allocator failures. The numbers become
// observations (cuda_oom.*); the causes catalogue (src/diagnosis/causes/memory.yaml) weighs them.
import type { Observation } from '../diagnosis/observation.ts';
import { formatBytes } from '../k8s/quantity.ts';

export interface CudaOomEvent {
  source: 'pytorch' | 'onnxruntime' | 'tensorrt';
  /** CUDA device ordinal, when the message names it. */
  gpu: number | null;
  triedToAllocateBytes: number | null;
  totalCapacityBytes: number | null;
  /** Free device memory (ONNX Runtime: what the arena had left under its limit). */
  freeBytes: number | null;
  /** Memory in live tensors ("already allocated" / "allocated by PyTorch"). */
  allocatedByFrameworkBytes: number | null;
  /** Held by the caching allocator but not in tensors ("reserved but unallocated", older "cached",
   * or "reserved in total" minus "already allocated"). */
  reservedUnallocatedBytes: number | null;
  /** "Including non-PyTorch memory, this process has … in use". */
  thisProcessBytes: number | null;
  /** Other processes on the GPU ("Process 406 has 19.22 GiB memory in use"). */
  processes?: Array<{ pid: number; bytes: number }>;
  /** The log line the message was found on (not redacted: callers redact before output). */
  line: string;
}

const UNIT: Record<string, number> = { b: 1, byte: 1, bytes: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
const SIZE = String.raw`(\d+(?:\.\d+)?\s*(?:bytes|byte|B|KiB|MiB|GiB|TiB))`;

/** "14.56 GiB" → bytes (PyTorch prints two decimals, so the figure is as exact as the message). */
function bytesOf(size: string | undefined): number | null {
  if (!size) return null;
  const m = /^(\d+(?:\.\d+)?)\s*(\w+)$/.exec(size.trim());
  const unit = m?.[2] ? UNIT[m[2].toLowerCase()] : undefined;
  return m?.[1] && unit ? Math.round(Number(m[1]) * unit) : null;
}

const ANCHOR =
  /(?:CUDA|HIP) out of memory\.|Failed to allocate memory for requested buffer of size|Available memory of \d+ is smaller than requested bytes|Requested amount of (?:GPU )?memory \(|out of Memory \(Requested size was|allocating \d+-byte buffer/g;

const OLD_PT = new RegExp(
  String.raw`\(GPU (\d+); ${SIZE} total capacity; ${SIZE} already allocated; ${SIZE} free; (?:${SIZE} reserved in total by PyTorch|${SIZE} cached)\)`,
);
const NEW_PT_GPU = new RegExp(String.raw`GPU (\d+) has a total capac(?:i)?ty of ${SIZE} of which ${SIZE} is free`);
// Since pytorch/pytorch#124673 (2024) the CUDA-graph pools sit in between; the first figure includes them.
const NEW_PT_ALLOC = new RegExp(
  String.raw`Of the allocated memory ${SIZE} is allocated by PyTorch, (?:with ${SIZE} allocated in private pools \(e\.g\., CUDA Graphs\), )?and ${SIZE} is reserved by PyTorch but unallocated`,
);
const THIS_PROCESS = new RegExp(String.raw`this process has ${SIZE} memory in use`);
const OTHER_PROCESS = new RegExp(String.raw`Process (\d+) has ${SIZE} memory in use`, 'g');
const TRIED = new RegExp(String.raw`Tried to allocate ${SIZE}`);

function pytorch(window: string, line: string): CudaOomEvent {
  const ev: CudaOomEvent = {
    source: 'pytorch',
    gpu: null,
    triedToAllocateBytes: bytesOf(TRIED.exec(window)?.[1]),
    totalCapacityBytes: null,
    freeBytes: null,
    allocatedByFrameworkBytes: null,
    reservedUnallocatedBytes: null,
    thisProcessBytes: bytesOf(THIS_PROCESS.exec(window)?.[1]),
    line,
  };
  const old = OLD_PT.exec(window);
  if (old) {
    ev.gpu = Number(old[1]);
    ev.totalCapacityBytes = bytesOf(old[2]);
    ev.allocatedByFrameworkBytes = bytesOf(old[3]);
    ev.freeBytes = bytesOf(old[4]);
    const reservedTotal = bytesOf(old[5]);
    ev.reservedUnallocatedBytes =
      reservedTotal !== null && ev.allocatedByFrameworkBytes !== null
        ? Math.max(0, reservedTotal - ev.allocatedByFrameworkBytes)
        : bytesOf(old[6]); // ≤1.3 printed "cached" = reserved minus allocated
  }
  const gpu = NEW_PT_GPU.exec(window);
  if (gpu) {
    ev.gpu = Number(gpu[1]);
    ev.totalCapacityBytes = bytesOf(gpu[2]);
    ev.freeBytes = bytesOf(gpu[3]);
  }
  const alloc = NEW_PT_ALLOC.exec(window);
  if (alloc) {
    ev.allocatedByFrameworkBytes = bytesOf(alloc[1]);
    ev.reservedUnallocatedBytes = bytesOf(alloc[3]);
  }
  const others = [...window.matchAll(OTHER_PROCESS)].map((m) => ({ pid: Number(m[1]), bytes: bytesOf(m[2]) ?? 0 }));
  if (others.length > 0) ev.processes = others;
  return ev;
}

function bare(source: CudaOomEvent['source'], line: string, tried: number | null, free: number | null = null): CudaOomEvent {
  return {
    source,
    gpu: null,
    triedToAllocateBytes: tried,
    totalCapacityBytes: null,
    freeBytes: free,
    allocatedByFrameworkBytes: null,
    reservedUnallocatedBytes: null,
    thisProcessBytes: null,
    line,
  };
}

function lineAround(text: string, at: number): string {
  const start = text.lastIndexOf('\n', at) + 1;
  const endNl = text.indexOf('\n', at);
  return text.slice(start, endNl === -1 ? undefined : endNl).trim().slice(0, 2000);
}

/** Every GPU out-of-memory message in `text`, in order. A message may wrap over several lines. */
export function parseCudaOom(text: string): CudaOomEvent[] {
  const anchors = [...text.matchAll(ANCHOR)];
  const events: CudaOomEvent[] = [];
  anchors.forEach((m, i) => {
    const at = m.index;
    const end = Math.min(anchors[i + 1]?.index ?? text.length, at + 2000);
    const window = text.slice(at, end).replace(/\s+/g, ' ');
    const line = lineAround(text, at);
    const num = (re: RegExp) => {
      const v = re.exec(window)?.[1];
      return v === undefined ? null : Number(v);
    };
    if (/^(?:CUDA|HIP) out of memory/.test(window)) events.push(pytorch(window, line));
    else if (window.startsWith('Failed to allocate memory')) events.push(bare('onnxruntime', line, num(/of size (\d+)/)));
    else if (window.startsWith('Available memory of')) {
      events.push(bare('onnxruntime', line, num(/requested bytes of (\d+)/), num(/^Available memory of (\d+)/)));
    } else if (window.startsWith('Requested amount')) events.push(bare('tensorrt', line, num(/\((\d+) bytes\)/)));
    else if (window.startsWith('out of Memory')) events.push(bare('tensorrt', line, num(/Requested size was (\d+) bytes/)));
    else events.push(bare('tensorrt', line, num(/allocating (\d+)-byte buffer/)));
  });
  return events;
}

// ---- observations -------------------------------------------------------------------------

const GiB = 2 ** 30;
/** Shrink factors above this are beyond what batch size alone plausibly explains (said in the text). */
const MAX_BATCH_FACTOR = 16;

export const CUDA_OOM_VOCABULARY = {
  'cuda_oom.count': { unit: 'count', description: 'GPU out-of-memory messages in the (previous) logs of a container (subject: container)' },
  'cuda_oom.shrink_factor': { unit: 'ratio', description: 'tried to allocate / free at the latest CUDA OOM: the factor the batch (or sequence) must shrink by to be sure to fit (subject: container)' },
  'cuda_oom.batch_fix': { unit: 'label', description: 'the batch-size change that factor calls for, naming the setting when the container sets one (subject: container)' },
  'cuda_oom.fits_with_reserved': { unit: 'boolean', description: 'the failed request would fit in free + reserved-but-unallocated memory: the allocator holds the room in pieces (subject: container)' },
  'cuda_oom.reserved_unallocated_share': { unit: 'ratio', description: 'memory reserved by the allocator but not in tensors, as a share of the GPU (subject: container)' },
  'cuda_oom.fits_without_others': { unit: 'boolean', description: 'the failed request would fit if the other processes the message names released their memory (subject: container)' },
  'cuda_oom.tried_over_total': { unit: 'ratio', description: 'the failed request / the GPU capacity: above 1 nothing on the GPU can be the whole cause (subject: container)' },
  'gpu.foreign_process_memory': { unit: 'bytes', description: "memory held by a process that is not the target's (subject: pid or pod)" },
} as const;

export interface CudaOomInContainer extends CudaOomEvent {
  container: string;
}

/** A batch-size setting in a container's args or env, e.g. `--max-batch-size 64`. */
export interface BatchSetting {
  name: string;
  value: number;
}

/** Finds the batch-size setting (`--batch-size`, `--max-batch-size`, `--max-num-seqs`, `BATCH_SIZE`…) a container runs with. */
export function batchSetting(settings: { args: string[]; env: Record<string, string> } | undefined): BatchSetting | null {
  if (!settings) return null;
  const flag = /^--?(max[-_]batch[-_]size|batch[-_]size|max[-_]num[-_]seqs|max[-_]num[-_]batched[-_]tokens)(?:=(\d+))?$/;
  for (let i = 0; i < settings.args.length; i++) {
    const m = flag.exec(settings.args[i] ?? '');
    if (!m) continue;
    const value = Number(m[2] ?? settings.args[i + 1]);
    if (Number.isInteger(value) && value > 0) return { name: `--${m[1]}`, value };
  }
  for (const [k, v] of Object.entries(settings.env)) {
    if (/^(MAX_)?BATCH_SIZE$/.test(k) && Number.isInteger(Number(v)) && Number(v) > 0) return { name: k, value: Number(v) };
  }
  return null;
}

/** The most informative recent CUDA OOM: the last one that reports how much was asked for. */
export function latestCudaOom<T extends CudaOomEvent>(events: T[]): T | undefined {
  return [...events].reverse().find((ev) => ev.triedToAllocateBytes !== null) ?? events.at(-1);
}

/**
 * Processes the message names besides the one that failed. Inside a container PyTorch may not
 * recognise its own host PID and lists itself as "Process N"; a listed process whose memory
 * matches this process's allocated + reserved memory (within 1 GiB or 5 %), or the only listed
 * process when it holds all the used memory, is taken to be itself.
 */
export function otherProcesses(ev: CudaOomEvent): { bytes: number; list: Array<{ pid: number; bytes: number }>; self: { pid: number; bytes: number } | null } {
  const listed = ev.processes ?? [];
  let self: { pid: number; bytes: number } | null = null;
  if (ev.thisProcessBytes === null && ev.allocatedByFrameworkBytes !== null) {
    const own = ev.allocatedByFrameworkBytes + (ev.reservedUnallocatedBytes ?? 0);
    self = listed.find((p) => p.bytes >= own && p.bytes - own <= Math.max(GiB, 0.05 * own)) ?? null;
  }
  // A lone listed process that accounts for all used memory must be this one: the failing
  // process holds at least its CUDA context on the GPU, so it cannot be absent from the list.
  const { totalCapacityBytes: total, freeBytes: free } = ev;
  const only = listed.length === 1 ? listed[0] : undefined;
  if (!self && only && ev.thisProcessBytes === null && total !== null && free !== null && Math.abs(only.bytes - (total - free)) <= Math.max(GiB, 0.05 * total)) {
    self = only;
  }
  const list = listed.filter((p) => p !== self);
  return { bytes: list.reduce((s, p) => s + p.bytes, 0), list, self };
}

const times = (x: number) => `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;

/** Observations of one container's CUDA OOM messages: what the numbers of the latest say. */
export function observeCudaOom(events: CudaOomInContainer[], container: string, settings: { args: string[]; env: Record<string, string> } | undefined, o: (name: keyof typeof CUDA_OOM_VOCABULARY, value: number | boolean | string, text: string, extra?: { subject?: string; sampleSize?: number }) => Observation): Observation[] {
  const mine = events.filter((e) => e.container === container);
  if (mine.length === 0) return [];
  const ev = latestCudaOom(mine);
  if (!ev) return [];
  const at = { subject: container };
  const where = `container ${container}${ev.gpu !== null ? `, GPU ${ev.gpu}` : ''}`;
  const T = ev.triedToAllocateBytes;
  const F = ev.freeBytes;
  const A = ev.allocatedByFrameworkBytes;
  const R = ev.reservedUnallocatedBytes;
  const total = ev.totalCapacityBytes;
  const out: Observation[] = [
    o('cuda_oom.count', mine.length, `${mine.length} GPU out-of-memory message${mine.length === 1 ? '' : 's'} (${ev.source}) in the logs of ${where}${T !== null ? `; the latest tried to allocate ${formatBytes(T)}${F !== null ? ` with ${formatBytes(F)} free` : ''}${total !== null ? ` of ${formatBytes(total)}` : ''}` : ''}`, { ...at, sampleSize: mine.length }),
  ];
  if (T !== null && F !== null && F > 0 && T > F) {
    const safe = T / F;
    const optimistic = A !== null ? (A + T) / (A + F) : null;
    const divideBy = 2 ** Math.ceil(Math.log2(safe));
    // Activation memory grows linearly with batch size × sequence length. If everything already
    // allocated is fixed (weights), the failed allocation alone must shrink to fit the free memory:
    // factor T/F. If everything allocated is activations of this batch, all of it shrinks together:
    // (A+T)/(A+F). The truth lies between; T/F is the factor that is sure to fit.
    const text =
      `tried to allocate ${formatBytes(T)} with ${formatBytes(F)} free (${where}): activation memory grows linearly with batch × sequence length, so if the memory already allocated${A !== null ? ` (${formatBytes(A)})` : ''} is weights the batch must shrink by tried/free = ${times(safe)}` +
      (optimistic !== null ? `; if it is all activations of this batch, by (allocated+tried)/(allocated+free) = ${times(optimistic)}; ${times(safe)} is the factor sure to fit` : '') +
      (safe > MAX_BATCH_FACTOR ? `; a ${times(safe)} factor is beyond what batch size usually explains (memory reserved up front, e.g. a KV cache, or a model too large for this GPU)` : '');
    out.push(o('cuda_oom.shrink_factor', Math.round(safe * 10) / 10, text, at));
    const setting = batchSetting(settings);
    const fix = setting
      ? `Set ${setting.name} ${setting.value} → ${Math.max(1, Math.floor(setting.value / divideBy))} (divide by ${divideBy})`
      : `Divide the batch size (or max tokens / sequence length per batch) by ${divideBy}`;
    out.push(o('cuda_oom.batch_fix', fix, `${fix}${setting ? ` (the container runs with ${setting.name} ${setting.value})` : ''}`, at));
  }
  if (R !== null && T !== null && F !== null) {
    const fits = F + R >= T;
    out.push(o('cuda_oom.fits_with_reserved', fits, fits ? `the ${formatBytes(T)} request would fit in ${formatBytes(F)} free + ${formatBytes(R)} reserved by the allocator but unallocated, which is split into pieces too small for it (${where})` : `${formatBytes(F)} free + ${formatBytes(R)} reserved-but-unallocated is still short of the ${formatBytes(T)} request (${where})`, at));
  }
  if (R !== null) {
    const base = total ?? (A !== null ? A + R : null);
    if (base) out.push(o('cuda_oom.reserved_unallocated_share', R / base, `${formatBytes(R)} reserved by the allocator but unallocated = ${Math.round((100 * R) / base)} % of ${total !== null ? 'the GPU' : 'what it holds'} (${where})`, at));
  }
  if (T !== null && total !== null) out.push(o('cuda_oom.tried_over_total', T / total, `the ${formatBytes(T)} request is ${Math.round((100 * T) / total)} % of the ${formatBytes(total)} GPU (${where})`, at));
  const others = otherProcesses(ev);
  for (const p of others.list) {
    out.push(o('gpu.foreign_process_memory', p.bytes, `process ${p.pid} holds ${formatBytes(p.bytes)} on the same GPU (${where}, from the CUDA OOM message)`, { subject: `pid ${p.pid}` }));
  }
  if (others.list.length > 0 && T !== null && F !== null) {
    const fits = F + others.bytes >= T;
    out.push(o('cuda_oom.fits_without_others', fits, fits ? `without the other processes the request fits: ${formatBytes(F)} free + ${formatBytes(others.bytes)} = ${formatBytes(F + others.bytes)} ≥ ${formatBytes(T)}` : `freeing the other processes leaves ${formatBytes(F + others.bytes)}, still short of the ${formatBytes(T)} request`, at));
  }
  if (others.list.length === 0 && (ev.processes?.length ?? 0) > 0 && others.self) {
    out.push(o('gpu.foreign_process_memory', 0, `the only process the message names (${others.self.pid}, ${formatBytes(others.self.bytes)}) is the failing process itself, seen by its host PID`, { sampleSize: 1 }));
  }
  return out;
}
