// The DCGM exporter as a GPU source, for clusters that run it instead of letting workers call
// nvidia-smi: its Prometheus text (`DCGM_FI_DEV_*` gauges labelled gpu/UUID/modelName and, with
// pod mapping on, pod/namespace/container) folded into the same GpuRecords, plus the pods the
// exporter attributes to each GPU and the last Xid error it saw.
import { parseExposition } from '../prometheus/exposition.ts';
import { blankGpu, decodeThrottleReasons, type GpuRecord } from './nvidia-smi.ts';

/** A pod the exporter attributes GPU use to (pod mapping on). */
export interface DcgmPod {
  namespace: string;
  name: string;
  container: string | null;
}

export interface DcgmGpu extends GpuRecord {
  /** Last Xid error code the exporter saw (0 = none), null when not exported. */
  lastXid: number | null;
  pods: DcgmPod[];
  hostname: string | null;
  /** MIG instances with their own framebuffer, when the exporter labels series with GPU_I_ID. */
  migInstances?: DcgmMigInstance[];
}

/** One MIG GPU instance as the exporter reports it: its profile, framebuffer and the pods on it. */
export interface DcgmMigInstance {
  id: string;
  profile: string | null;
  usedMiB: number | null;
  freeMiB: number | null;
  pods: DcgmPod[];
}

const FIELD = {
  DCGM_FI_DEV_FB_USED: 'used',
  DCGM_FI_DEV_FB_FREE: 'free',
  DCGM_FI_DEV_FB_RESERVED: 'reserved',
  DCGM_FI_DEV_GPU_UTIL: 'util',
  DCGM_FI_DEV_GPU_TEMP: 'temp',
  DCGM_FI_DEV_POWER_USAGE: 'power',
  DCGM_FI_DEV_POWER_MGMT_LIMIT: 'powerLimit',
  DCGM_FI_DEV_SM_CLOCK: 'smClock',
  DCGM_FI_DEV_MEM_CLOCK: 'memClock',
  DCGM_FI_DEV_XID_ERRORS: 'xid',
  DCGM_FI_DEV_ECC_DBE_VOL_TOTAL: 'ecc',
  DCGM_FI_DEV_CLOCK_THROTTLE_REASONS: 'throttle',
  DCGM_FI_DEV_CLOCKS_EVENT_REASONS: 'throttle',
  DCGM_FI_DEV_ECC_DBE_AGG_TOTAL: 'eccAgg',
  DCGM_FI_DEV_RETIRED_PENDING: 'retiredPending',
  DCGM_FI_DEV_ROW_REMAP_PENDING: 'remapPending',
  DCGM_FI_DEV_ROW_REMAP_FAILURE: 'remapFailure',
  DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS: 'remapUnc',
  DCGM_FI_DEV_MAX_SM_CLOCK: 'smClockMax',
  DCGM_FI_DEV_PCIE_LINK_GEN: 'pcieGen',
  DCGM_FI_DEV_PCIE_MAX_LINK_GEN: 'pcieGenMax',
  DCGM_FI_DEV_PCIE_LINK_WIDTH: 'pcieWidth',
  DCGM_FI_DEV_PCIE_MAX_LINK_WIDTH: 'pcieWidthMax',
} as const;
type Field = (typeof FIELD)[keyof typeof FIELD];

/**
 * Folds an exporter scrape into one record per physical GPU (MIG instances summed). Throws
 * InputError naming `source` when the text is not valid Prometheus exposition.
 */
export function parseDcgmMetrics(text: string, source = 'DCGM exporter'): DcgmGpu[] {
  const byUuid = new Map<string, { gpu: DcgmGpu; values: Partial<Record<Field, number[]>>; seen: Set<string>; mig: boolean; instances: Map<string, DcgmMigInstance> }>();
  for (const s of parseExposition(text, source).samples) {
    const field = FIELD[s.name as keyof typeof FIELD] as Field | undefined;
    const uuid = s.labels.UUID ?? s.labels.uuid;
    if (!field || !uuid) continue;
    let entry = byUuid.get(uuid);
    if (!entry) {
      entry = {
        gpu: {
          ...blankGpu(Number(s.labels.gpu ?? byUuid.size), uuid, s.labels.modelName ?? ''),
          busId: s.labels.pci_bus_id ?? null,
          lastXid: null,
          pods: [],
          hostname: s.labels.Hostname ?? s.labels.hostname ?? null,
        },
        values: {},
        seen: new Set(),
        mig: false,
        instances: new Map(),
      };
      byUuid.set(uuid, entry);
    }
    const instance = s.labels.GPU_I_ID ?? '';
    if (instance !== '') entry.mig = true;
    // one value per (field, MIG instance): pod-labelled duplicates of a series count once
    const key = `${field}|${instance}`;
    if (!entry.seen.has(key) && Number.isFinite(s.value)) {
      entry.seen.add(key);
      (entry.values[field] ??= []).push(s.value);
    }
    const { pod, namespace, container } = s.labels;
    if (instance !== '') {
      const mi = entry.instances.get(instance) ?? { id: instance, profile: s.labels.GPU_I_PROFILE ?? null, usedMiB: null, freeMiB: null, pods: [] };
      entry.instances.set(instance, mi);
      if (Number.isFinite(s.value) && field === 'used') mi.usedMiB = s.value;
      if (Number.isFinite(s.value) && field === 'free') mi.freeMiB = s.value;
      if (pod && namespace && !mi.pods.some((p) => p.name === pod && p.namespace === namespace)) mi.pods.push({ namespace, name: pod, container: container || null });
    }
    if (pod && namespace && !entry.gpu.pods.some((p) => p.name === pod && p.namespace === namespace && p.container === (container ?? null))) {
      entry.gpu.pods.push({ namespace, name: pod, container: container || null });
    }
  }
  return [...byUuid.values()]
    .map(({ gpu, values, mig, instances }) => {
      const sum = (f: Field) => (values[f] ? values[f].reduce((a, b) => a + b, 0) : null);
      const max = (f: Field) => (values[f] ? Math.max(...values[f]) : null);
      const flag = (f: Field) => (values[f] ? values[f].some((v) => v > 0) : null);
      const used = sum('used');
      const free = sum('free');
      const reserved = sum('reserved') ?? 0;
      const throttle = max('throttle');
      return {
        ...gpu,
        memoryUsedMiB: used,
        memoryFreeMiB: free,
        memoryTotalMiB: used !== null && free !== null ? used + free + reserved : null,
        utilizationPct: max('util'),
        temperatureC: max('temp'),
        powerDrawW: max('power'),
        powerLimitW: max('powerLimit'),
        smClockMHz: max('smClock'),
        memClockMHz: max('memClock'),
        eccUncorrected: sum('ecc'),
        migMode: mig ? ('enabled' as const) : null,
        throttleReasons: throttle === null ? null : decodeThrottleReasons(throttle),
        lastXid: max('xid'),
        eccUncorrectedAggregate: sum('eccAgg'),
        retiredPagesPending: flag('retiredPending'),
        remappedRowsPending: flag('remapPending'),
        remappedRowsFailure: flag('remapFailure'),
        remappedRowsUncorrectable: sum('remapUnc'),
        smClockMaxMHz: max('smClockMax'),
        pcieGen: max('pcieGen'),
        pcieGenMax: max('pcieGenMax'),
        pcieWidth: max('pcieWidth'),
        pcieWidthMax: max('pcieWidthMax'),
        ...(instances.size > 0 ? { migInstances: [...instances.values()].sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id)) } : {}),
      };
    })
    .sort((a, b) => a.index - b.index);
}
