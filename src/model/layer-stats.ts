// Layer analysis for `model --layers`: the graph rewritten in memory so every node output of the
// top-level graph is also a graph output (onnxruntime keeps exposed tensors through its graph
// optimizations, so each is the value that node really produced), then per node output: mean,
// std, min, max (finite elements), NaN and Inf counts, share of zeros. The first node in
// topological order (the order ONNX requires of graph.node) whose output holds NaN or Inf is
// named with its op and the ranges of its inputs; dead outputs (all zeros) and saturated
// activations are flagged. Nodes inside If/Loop bodies are not exposed (their outputs are the
// parent node's). Pure apart from the Tensor type.
import type { Tensor } from 'onnxruntime-node';
import { ortNumbers } from './host-tensor.ts';
import type { ModelMessage, ValueInfoProto } from './onnx-model.ts';

/** Statistics of one tensor. `mean`…`max` are over finite elements; null when there are none. */
export interface TensorStats {
  elements: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  nanCount: number;
  infCount: number;
  zeroFraction: number;
}

/** One row of `data.layers`. */
export interface LayerStats extends TensorStats {
  node: string;
  op: string;
  /** The node output these statistics are about. */
  output: string;
  /** Element type of the output. */
  type: string;
}

export interface FirstNonFinite {
  node: string;
  op: string;
  output: string;
  nanCount: number;
  infCount: number;
  /** Each input of the node: its name, and min/max where known (graph input, earlier node output, weight). */
  inputRanges: Array<{ name: string; min: number | null; max: number | null; source: 'graph-input' | 'node-output' | 'initializer' | 'unknown'; nonFinite: boolean }>;
}

export interface LayerAnalysis {
  layers: LayerStats[];
  firstNonFinite: FirstNonFinite | null;
  /** Node outputs that are entirely zero (float outputs of ops that are not zero by design). */
  dead: LayerStats[];
  /** Activation outputs whose elements sit at the function's bounds (≥ SATURATED_SHARE of them). */
  saturated: Array<LayerStats & { saturatedShare: number }>;
  /** Node outputs that could not be exposed (non-tensor values). */
  skipped: string[];
}

/** Share of elements at an activation's bounds from which it counts as saturated. */
export const SATURATED_SHARE = 0.95;
/** How close to a bound counts as at it. */
const BOUND_EPS = 1e-3;
const FLOAT_TYPES = new Set(['float32', 'float64', 'float16', 'bfloat16']);
/** Ops whose output is zero, constant or shape data by design: never "dead". */
const NOT_ACTIVATIONS = new Set(['Shape', 'Size', 'Constant', 'ConstantOfShape', 'EyeLike', 'NonZero', 'Range', 'Gather', 'Slice', 'Concat', 'Unsqueeze', 'Squeeze', 'Reshape', 'Cast', 'Equal', 'Less', 'Greater', 'Not', 'And', 'Or']);
/** Bounded activations and their bounds. */
const BOUNDS: Readonly<Record<string, [number, number]>> = { Sigmoid: [0, 1], Tanh: [-1, 1], HardSigmoid: [0, 1], Softsign: [-1, 1] };

/**
 * A copy of the model whose graph outputs also list every node output of the top-level graph,
 * with the nodes (in order) they come from. The original message is not changed.
 */
export function exposeIntermediates(model: ModelMessage): { model: ModelMessage; nodes: Array<{ node: string; op: string; inputs: string[]; outputs: string[] }> } {
  const graph = model.graph!;
  const existing = new Set(graph.output.map((o) => o.name));
  const typed = new Map([...graph.value_info, ...graph.output].map((v) => [v.name, v]));
  const added: ValueInfoProto[] = [];
  const nodes = graph.node.map((n, i) => {
    for (const out of n.output) {
      if (out === '' || existing.has(out)) continue;
      existing.add(out);
      // A name only: onnxruntime infers the type; value_info's type is kept when the exporter wrote one.
      added.push(typed.get(out) ?? { name: out });
    }
    return { node: n.name || `${n.op_type}_${i}`, op: n.op_type, inputs: n.input, outputs: n.output.filter((o) => o !== '') };
  });
  return { model: { ...model, graph: { ...graph, output: [...graph.output, ...added] } }, nodes };
}

/**
 * Statistics in one pass over the typed array itself (no copy). Sums are of x − shift (the first
 * finite value), which keeps the variance exact enough in float64 without a second pass.
 * `x !== x` is NaN; `x - x !== 0` is ±Inf (or NaN).
 */
