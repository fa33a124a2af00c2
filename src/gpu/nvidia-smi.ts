// nvidia-smi as a data source: the two fixed queries (GPUs, compute processes), their CSV parsed
// into typed records, and every way nvidia-smi fails (not installed, no devices, driver/library
// mismatch, a GPU fallen off the bus, a hang) turned into a GpuFailure the report can show.
// No shell is involved: the arguments are constants, never user input.
import type { DiagnosticDeps } from '../core/diagnostic.ts';

/** Fields asked of `--query-gpu`, in order. `clocks_throttle_reasons.active` is the pre-535 name;
 * newer drivers accept it and answer under `clocks_event_reasons.active`. */
export const GPU_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'memory.total',
  'memory.used',
  'memory.free',
  'utilization.gpu',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'clocks.sm',
  'clocks.mem',
  'ecc.errors.uncorrected.volatile.total',
  'mig.mode.current',
  'clocks_throttle_reasons.active',
  'pci.bus_id',
  'clocks.max.sm',
  'ecc.errors.uncorrected.aggregate.total',
  'retired_pages.pending',
  'pcie.link.gen.current',
  'pcie.link.gen.max',
  'pcie.link.width.current',
  'pcie.link.width.max',
] as const;

export const APP_QUERY_FIELDS = ['pid', 'process_name', 'gpu_uuid', 'used_memory'] as const;

/** Row remapping (Ampere and later): a separate query; older GPUs answer that it is not supported. */
export const REMAP_QUERY_FIELDS = ['gpu_uuid', 'remapped_rows.uncorrectable', 'remapped_rows.pending', 'remapped_rows.failure'] as const;

export const GPU_QUERY_ARGS = [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
export const APP_QUERY_ARGS = [`--query-compute-apps=${APP_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
export const REMAP_QUERY_ARGS = [`--query-remapped-rows=${REMAP_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];

/** One GPU as nvidia-smi (or the DCGM exporter) reports it. A value the device does not report is null. */
export interface GpuRecord {
  index: number;
  uuid: string;
  name: string;
  memoryTotalMiB: number | null;
  memoryUsedMiB: number | null;
  memoryFreeMiB: number | null;
  utilizationPct: number | null;
  temperatureC: number | null;
  powerDrawW: number | null;
  powerLimitW: number | null;
  smClockMHz: number | null;
  memClockMHz: number | null;
  /** Volatile uncorrected (double-bit) ECC errors since the driver loaded; null where ECC is unsupported. */
  eccUncorrected: number | null;
  /** null on GPUs without MIG support. */
  migMode: 'enabled' | 'disabled' | null;
  /** Active clock-event (throttle) reasons, e.g. `sw_power_cap`, `hw_thermal_slowdown`; null when not reported. */
  throttleReasons: string[] | null;
  /** PCI bus id, e.g. `00000000:00:06.0`; null when not reported. */
  busId: string | null;
  /** Highest SM clock the GPU supports, MHz. */
  smClockMaxMHz: number | null;
  /** Uncorrected ECC errors over the GPU's lifetime (survives driver reloads). */
  eccUncorrectedAggregate: number | null;
  /** Pages waiting to be retired at the next driver reload (pre-Ampere ECC page retirement). */
  retiredPagesPending: boolean | null;
  /** Rows waiting to be remapped at the next GPU reset (Ampere and later). */
  remappedRowsPending: boolean | null;
  /** A row remap failed: the GPU has run out of spare rows. */
  remappedRowsFailure: boolean | null;
  /** Rows remapped because of uncorrectable errors. */
  remappedRowsUncorrectable: number | null;
  pcieGen: number | null;
  pcieGenMax: number | null;
  pcieWidth: number | null;
  pcieWidthMax: number | null;
}

/** A GpuRecord with only the identity known; every measurement null. */
export function blankGpu(index: number, uuid: string, name: string): GpuRecord {
  return {
    index,
    uuid,
    name,
    memoryTotalMiB: null,
    memoryUsedMiB: null,
    memoryFreeMiB: null,
    utilizationPct: null,
    temperatureC: null,
    powerDrawW: null,
    powerLimitW: null,
    smClockMHz: null,
    memClockMHz: null,
    eccUncorrected: null,
    migMode: null,
    throttleReasons: null,
    busId: null,
    smClockMaxMHz: null,
    eccUncorrectedAggregate: null,
    retiredPagesPending: null,
    remappedRowsPending: null,
    remappedRowsFailure: null,
    remappedRowsUncorrectable: null,
    pcieGen: null,
    pcieGenMax: null,
    pcieWidth: null,
    pcieWidthMax: null,
  };
}

/** A process holding GPU memory. */
export interface GpuProcess {
  pid: number;
  name: string;
  gpuUuid: string;
  /** null when nvidia-smi cannot say (e.g. "[N/A]" without permissions). */
  usedMiB: number | null;
}

export type GpuFailureKind =
  | 'not-installed'
  | 'no-devices'
  | 'driver-mismatch'
  | 'driver-not-loaded'
  | 'nvml-init-failed'
  | 'gpu-lost'
  | 'timeout'
  | 'failed';

/** Why nvidia-smi could not (fully) answer. `detail` is nvidia-smi's own words. */
export interface GpuFailure {
  kind: GpuFailureKind;
  detail: string;
  /** PCI bus id of the GPU concerned, when nvidia-smi names one. */
  busId?: string;
}

/** NVML clock-event reason bits (nvmlClocksEventReason*), lowest first. */
const THROTTLE_BITS: ReadonlyArray<[bigint, string]> = [
  [0x1n, 'gpu_idle'],
  [0x2n, 'applications_clocks_setting'],
  [0x4n, 'sw_power_cap'],
  [0x8n, 'hw_slowdown'],
  [0x10n, 'sync_boost'],
  [0x20n, 'sw_thermal_slowdown'],
  [0x40n, 'hw_thermal_slowdown'],
  [0x80n, 'hw_power_brake_slowdown'],
  [0x100n, 'display_clocks_setting'],
  [0x200n, 'board_limit'],
  [0x400n, 'reliability'],
];

/** Decodes a reason bitmask (`0x0000000000000044` or a decimal number) into reason names. */
export function decodeThrottleReasons(mask: string | number): string[] | null {
  let bits: bigint;
  try {
    bits = BigInt(typeof mask === 'number' ? Math.trunc(mask) : mask.trim());
  } catch {
    return null;
  }
  return THROTTLE_BITS.filter(([bit]) => (bits & bit) !== 0n).map(([, name]) => name);
}

const NOT_A_VALUE = /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions|GPU is lost|Requires Root)\]?$/i;

