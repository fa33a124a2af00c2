// GPU OOM messages → numbers, on real texts from every PyTorch wording, ONNX Runtime and TensorRT
// (sources in test/fixtures/logs/README.md). Sizes are the printed figure × the unit, rounded.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCudaOom } from '../../src/gpu/cuda-oom.ts';

const oom = (name: string) => readFileSync(new URL(`../fixtures/logs/oom/${name}`, import.meta.url), 'utf8');
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const b = (n: number, unit: number) => Math.round(n * unit);

describe('parseCudaOom: PyTorch', () => {
  it('torch 2.11 (recorded on an H100): another process, this process, allocated and reserved', () => {
    const [ev, ...rest] = parseCudaOom(oom('torch-2.11-h100-recorded.txt'));
    expect(rest).toEqual([]);
    expect(ev).toEqual({
      source: 'pytorch',
      gpu: 0,
      triedToAllocateBytes: b(46.57, GiB),
      totalCapacityBytes: b(79.18, GiB),
      freeBytes: b(12.87, GiB),
      allocatedByFrameworkBytes: b(46.57, GiB),
      reservedUnallocatedBytes: 0,
      thisProcessBytes: b(47.07, GiB),
      processes: [{ pid: 406, bytes: b(19.22, GiB) }],
      line: expect.stringMatching(/^torch\.OutOfMemoryError: CUDA out of memory\. Tried to allocate 46\.57 GiB\./),
    });
  });

  it('torch ≤1.3 "cached" (already the reserved-but-unallocated amount)', () => {
    expect(parseCudaOom(oom('torch-1.0-cached.txt'))).toEqual([
      expect.objectContaining({
        gpu: 0,
        triedToAllocateBytes: 13_107_200, // 12.50 MiB
        totalCapacityBytes: b(10.92, GiB),
        allocatedByFrameworkBytes: b(8.57, MiB),
        freeBytes: b(9.28, GiB),
        reservedUnallocatedBytes: b(4.68, MiB),
        thisProcessBytes: null,
      }),
    ]);
  });

  it('torch 1.4–2.0 "reserved in total by PyTorch": reserved minus allocated', () => {
    const [ev] = parseCudaOom(oom('torch-1.x-reserved-in-total.txt'));
    expect(ev).toMatchObject({
      triedToAllocateBytes: 247_463_936, // 236.00 MiB
      totalCapacityBytes: b(15.78, GiB),
      allocatedByFrameworkBytes: b(14.25, GiB),
      freeBytes: b(183.5, MiB),
      reservedUnallocatedBytes: b(14.34, GiB) - b(14.25, GiB),
    });
    expect(parseCudaOom(oom('torch-1.x-max-split-size.txt'))[0]).toMatchObject({ triedToAllocateBytes: 74 * MiB, freeBytes: b(12.94, MiB) });
  });

  it('torch 2.1 "total capacty" (sic) with another process', () => {
    expect(parseCudaOom(oom('torch-2.1-capacty-process.txt'))).toEqual([
      expect.objectContaining({
        triedToAllocateBytes: 496 * MiB,
        totalCapacityBytes: b(14.75, GiB),
        freeBytes: b(235.06, MiB),
        allocatedByFrameworkBytes: b(14.06, GiB),
        reservedUnallocatedBytes: b(330.42, MiB),
        processes: [{ pid: 20398, bytes: b(14.52, GiB) }],
      }),
    ]);
  });

  it('torch 2.2+ "Including non-PyTorch memory" and torch.OutOfMemoryError', () => {
    expect(parseCudaOom(oom('torch-2.2-non-pytorch-memory.txt'))[0]).toMatchObject({
      triedToAllocateBytes: 22 * MiB,
      totalCapacityBytes: b(23.65, GiB),
      freeBytes: b(11.06, MiB),
      thisProcessBytes: b(23.6, GiB),
      allocatedByFrameworkBytes: b(22.9, GiB),
      reservedUnallocatedBytes: b(194.87, MiB),
    });
    expect(parseCudaOom(oom('torch-2.5-outofmemoryerror.txt'))[0]).toMatchObject({
      triedToAllocateBytes: 226 * MiB,
      reservedUnallocatedBytes: b(336.73, MiB),
    });
  });

  it('a message wrapped over several lines, and "0 bytes"', () => {
    expect(parseCudaOom(oom('torch-2.1-wrapped.txt'))).toEqual([
      expect.objectContaining({
        triedToAllocateBytes: 138 * MiB,
        totalCapacityBytes: b(15.9, GiB),
        freeBytes: b(8.44, MiB),
        thisProcessBytes: b(15.32, GiB),
        allocatedByFrameworkBytes: b(14.12, GiB),
        reservedUnallocatedBytes: b(410.41, MiB),
        processes: [{ pid: 1246069, bytes: 577 * MiB }],
      }),
    ]);
    expect(parseCudaOom(oom('torch-2.1-zero-bytes.txt'))[0]).toMatchObject({ triedToAllocateBytes: 2 * GiB, allocatedByFrameworkBytes: 0, reservedUnallocatedBytes: 0 });
  });

  it('the "with … allocated in private pools (e.g., CUDA Graphs)" clause, quoted inside a vLLM error', () => {
    expect(parseCudaOom(oom('torch-private-pools.txt'))).toEqual([
      expect.objectContaining({
        gpu: 0,
        triedToAllocateBytes: 128 * MiB,
        totalCapacityBytes: b(79.33, GiB),
        freeBytes: 16 * MiB,
        allocatedByFrameworkBytes: b(69.59, GiB),
        reservedUnallocatedBytes: b(118.89, MiB),
        thisProcessBytes: null,
        processes: [{ pid: 36891, bytes: b(79.29, GiB) }],
      }),
    ]);
  });

  it('finds each message in a longer log, in order', () => {
    const log = `${oom('torch-1.0-cached.txt')}INFO retrying\n${oom('torch-2.2-non-pytorch-memory.txt')}`;
    expect(parseCudaOom(log).map((e) => e.triedToAllocateBytes)).toEqual([b(12.5, MiB), 22 * MiB]);
    expect(parseCudaOom('INFO all good, 3 KiB allocated\n')).toEqual([]);
  });
});