export function tensorStats(values: ArrayLike<number>): TensorStats {
  const len = values.length;
  let nan = 0;
  let inf = 0;
  let i = 0;
  // Leading non-finite elements; the first finite one is the shift.
  for (; i < len; i++) {
    const x = values[i] as number;
    if (x - x === 0) break;
    if (x !== x) nan++;
    else inf++;
  }
  if (i === len) return { elements: len, mean: null, std: null, min: null, max: null, nanCount: nan, infCount: inf, zeroFraction: 0 };
  const shift = values[i] as number;
  let zeros = 0;
  let sum = 0;
  let sq = 0;
  let min = shift;
  let max = shift;
  for (; i < len; i++) {
    const x = values[i] as number;
    const d = x - shift;
    if (d - d !== 0) {
      if (x !== x) nan++;
      else inf++;
      continue;
    }
    if (x === 0) zeros++;
    sum += d;
    sq += d * d;
    if (x < min) min = x;
    else if (x > max) max = x;
  }
  const n = len - nan - inf;
  const meanShifted = sum / n;
  return {
    elements: len,
    mean: shift + meanShifted,
    std: Math.sqrt(Math.max(0, sq / n - meanShifted * meanShifted)),
    min,
    max,
    nanCount: nan,
    infCount: inf,
    zeroFraction: zeros / len,
  };
}

/** The values of a tensor as numbers without a copy where its data already are numbers. */
function numericView(t: Tensor): ArrayLike<number> {
  if (t.type === 'float32' || t.type === 'float64' || t.type === 'int32' || t.type === 'int16' || t.type === 'int8' || t.type === 'uint8' || t.type === 'uint16' || t.type === 'uint32' || t.type === 'bool') return t.data as ArrayLike<number>;
  return ortNumbers(t);
}

/**
 * Statistics of every exposed node output (`outputs`: name → tensor from one run on the rewritten
 * model), the first non-finite node, dead and saturated outputs. `feeds` gives the graph inputs'
 * ranges; `initializer` gives a weight's statistics.
 */
export function analyseLayers(
  nodes: ReadonlyArray<{ node: string; op: string; inputs: string[]; outputs: string[] }>,
  outputs: Readonly<Record<string, Tensor>>,
  feeds: Readonly<Record<string, Tensor>>,
  /** Statistics of a weight by name (computed on demand), undefined when the name is not an initializer. */
  initializer: (name: string) => TensorStats | null | undefined,
): LayerAnalysis {
  const layers: LayerStats[] = [];
  const byOutput = new Map<string, TensorStats>();
  const skipped: string[] = [];
  const saturated: LayerAnalysis['saturated'] = [];
  for (const [name, t] of Object.entries(feeds)) byOutput.set(name, tensorStats(numericView(t)));
  let firstNonFinite: FirstNonFinite | null = null;
  for (const n of nodes) {
    for (const out of n.outputs) {
      const t = outputs[out];
      if (!t || typeof t !== 'object' || !('type' in t) || t.type === 'string') {
        skipped.push(out);
        continue;
      }
      const values = numericView(t);
      const stats = tensorStats(values);
      byOutput.set(out, stats);
      const row: LayerStats = { node: n.node, op: n.op, output: out, type: t.type, ...stats };
      layers.push(row);
      const bounds = BOUNDS[n.op];
      if (bounds && values.length > 0) {
        let at = 0;
        for (let i = 0; i < values.length; i++) {
          const x = values[i] as number;
          if (Math.abs(x - bounds[0]) < BOUND_EPS || Math.abs(x - bounds[1]) < BOUND_EPS) at++;
        }
        if (at / values.length >= SATURATED_SHARE) saturated.push({ ...row, saturatedShare: at / values.length });
      }
      if (firstNonFinite === null && stats.nanCount + stats.infCount > 0) {
        firstNonFinite = {
          node: n.node,
          op: n.op,
          output: out,
          nanCount: stats.nanCount,
          infCount: stats.infCount,
          inputRanges: n.inputs
            .filter((i) => i !== '')
            .map((i) => {
              const weight = byOutput.has(i) ? undefined : initializer(i);
              const s = byOutput.get(i) ?? weight ?? undefined;
              const source = weight !== undefined ? 'initializer' : i in feeds ? 'graph-input' : s ? 'node-output' : 'unknown';
              return { name: i, min: s?.min ?? null, max: s?.max ?? null, source, nonFinite: s ? s.nanCount + s.infCount > 0 : false };
            }),
        };
      }
    }
  }
  const dead = layers.filter((l) => FLOAT_TYPES.has(l.type) && l.elements > 1 && l.zeroFraction === 1 && !NOT_ACTIVATIONS.has(l.op));
  return { layers, firstNonFinite, dead, saturated, skipped };
}
