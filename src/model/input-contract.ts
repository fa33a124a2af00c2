// The input contract: a real request's tensors (`--inputs`) against what the model declares —
// missing or extra names, element type, rank, fixed dimensions — and, with `--reference-inputs`
// (tensors known to be preprocessed right), their values against the reference: the scale
// convention (0–1, 0–255, −1–1, standardized), the layout of 4-D images (NCHW against NHWC, from
// the dims or, when an HWC array was reshaped instead of transposed, from the buffer itself) and
// the channel order of 3-channel images (RGB against BGR, from per-channel means). Pure.
import { elementCount, toNumbers, type HostTensor } from './host-tensor.ts';
import type { TensorSignature } from './onnx-model.ts';

export type ContractProblemKind = 'missing' | 'extra' | 'dtype' | 'rank' | 'dims';

export interface ContractProblem {
  input: string;
  kind: ContractProblemKind;
  /** What the model declares, and what the request holds, in words (`float32`, `[1,3,224,224]`). */
  expected: string;
  actual: string;
  /** For a 4-D image in the other layout than the model declares: `NHWC vs NCHW` (request vs model). */
  layout?: string;
}

/** Value scale conventions an input can follow. */
export type ScaleConvention = '0-1' | '0-255' | '-1-1' | 'standardized' | 'other';

export interface InputValueCheck {
  input: string;
  current: { min: number; max: number; mean: number; std: number; scale: ScaleConvention };
  reference: { min: number; max: number; mean: number; std: number; scale: ScaleConvention };
  /** (current max − min) ÷ (reference max − min). */
  rangeRatio: number | null;
  /**
   * `NHWC vs NCHW` (current vs reference) when a 4-D input's dims are the other layout's, or when
   * its dims say NCHW but its buffer is channel-last (an HWC array reshaped instead of transposed).
   */
  layout: string | null;
  /** Set when the layout was read from the buffer: mean |Δ| between values 1 and 3 apart, request and reference. */
  interleaved?: { current: { lag1: number; lag3: number }; reference: { lag1: number; lag3: number } };
  /** Per-channel means (each side on its own scale, 0–1) when the input is a 3-channel image; `swapped` when reversed order fits far better. */
  channels: { current: number[]; reference: number[]; swapped: boolean } | null;
}

export interface InputContract {
  /** Input names the request holds. */
  given: string[];
  problems: ContractProblem[];
  /** Per input, with `--reference-inputs`. */
  values: InputValueCheck[];
  /** onnxruntime's own answer when the request's tensors were run as given (null: not run or ran). */
  runError: string | null;
}

const dimsText = (dims: ReadonlyArray<number | string> | null): string => (dims === null ? '?' : `[${dims.join(',')}]`);
const INTEGER_TYPES = new Set(['int64', 'int32', 'int16', 'int8', 'uint64', 'uint32', 'uint16', 'uint8']);

/** Missing and extra names, dtype, rank and fixed dims of `given` against the model's `inputs`. */
export function contractProblems(given: Readonly<Record<string, HostTensor>>, inputs: readonly TensorSignature[]): ContractProblem[] {
  const problems: ContractProblem[] = [];
  for (const sig of inputs) {
    const t = given[sig.name];
    if (!t) {
      problems.push({ input: sig.name, kind: 'missing', expected: `${sig.type}${dimsText(sig.dims)}`, actual: 'absent' });
      continue;
    }
    if (t.dtype === 'number') {
      // JSON numbers: only a fraction where the model takes integers is a type problem.
      if (INTEGER_TYPES.has(sig.type) && toNumbers(t).some((x) => !Number.isInteger(x))) problems.push({ input: sig.name, kind: 'dtype', expected: sig.type, actual: 'fractional numbers' });
    } else if (t.dtype !== sig.type) {
      problems.push({ input: sig.name, kind: 'dtype', expected: sig.type, actual: t.dtype });
    }
    if (sig.dims === null) continue;
    if (t.dims.length !== sig.dims.length) {
      problems.push({ input: sig.name, kind: 'rank', expected: `rank ${sig.dims.length} ${dimsText(sig.dims)}`, actual: `rank ${t.dims.length} ${dimsText(t.dims)}` });
      continue;
    }
    const bad = sig.dims.map((d, i) => (typeof d === 'number' && d !== t.dims[i] ? i : -1)).filter((i) => i >= 0);
    if (bad.length > 0) {
      const declared = channelAxis(sig.dims.map((d) => (typeof d === 'number' ? d : -1)));
      const held = channelAxis(t.dims);
      const layout = declared !== null && held !== null && declared !== held ? `${held === 3 ? 'NHWC' : 'NCHW'} vs ${declared === 3 ? 'NHWC' : 'NCHW'}` : undefined;
      problems.push({ input: sig.name, kind: 'dims', expected: dimsText(sig.dims), actual: `${dimsText(t.dims)} (axis ${bad.join(', ')})`, ...(layout ? { layout } : {}) });
    }
  }
  const known = new Set(inputs.map((i) => i.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) problems.push({ input: name, kind: 'extra', expected: `one of ${inputs.map((i) => i.name).join(', ')}`, actual: name });
  }
  return problems;
}