function numberOrNull(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const v = raw.trim();
  if (v === '' || NOT_A_VALUE.test(v)) return null;
  const n = Number.parseFloat(v); // tolerates units ("81559 MiB") when `nounits` was not honoured
  return Number.isFinite(n) ? n : null;
}

/** nvidia-smi's yes/no fields: `Yes`/`No`, `1`/`0`; null for N/A. */
function flagOrNull(raw: string | undefined): boolean | null {
  const v = raw?.trim().toLowerCase();
  if (v === undefined || v === '' || NOT_A_VALUE.test(v)) return null;
  if (v === 'yes' || v === 'true' || (/^\d+$/.test(v) && Number(v) > 0)) return true;
  if (v === 'no' || v === 'false' || v === '0') return false;
  return null;
}

function migModeOf(raw: string | undefined): GpuRecord['migMode'] {
  const v = raw?.trim().toLowerCase();
  return v === 'enabled' ? 'enabled' : v === 'disabled' ? 'disabled' : null;
}

/** Header names nvidia-smi prints for the names we ask (`clocks.sm` → `clocks.current.sm [MHz]`). */
const HEADER_ALIASES: Record<string, string> = {
  'clocks.current.sm': 'clocks.sm',
  'clocks.current.memory': 'clocks.mem',
  'clocks.max.sm': 'clocks.max.sm',
  'clocks.max.graphics': 'clocks.max.sm',
  'clocks_event_reasons.active': 'clocks_throttle_reasons.active',
  used_gpu_memory: 'used_memory',
};

/**
 * Rows of nvidia-smi CSV as name → value maps. Columns come from a header line when there is one
 * (`--format=csv`), else from `columns` (the fields asked, for `noheader`). Surplus commas are
 * folded into the `nameColumn` (a GPU or process name).
 */
function csvRows(stdout: string, columns: readonly string[], nameColumn: string): Array<Map<string, string>> {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  let cols = columns;
  const header = lines[0];
  if (header && /^(index|pid|uuid|gpu_uuid)\b/.test(header)) {
    cols = header.split(',').map((h) => {
      const name = h.trim().replace(/\s*\[.*\]$/, '');
      return HEADER_ALIASES[name] ?? name;
    });
  }
  const joinAt = Math.max(0, cols.indexOf(nameColumn));
  const rows: Array<Map<string, string>> = [];
  for (const line of lines) {
    if (!/^(\d+|GPU-[0-9a-fA-F-]+)\s*,/.test(line)) continue; // header or an error message
    const parts = line.split(',').map((v) => v.trim());
    if (parts.length < cols.length) continue;
    const surplus = parts.length - cols.length;
    if (surplus > 0) parts.splice(joinAt, surplus + 1, parts.slice(joinAt, joinAt + surplus + 1).join(', '));
    rows.push(new Map(cols.map((c, i) => [c, parts[i] ?? ''])));
  }
  return rows;
}

