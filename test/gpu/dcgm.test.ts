// The DCGM exporter's Prometheus text folded into GpuRecords (+ pods, last Xid).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDcgmMetrics } from '../../src/gpu/dcgm.ts';
import { blankGpu } from '../../src/gpu/nvidia-smi.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/gpu/${name}`, import.meta.url), 'utf8');

describe('parseDcgmMetrics', () => {
  it('keeps each MIG instance\'s framebuffer, so a full 1g.10gb slice is not hidden by an empty GPU', () => {
    // dcgm-exporter's MIG labels (GPU_I_PROFILE, GPU_I_ID), as in NVIDIA/dcgm-exporter's MIG documentation.
    const labels = (id: string, pod = '') => `gpu="0",UUID="GPU-5a1e7c3d",modelName="NVIDIA A100-SXM4-80GB",GPU_I_PROFILE="1g.10gb",GPU_I_ID="${id}"${pod ? `,namespace="ml",pod="${pod}",container="server"` : ''}`;
    const text = [
      `DCGM_FI_DEV_FB_USED{${labels('7')}} 13`,
      `DCGM_FI_DEV_FB_FREE{${labels('7')}} 9758`,
      `DCGM_FI_DEV_FB_USED{${labels('13', 'embedder-1')}} 9688`,
      `DCGM_FI_DEV_FB_FREE{${labels('13', 'embedder-1')}} 83`,
    ].join('\n');
    const [gpu] = parseDcgmMetrics(text);
    expect(gpu).toMatchObject({ migMode: 'enabled', memoryUsedMiB: 9701, memoryFreeMiB: 9841 });
    expect(gpu!.migInstances).toEqual([
      { id: '7', profile: '1g.10gb', usedMiB: 13, freeMiB: 9758, pods: [] },
      { id: '13', profile: '1g.10gb', usedMiB: 9688, freeMiB: 83, pods: [{ namespace: 'ml', name: 'embedder-1', container: 'server' }] },
    ]);
  });

  it('reads a T4 scrape with pod mapping into one record', () => {
    expect(parseDcgmMetrics(fixture('dcgm-t4-pod.prom'))).toEqual([
      {
        ...blankGpu(0, 'GPU-e1200d64-e918-4277-cad9-75da90b9f618', 'Tesla T4'),
        memoryTotalMiB: 15109,
        memoryUsedMiB: 0,
        memoryFreeMiB: 15109,
        utilizationPct: 100,
        temperatureC: 61,
        powerDrawW: 69.932,
        powerLimitW: null,
        smClockMHz: 1590,
        memClockMHz: 5000,
        eccUncorrected: 0,
        migMode: null,
        throttleReasons: null,
        lastXid: 0,
        pods: [{ namespace: 'default', name: 'dcgmproftester', container: 'dcgmproftester11' }],
        hostname: 'nvidia-dcgm-exporter-ml2wh',
      },
    ]);
  });

  it('keeps GPUs apart by UUID, with Xid and double-bit ECC errors', () => {
    const gpus = parseDcgmMetrics(fixture('dcgm-a100-xid.prom'));
    expect(gpus.map((g) => [g.index, g.memoryUsedMiB, g.memoryTotalMiB, g.lastXid, g.eccUncorrected, g.pods.map((p) => p.name)])).toEqual([
      [0, 79761, 80995, 0, 0, ['vllm-medgemma-4b-it-d599b4c99-f95nk']],
      [1, 0, 80995, 48, 3, []],
    ]);
  });

  it('reads row remapping, lifetime ECC and the PCIe link when the exporter sends them', () => {
    const labels = 'gpu="0",UUID="GPU-b",modelName="NVIDIA H100 80GB HBM3",pci_bus_id="00000000:00:06.0"';
    const text = ['DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_ROW_REMAP_PENDING', 'DCGM_FI_DEV_ROW_REMAP_FAILURE', 'DCGM_FI_DEV_ECC_DBE_AGG_TOTAL', 'DCGM_FI_DEV_PCIE_LINK_WIDTH', 'DCGM_FI_DEV_PCIE_MAX_LINK_WIDTH']
      .map((f, i) => `${f}{${labels}} ${[100, 1, 0, 4, 8, 16][i]}`)
      .join('\n');
    expect(parseDcgmMetrics(text)).toEqual([
      expect.objectContaining({ busId: '00000000:00:06.0', remappedRowsPending: true, remappedRowsFailure: false, eccUncorrectedAggregate: 4, pcieWidth: 8, pcieWidthMax: 16, pcieGen: null }),
    ]);
  });

  it('sums MIG instances of one GPU and marks MIG enabled', () => {
    const text = [
      'DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a",modelName="NVIDIA A30",GPU_I_PROFILE="1g.6gb",GPU_I_ID="3"} 100',
      'DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a",modelName="NVIDIA A30",GPU_I_PROFILE="1g.6gb",GPU_I_ID="4",pod="p",namespace="ns",container="c"} 200',
      'DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-a",modelName="NVIDIA A30",GPU_I_PROFILE="1g.6gb",GPU_I_ID="3"} 5000',
      'DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-a",modelName="NVIDIA A30",GPU_I_PROFILE="1g.6gb",GPU_I_ID="4"} 4900',
      'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS{gpu="0",UUID="GPU-a",modelName="NVIDIA A30"} 68',
    ].join('\n');
    expect(parseDcgmMetrics(text)).toEqual([
      expect.objectContaining({ memoryUsedMiB: 300, memoryFreeMiB: 9900, memoryTotalMiB: 10200, migMode: 'enabled', throttleReasons: ['sw_power_cap', 'hw_thermal_slowdown'] }),
    ]);
  });

  it('rejects text that is not Prometheus exposition, naming the source and line', () => {
    expect(() => parseDcgmMetrics('DCGM_FI_DEV_FB_USED{gpu="0" 12\n', 'http://dcgm:9400/metrics')).toThrow(/^http:\/\/dcgm:9400\/metrics line 1: /);
  });

  it('returns nothing for a scrape without DCGM GPU metrics', () => {
    expect(parseDcgmMetrics('# HELP up\nup 1\nhttp_requests_total{code="200"} 5\n')).toEqual([]);
  });
});
