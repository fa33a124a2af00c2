// nvidia-smi parsing against recorded (H100) and reconstructed (A100 MIG, T4) outputs, and every
// failure state turned into a GpuFailure instead of a crash.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  APP_QUERY_ARGS,
  blankGpu,
  decodeThrottleReasons,
  failuresIn,
  GPU_QUERY_ARGS,
  parseAppQuery,
  parseGpuQuery,
  parseRemapQuery,
  queryNvidiaSmi,
  REMAP_QUERY_ARGS,
  type RunCommand,
} from '../../src/gpu/nvidia-smi.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/gpu/${name}`, import.meta.url), 'utf8');
const signal = new AbortController().signal;

describe('parseGpuQuery', () => {
  it('reads the recorded H100 --format=csv output by its header, units and all', () => {
    const [gpu, ...rest] = parseGpuQuery(fixture('h100-recorded/query-gpu.csv'));
    expect(rest).toEqual([]);
    expect(gpu).toEqual({
      ...blankGpu(0, 'GPU-7ad72e88-c89d-41c0-7a26-78c392ef49bd', 'NVIDIA H100 80GB HBM3'),
      busId: '00000000:00:06.0',
      memoryTotalMiB: 81559,
      memoryUsedMiB: 0,
      memoryFreeMiB: 81079,
      utilizationPct: 0,
      temperatureC: 32,
      powerDrawW: 112.05,
      powerLimitW: 700,
      smClockMHz: 510,
      memClockMHz: 2619,
      eccUncorrected: 0,
      migMode: 'disabled',
      throttleReasons: null, // not asked in that recording
    });
  });

  it('reads the recorded noheader,nounits output given the fields that were asked', () => {
    const fields = ['index', 'uuid', 'name', 'memory.total', 'memory.used', 'memory.free', 'utilization.gpu'];
    const [gpu] = parseGpuQuery(fixture('h100-recorded/query-gpu-nounits.csv'), fields);
    expect(gpu).toMatchObject({ memoryTotalMiB: 81559, memoryUsedMiB: 19693, memoryFreeMiB: 61387, utilizationPct: 0, temperatureC: null });
  });

  it('reads a MIG-enabled A100: utilization N/A, MIG mode per GPU', () => {
    const gpus = parseGpuQuery(fixture('a100-mig-query-gpu.csv'));
    expect(gpus.map((g) => [g.index, g.migMode, g.utilizationPct, g.memoryUsedMiB])).toEqual([
      [0, 'disabled', 58, 23100],
      [1, 'enabled', null, 24205],
    ]);
  });

  it('reads several T4s; MIG [N/A] becomes null', () => {
    const gpus = parseGpuQuery(fixture('t4-query-gpu.csv'));
    expect(gpus).toHaveLength(2);
    expect(gpus.map((g) => [g.name, g.memoryUsedMiB, g.powerDrawW, g.powerLimitW, g.migMode, g.throttleReasons])).toEqual([
      ['Tesla T4', 2795, 31, 70, null, []],
      ['Tesla T4', 5587, 30, 70, null, []],
    ]);
  });

  it('decodes the throttle mask and keeps a GPU name that contains commas', () => {
    const [hot] = parseGpuQuery(fixture('t4-throttled-query-gpu.csv'));
    expect(hot?.throttleReasons).toEqual(['sw_power_cap', 'sw_thermal_slowdown', 'hw_thermal_slowdown']);
    expect(hot?.eccUncorrected).toBe(2);
    expect(hot).toMatchObject({ busId: '00000000:00:1E.0', smClockMaxMHz: 1590, eccUncorrectedAggregate: 2, retiredPagesPending: false, pcieGen: 3, pcieWidth: 16, pcieWidthMax: 16 });
    const [odd] = parseGpuQuery('3, GPU-x, Some GPU, rev 2, 100, 1, 99, 0, 40, [Not Supported], [N/A], 100, 100, [N/A], [N/A], [N/A], [N/A], [N/A], [N/A], [N/A], [N/A], [N/A], [N/A], [N/A]\n');
    expect(odd).toMatchObject({ index: 3, name: 'Some GPU, rev 2', powerDrawW: null, eccUncorrected: null, throttleReasons: null });
  });

  it('skips the error line of a lost GPU but keeps the healthy one', () => {
    const text = fixture('errors/one-gpu-lost-query-gpu.csv');
    expect(parseGpuQuery(text).map((g) => g.name)).toEqual(['NVIDIA GeForce RTX 2080 Ti']);
    expect(failuresIn(text)).toEqual([
      { kind: 'gpu-lost', busId: '0000:0B:00.0', detail: 'Unable to determine the device handle for GPU 0000:0B:00.0: Unknown Error' },
    ]);
  });
});

