// GPU out-of-memory messages turned into numbers: how much was asked for, how big the GPU is, how
// much was free, how much the framework held and how much it had reserved but not used. Those
// numbers decide between "batch too large" (ask ≫ free), "fragmentation" (large reserved but
// unallocated) and "another process holds the GPU". Every wording PyTorch has used since 1.0 is
// read, plus ONNX Runtime's BFC arena and TensorRT's allocator failures.

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