describe('parseCudaOom: ONNX Runtime and TensorRT', () => {
  it('BFC arena: "Failed to allocate memory for requested buffer of size N"', () => {
    expect(parseCudaOom(oom('onnxruntime-bfc-failed-to-allocate.txt'))).toEqual([
      expect.objectContaining({ source: 'onnxruntime', gpu: null, triedToAllocateBytes: 2_830_172_160, freeBytes: null }),
    ]);
  });

  it('BFC arena: "Available memory of N is smaller than requested bytes of M"', () => {
    expect(parseCudaOom(oom('onnxruntime-bfc-available-memory.txt'))).toEqual([
      expect.objectContaining({ source: 'onnxruntime', triedToAllocateBytes: 2048, freeBytes: 0 }),
    ]);
  });

  it('TensorRT: "Requested amount of (GPU) memory (N bytes)" and "Requested size was N bytes"', () => {
    expect(parseCudaOom(oom('tensorrt-requested-amount.txt'))).toEqual([expect.objectContaining({ source: 'tensorrt', triedToAllocateBytes: 4_294_967_296 })]);
    expect(parseCudaOom(oom('tensorrt-7-requested-amount.txt'))).toEqual([expect.objectContaining({ source: 'tensorrt', triedToAllocateBytes: 150_994_944 })]);
    expect(parseCudaOom(oom('tensorrt-10-requested-size.txt'))).toEqual([expect.objectContaining({ source: 'tensorrt', triedToAllocateBytes: 22_942_842_880 })]);
  });
});