describe('parseRemapQuery', () => {
  it('reads the row remapper state per GPU, as Yes/No or 1/0', () => {
    const remap = parseRemapQuery(fixture('h100-serving/query-remapped-rows.csv'));
    expect(remap.get('GPU-7ad72e88-c89d-41c0-7a26-78c392ef49bd')).toEqual({ remappedRowsUncorrectable: 0, remappedRowsPending: false, remappedRowsFailure: false });
    expect(parseRemapQuery('GPU-a, 3, 1, 0\n').get('GPU-a')).toEqual({ remappedRowsUncorrectable: 3, remappedRowsPending: true, remappedRowsFailure: false });
  });
});

describe('parseAppQuery', () => {
  it('reads the recorded H100 process list (header used_gpu_memory [MiB])', () => {
    expect(parseAppQuery(fixture('h100-recorded/query-apps.csv'))).toEqual([
      { pid: 406, name: 'python3', gpuUuid: 'GPU-7ad72e88-c89d-41c0-7a26-78c392ef49bd', usedMiB: 19684 },
    ]);
  });

  it('reads processes on MIG instances and [N/A] memory as null', () => {
    const procs = parseAppQuery(fixture('a100-mig-query-apps.csv'));
    expect(procs.map((p) => p.pid)).toEqual([23824, 33724, 34965, 58661, 46505]);
    expect(parseAppQuery('77, python, GPU-a, [N/A]\n')).toEqual([{ pid: 77, name: 'python', gpuUuid: 'GPU-a', usedMiB: null }]);
  });
});

describe('decodeThrottleReasons', () => {
  it('names each NVML reason bit', () => {
    expect(decodeThrottleReasons('0x0000000000000001')).toEqual(['gpu_idle']);
    expect(decodeThrottleReasons('0x0000000000000084')).toEqual(['sw_power_cap', 'hw_power_brake_slowdown']);
    expect(decodeThrottleReasons(0)).toEqual([]);
    expect(decodeThrottleReasons('garbage')).toBeNull();
  });
});

describe('failuresIn (real error texts from public issue threads)', () => {
  it.each([
    ['errors/driver-mismatch.txt', 'driver-mismatch', 'Failed to initialize NVML: Driver/library version mismatch (NVML library version 570.124)'],
    ['errors/no-devices.txt', 'no-devices', 'No devices were found'],
    ['errors/gpu-lost.txt', 'gpu-lost', 'Unable to determine the device handle for GPU0000:07:00.0: Unknown Error'],
    ['errors/driver-not-loaded.txt', 'driver-not-loaded', expect.stringContaining("couldn't communicate with the NVIDIA driver")],
    ['errors/nvml-unknown-error.txt', 'nvml-init-failed', 'Failed to initialize NVML: Unknown Error'],
  ])('%s → %s', (file, kind, detail) => {
    expect(failuresIn(fixture(file))).toEqual([expect.objectContaining({ kind, detail })]);
  });
});