function summary(values: Float64Array): { min: number; max: number; mean: number; std: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (const x of values) {
    if (!Number.isFinite(x)) continue;
    n++;
    sum += x;
    sq += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = n > 0 ? sum / n : 0;
  return { min: n > 0 ? min : 0, max: n > 0 ? max : 0, mean, std: n > 0 ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0 };
}

/** Which value convention a tensor's range follows. */
export function scaleConvention(s: { min: number; max: number; mean: number; std: number }): ScaleConvention {
  const eps = 0.02;
  if (s.min >= -eps && s.max <= 1 + eps) return '0-1';
  if (s.min >= -1 - eps && s.max <= 1 + eps) return '-1-1';
  if (s.min >= -eps && s.max > 1.5 && s.max <= 255 + eps) return '0-255';
  if (Math.abs(s.mean) < 0.5 && s.std > 0.5 && s.std < 2) return 'standardized';
  return 'other';
}

/** The channel axis of a 3-channel 4-D image, read from dims: 1 (NCHW) or 3 (NHWC), else null. */
function channelAxis(dims: readonly number[]): 1 | 3 | null {
  if (dims.length !== 4) return null;
  if (dims[1] === 3 && dims[3] !== 3) return 1;
  if (dims[3] === 3 && dims[1] !== 3) return 3;
  return null;
}

function channelMeans(values: Float64Array, dims: readonly number[], axis: 1 | 3, lo: number, span: number): number[] {
  const sums = [0, 0, 0];
  const counts = [0, 0, 0];
  const inner = axis === 1 ? dims[2]! * dims[3]! : 1;
  for (let i = 0; i < values.length; i++) {
    const c = axis === 1 ? Math.floor(i / inner) % 3 : i % 3;
    const x = values[i]!;
    if (!Number.isFinite(x)) continue;
    sums[c]! += (x - lo) / span;
    counts[c]!++;
  }
  return sums.map((s, c) => (counts[c]! > 0 ? s / counts[c]! : 0));
}

/** Mean |x[i] − x[i+lag]| within each row of the buffer (on the values' own 0–1 scale), for lags 1 and 3. */
function neighbourDifferences(values: Float64Array, rowLength: number, lo: number, span: number): { lag1: number; lag3: number } {
  let d1 = 0;
  let d3 = 0;
  let n1 = 0;
  let n3 = 0;
  for (let row = 0; row + rowLength <= values.length; row += rowLength) {
    for (let i = row; i < row + rowLength - 1; i++) {
      const a = values[i]!;
      const b = values[i + 1]!;
      if (Number.isFinite(a) && Number.isFinite(b)) {
        d1 += Math.abs(a - b);
        n1++;
      }
      if (i + 3 < row + rowLength && Number.isFinite(a) && Number.isFinite(values[i + 3]!)) {
        d3 += Math.abs(a - values[i + 3]!);
        n3++;
      }
    }
  }
  return { lag1: n1 > 0 ? d1 / n1 / span : 0, lag3: n3 > 0 ? d3 / n3 / span : 0 };
}

/**
 * A channel-first (N, 3, H, W) buffer whose values are really channel-last: in a planar image the
 * next value is the next pixel of the same channel, at least as close as the pixel three along; in
 * interleaved RGB reshaped to NCHW it is another channel of the same pixel, and the same channel
 * comes back every third value. So in the request values 3 apart are clearly closer than those 1
 * apart, while in the (planar) reference they are not.
 */
function looksInterleaved(current: { lag1: number; lag3: number }, reference: { lag1: number; lag3: number }): boolean {
  if (current.lag1 <= 0 || reference.lag1 <= 0) return false;
  const cur = current.lag3 / current.lag1;
  const ref = reference.lag3 / reference.lag1;
  return cur < 0.8 && ref >= 0.95 && cur < 0.7 * ref;
}

/** Reversed channel order fits this much better than the given order (sum of absolute mean differences) to count as swapped. */
export const SWAP_MARGIN = 0.5;
/** Below this sum of mean differences (on a 0–1 scale) the channel order cannot be told. */
const MIN_CHANNEL_DIFF = 0.03;

/** The values of `current` against `reference` for one input: scale, layout, channel order. */
export function compareInputValues(input: string, current: HostTensor, reference: HostTensor): InputValueCheck {
  const cv = toNumbers(current);
  const rv = toNumbers(reference);
  const cs = summary(cv);
  const rs = summary(rv);
  const cur = { ...cs, scale: scaleConvention(cs) };
  const ref = { ...rs, scale: scaleConvention(rs) };
  const rangeRatio = rs.max - rs.min > 0 ? (cs.max - cs.min) / (rs.max - rs.min) : null;
  const ca = channelAxis(current.dims);
  const ra = channelAxis(reference.dims);
  let layout = ca !== null && ra !== null && ca !== ra ? `${ca === 3 ? 'NHWC' : 'NCHW'} vs ${ra === 3 ? 'NHWC' : 'NCHW'}` : null;
  let interleaved: InputValueCheck['interleaved'];
  if (layout === null && ca === 1 && ra === 1 && cs.max > cs.min && rs.max > rs.min && current.dims[3]! >= 8) {
    const cd = neighbourDifferences(cv, current.dims[3]!, cs.min, cs.max - cs.min);
    const rd = neighbourDifferences(rv, reference.dims[3]!, rs.min, rs.max - rs.min);
    if (looksInterleaved(cd, rd)) {
      layout = 'NHWC vs NCHW';
      interleaved = { current: cd, reference: rd };
    }
  }
  let channels: InputValueCheck['channels'] = null;
  // Channel means of a buffer in the other order than its dims say would compare the wrong values.
  if (!interleaved && ca !== null && ra !== null && elementCount(current.dims) > 0 && cs.max > cs.min && rs.max > rs.min) {
    // Each side on its own 0–1 scale, so a scale change does not read as a channel change.
    const cm = channelMeans(cv, current.dims, ca, cs.min, cs.max - cs.min);
    const rm = channelMeans(rv, reference.dims, ra, rs.min, rs.max - rs.min);
    const direct = cm.reduce((s, m, c) => s + Math.abs(m - rm[c]!), 0);
    const reversed = cm.reduce((s, m, c) => s + Math.abs(m - rm[2 - c]!), 0);
    channels = { current: cm, reference: rm, swapped: direct >= MIN_CHANNEL_DIFF && reversed < SWAP_MARGIN * direct };
  }
  return { input, current: cur, reference: ref, rangeRatio, layout, channels, ...(interleaved ? { interleaved } : {}) };
}

/** The whole contract check (without the run; the caller fills `runError`). */
export function checkInputContract(given: Readonly<Record<string, HostTensor>>, inputs: readonly TensorSignature[], reference?: Readonly<Record<string, HostTensor>>): InputContract {
  const values: InputValueCheck[] = [];
  if (reference) {
    for (const sig of inputs) {
      const c = given[sig.name];
      const r = reference[sig.name];
      if (c && r && c.dtype !== 'bool' && r.dtype !== 'bool') values.push(compareInputValues(sig.name, c, r));
    }
  }
  return { given: Object.keys(given), problems: contractProblems(given, inputs), values, runError: null };
}