/** Matches nvidia-smi's failure messages, in any position of its output. */
export function failuresIn(text: string): GpuFailure[] {
  const out: GpuFailure[] = [];
  const line = (re: RegExp) => text.split('\n').find((l) => re.test(l))?.trim() ?? '';
  if (/No devices were found/i.test(text)) out.push({ kind: 'no-devices', detail: line(/No devices were found/i) });
  if (/Driver\/library version mismatch/i.test(text)) {
    const lib = /NVML library version:\s*(\S+)/i.exec(text)?.[1];
    out.push({ kind: 'driver-mismatch', detail: line(/version mismatch/i) + (lib ? ` (NVML library version ${lib})` : '') });
  } else if (/Failed to initialize NVML/i.test(text)) {
    out.push({ kind: 'nvml-init-failed', detail: line(/Failed to initialize NVML/i) });
  }
  if (/couldn't communicate with the NVIDIA driver/i.test(text)) {
    out.push({ kind: 'driver-not-loaded', detail: line(/couldn't communicate with the NVIDIA driver/i) });
  }
  for (const m of text.matchAll(/Unable to determine the device handle for GPU\s*([0-9A-Fa-f]+:[0-9A-Fa-f]+:[0-9A-Fa-f]+\.[0-9A-Fa-f]+)?:?\s*([^\n]*)/g)) {
    out.push({ kind: 'gpu-lost', detail: m[0].trim(), ...(m[1] ? { busId: m[1] } : {}) });
  }
  if (!out.some((f) => f.kind === 'gpu-lost') && /GPU is lost|fallen off the bus/i.test(text)) {
    out.push({ kind: 'gpu-lost', detail: line(/GPU is lost|fallen off the bus/i) });
  }
  return out;
}

/**
 * Parses `--query-gpu` output. `columns` are the fields asked (default GPU_QUERY_FIELDS); a header
 * line, when present, names them instead. Fields not asked are null.
 */
export function parseGpuQuery(stdout: string, columns: readonly string[] = GPU_QUERY_FIELDS): GpuRecord[] {
  return csvRows(stdout, columns, 'name').map((r) => {
    const throttle = r.get('clocks_throttle_reasons.active')?.trim() ?? '';
    const busId = r.get('pci.bus_id')?.trim() ?? '';
    return {
      ...blankGpu(Number(r.get('index')), r.get('uuid') ?? '', r.get('name') ?? ''),
      memoryTotalMiB: numberOrNull(r.get('memory.total')),
      memoryUsedMiB: numberOrNull(r.get('memory.used')),
      memoryFreeMiB: numberOrNull(r.get('memory.free')),
      utilizationPct: numberOrNull(r.get('utilization.gpu')),
      temperatureC: numberOrNull(r.get('temperature.gpu')),
      powerDrawW: numberOrNull(r.get('power.draw')),
      powerLimitW: numberOrNull(r.get('power.limit')),
      smClockMHz: numberOrNull(r.get('clocks.sm')),
      memClockMHz: numberOrNull(r.get('clocks.mem')),
      eccUncorrected: numberOrNull(r.get('ecc.errors.uncorrected.volatile.total')),
      migMode: migModeOf(r.get('mig.mode.current')),
      throttleReasons: throttle === '' || NOT_A_VALUE.test(throttle) ? null : decodeThrottleReasons(throttle),
      busId: busId === '' || NOT_A_VALUE.test(busId) ? null : busId,
      smClockMaxMHz: numberOrNull(r.get('clocks.max.sm')),
      eccUncorrectedAggregate: numberOrNull(r.get('ecc.errors.uncorrected.aggregate.total')),
      retiredPagesPending: flagOrNull(r.get('retired_pages.pending')),
      pcieGen: numberOrNull(r.get('pcie.link.gen.current')),
      pcieGenMax: numberOrNull(r.get('pcie.link.gen.max')),
      pcieWidth: numberOrNull(r.get('pcie.link.width.current')),
      pcieWidthMax: numberOrNull(r.get('pcie.link.width.max')),
    };
  });
}

/** Parses `--query-remapped-rows` output: per GPU UUID, the remapper's state. */
export function parseRemapQuery(stdout: string): Map<string, Pick<GpuRecord, 'remappedRowsPending' | 'remappedRowsFailure' | 'remappedRowsUncorrectable'>> {
  const out = new Map<string, Pick<GpuRecord, 'remappedRowsPending' | 'remappedRowsFailure' | 'remappedRowsUncorrectable'>>();
  for (const r of csvRows(stdout, REMAP_QUERY_FIELDS, 'gpu_uuid')) {
    const uuid = r.get('gpu_uuid')?.trim();
    if (!uuid) continue;
    out.set(uuid, {
      remappedRowsPending: flagOrNull(r.get('remapped_rows.pending')),
      remappedRowsFailure: flagOrNull(r.get('remapped_rows.failure')),
      remappedRowsUncorrectable: numberOrNull(r.get('remapped_rows.uncorrectable')),
    });
  }
  return out;
}

/** Parses `--query-compute-apps` output (columns as for {@link parseGpuQuery}). */
export function parseAppQuery(stdout: string, columns: readonly string[] = APP_QUERY_FIELDS): GpuProcess[] {
  return csvRows(stdout, columns, 'process_name').map((r) => ({
    pid: Number(r.get('pid')),
    name: r.get('process_name') ?? '',
    gpuUuid: r.get('gpu_uuid') ?? '',
    usedMiB: numberOrNull(r.get('used_memory')),
  }));
}

/** Spawns a program without a shell: `DiagnosticDeps.runCommand`. */
export type RunCommand = NonNullable<DiagnosticDeps['runCommand']>;

export interface NvidiaSmiSnapshot {
  gpus: GpuRecord[];
  processes: GpuProcess[];
  failures: GpuFailure[];
}

/** Options for {@link queryNvidiaSmi}. */
export interface NvidiaSmiOptions {
  signal: AbortSignal;
  /** Deadline per nvidia-smi call, ms. A hung driver makes nvidia-smi block for minutes. Default 15000. */
  timeoutMs?: number;
  /** Program to run. Default `nvidia-smi` (found on PATH). */
  binary?: string;
}

/** Runs both queries; never throws for nvidia-smi's own failures (they come back in `failures`). */
export async function queryNvidiaSmi(run: RunCommand, options: NvidiaSmiOptions): Promise<NvidiaSmiSnapshot> {
  const binary = options.binary ?? 'nvidia-smi';
  const callOptions = { timeoutMs: options.timeoutMs ?? 15_000, signal: options.signal };
  const gpuOut = await run(binary, GPU_QUERY_ARGS, callOptions);
  const first = outcomeFailures(gpuOut, binary, callOptions.timeoutMs);
  const gpus = parseGpuQuery(gpuOut.stdout);
  if (gpus.length === 0) {
    return { gpus, processes: [], failures: first.length > 0 ? first : [{ kind: 'no-devices', detail: 'nvidia-smi listed no GPU' }] };
  }
  const appOut = await run(binary, APP_QUERY_ARGS, callOptions);
  const second = outcomeFailures(appOut, binary, callOptions.timeoutMs).filter((f) => !first.some((g) => g.kind === f.kind && g.busId === f.busId));
  // Row remapping is optional: GPUs before Ampere (and old drivers) refuse the query; that is no failure.
  const remapOut = await run(binary, REMAP_QUERY_ARGS, callOptions);
  const remap = remapOut.exitCode === 0 ? parseRemapQuery(remapOut.stdout) : new Map();
  return { gpus: gpus.map((g) => ({ ...g, ...remap.get(g.uuid) })), processes: parseAppQuery(appOut.stdout), failures: [...first, ...second] };
}

function outcomeFailures(
  out: Awaited<ReturnType<RunCommand>>,
  binary: string,
  timeoutMs: number,
): GpuFailure[] {
  if (out.notFound) return [{ kind: 'not-installed', detail: `${binary}: not found on PATH` }];
  if (out.timedOut) return [{ kind: 'timeout', detail: `${binary} did not answer within ${Math.round(timeoutMs / 1000)} s` }];
  const failures = failuresIn(`${out.stdout}\n${out.stderr}`);
  if (failures.length === 0 && out.exitCode !== 0) {
    const firstLine = (out.stderr.trim() || out.stdout.trim()).split('\n')[0] ?? '';
    failures.push({ kind: 'failed', detail: `${binary} exited with ${out.exitCode}${firstLine ? `: ${firstLine}` : ''}` });
  }
  return failures;
}