describe('queryNvidiaSmi with a runCommand stand-in', () => {
  function fake(answers: Record<string, Awaited<ReturnType<RunCommand>>>): { run: RunCommand; calls: Array<[string, string[]]> } {
    const calls: Array<[string, string[]]> = [];
    const run: RunCommand = async (file, args) => {
      calls.push([file, args]);
      const key = args[0]?.startsWith('--query-gpu') ? 'gpu' : args[0]?.startsWith('--query-remapped-rows') ? 'remap' : 'apps';
      return answers[key] ?? { stdout: '', stderr: '', exitCode: 0 };
    };
    return { run, calls };
  }

  it('asks nvidia-smi the three fixed queries without a shell and joins the answers', async () => {
    const { run, calls } = fake({
      gpu: { stdout: fixture('h100-serving/query-gpu.csv'), stderr: '', exitCode: 0 },
      apps: { stdout: fixture('h100-serving/query-apps.csv'), stderr: '', exitCode: 0 },
      remap: { stdout: 'GPU-7ad72e88-c89d-41c0-7a26-78c392ef49bd, 0, Yes, No\n', stderr: '', exitCode: 0 },
    });
    const snap = await queryNvidiaSmi(run, { signal });
    expect(calls).toEqual([
      ['nvidia-smi', GPU_QUERY_ARGS],
      ['nvidia-smi', APP_QUERY_ARGS],
      ['nvidia-smi', REMAP_QUERY_ARGS],
    ]);
    expect(GPU_QUERY_ARGS[0]).toBe(
      '--query-gpu=index,uuid,name,memory.total,memory.used,memory.free,utilization.gpu,temperature.gpu,power.draw,power.limit,clocks.sm,clocks.mem,ecc.errors.uncorrected.volatile.total,mig.mode.current,clocks_throttle_reasons.active,pci.bus_id,clocks.max.sm,ecc.errors.uncorrected.aggregate.total,retired_pages.pending,pcie.link.gen.current,pcie.link.gen.max,pcie.link.width.current,pcie.link.width.max',
    );
    expect(snap.gpus).toEqual([expect.objectContaining({ memoryUsedMiB: 19693, smClockMaxMHz: 1980, pcieGen: 5, pcieGenMax: 5, remappedRowsPending: true, remappedRowsFailure: false })]);
    expect(snap.processes).toEqual([{ pid: 406, name: 'python3', gpuUuid: 'GPU-7ad72e88-c89d-41c0-7a26-78c392ef49bd', usedMiB: 19684 }]);
    expect(snap.failures).toEqual([]);
  });

  it('takes a GPU that refuses the row-remapping query (before Ampere) as not reporting it', async () => {
    const { run } = fake({
      gpu: { stdout: fixture('t4-throttled-query-gpu.csv'), stderr: '', exitCode: 0 },
      apps: { stdout: fixture('t4-throttled-query-apps.csv'), stderr: '', exitCode: 0 },
      remap: { stdout: '', stderr: 'Field "remapped_rows.pending" is not a valid field to query.\n', exitCode: 2 },
    });
    const snap = await queryNvidiaSmi(run, { signal });
    expect(snap.gpus).toEqual([expect.objectContaining({ remappedRowsPending: null, remappedRowsFailure: null })]);
    expect(snap.processes).toEqual([{ pid: 31337, name: '/usr/bin/python3', gpuUuid: 'GPU-1b965d81-1d0f-6501-027c-1ecc1437f5ea', usedMiB: 14950 }]);
    expect(snap.failures).toEqual([]);
  });

  it('turns a driver/library mismatch (exit 18) into a failure, not an exception', async () => {
    const { run, calls } = fake({ gpu: { stdout: fixture('errors/driver-mismatch.txt'), stderr: '', exitCode: 18 } });
    const snap = await queryNvidiaSmi(run, { signal });
    expect(snap.gpus).toEqual([]);
    expect(snap.failures.map((f) => f.kind)).toEqual(['driver-mismatch']);
    expect(calls).toHaveLength(1); // no point asking for processes
  });

  it('reports not installed, timed out, and an unknown non-zero exit', async () => {
    expect((await queryNvidiaSmi(fake({ gpu: { stdout: '', stderr: 'spawn nvidia-smi ENOENT', exitCode: null, notFound: true } }).run, { signal })).failures).toEqual([
      { kind: 'not-installed', detail: 'nvidia-smi: not found on PATH' },
    ]);
    expect((await queryNvidiaSmi(fake({ gpu: { stdout: '', stderr: '', exitCode: null, timedOut: true } }).run, { signal, timeoutMs: 5000 })).failures).toEqual([
      { kind: 'timeout', detail: 'nvidia-smi did not answer within 5 s' },
    ]);
    expect((await queryNvidiaSmi(fake({ gpu: { stdout: '', stderr: 'Segmentation fault\n', exitCode: 139 } }).run, { signal })).failures).toEqual([
      { kind: 'failed', detail: 'nvidia-smi exited with 139: Segmentation fault' },
    ]);
  });
});
