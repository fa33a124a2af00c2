// What the `model` diagnostic observed, as typed facts for the diagnosis engine: whether the file
// is the one expected (sha256, version tag), golden cases passed, how far another version's
// outputs are, where NaN/Inf first appears, dead and saturated layers, the input contract and the
// preprocessing of a real request against a reference, and CPU against CUDA. The facts that speak
// against a cause are emitted too (hash matches, golden passes, outputs finite). What they mean is
// for src/diagnosis/causes/model-identity.yaml to say.
import { observer, type Observation, type ObservationVocabulary } from '../diagnosis/observation.ts';
import { TARGET_VOCABULARY } from '../diagnosis/vocabulary.ts';
import type { ModelCheck } from './model-check.ts';

/** Every observation name `model` may emit. */
export const MODEL_CHECK_VOCABULARY = {
  ...TARGET_VOCABULARY,
  'model_identity.sha256_match': { unit: 'boolean', description: "whether the file's sha256 is the one --expect-sha256 names" },
  'model_identity.version_match': { unit: 'boolean', description: "whether the model's version tag (metadata_props version/model_version/…, else ModelProto.model_version) is the one --expect-version names; false also when it has none" },
  'model_identity.version': { unit: 'label', description: "the model's version tag as its metadata states it" },
  'model_identity.external_data_files': { unit: 'count', description: 'external data files the model reads its weights from' },
  'golden.cases': { unit: 'count', description: 'golden cases run (inputs with the outputs they must give)' },
  'golden.failed_share': { unit: 'ratio', description: 'share of golden cases with an output outside the tolerance (atol + rtol·|expected|) or that could not run' },
  'golden.max_abs_diff': { unit: 'number', description: 'largest absolute difference from a golden output, over every case (subject: the output)' },
  'golden.argmax_agreement': { unit: 'ratio', description: 'share of rows whose argmax (the class picked) matches the golden output, over outputs with a class axis' },
  'compare.identical': { unit: 'boolean', description: 'whether the other version (--compare) is the same file (same sha256)' },
  'compare.divergent': { unit: 'boolean', description: 'whether the other version gives outputs outside the tolerance on the same inputs (or other outputs, or cannot take them)' },
  'compare.max_abs_diff': { unit: 'number', description: 'largest absolute difference between the two versions on one output (subject)' },
  'compare.cosine': { unit: 'ratio', description: 'cosine similarity of the two versions on one output (subject): 1 = same direction' },
  'compare.argmax_agreement': { unit: 'ratio', description: 'share of rows of one output (subject) where both versions pick the same class' },
  'compare.latency_delta': { unit: 'ms', description: 'median run of the other version minus median run of this one, same inputs, CPU' },
  'inputs.non_finite': { unit: 'count', description: 'NaN and Inf elements in one input (named in the text) of the feeds used: a request or golden case that brings them in' },
  'outputs.non_finite': { unit: 'count', description: 'NaN and Inf elements in one model output (named in the text) on the inputs used' },
  'layers.first_non_finite': { unit: 'label', description: 'the first node in topological order whose output holds NaN or Inf (value: its op; subject: the node)' },
  'layers.non_finite_nodes': { unit: 'count', description: 'node outputs holding NaN or Inf (--layers)' },
  'layers.first_non_finite_from_input': { unit: 'boolean', description: 'whether an input of the first non-finite node already held NaN/Inf (then the cause is upstream of the graph)' },
  'layers.dead': { unit: 'count', description: 'node outputs that are all zeros (dead activations; subject lists the first)' },
  'layers.saturated': { unit: 'count', description: 'bounded activations (Sigmoid, Tanh, …) with ≥ 95 % of elements at their bounds' },
  'contract.problems': { unit: 'count', description: "mismatches between a request's tensors (--inputs) and the model's inputs: missing, extra, dtype, rank, dims" },
  'contract.problem': { unit: 'label', description: 'one input contract mismatch (value: missing|extra|dtype|rank|dims; subject: the input)' },
  'contract.run_error': { unit: 'label', description: "onnxruntime's error when the request's tensors were run as given" },
  'preprocessing.scale_changed': { unit: 'label', description: "an input's value convention differs from the reference (value like '0-255 vs 0-1', request vs reference; subject: the input)" },
  'preprocessing.range_ratio': { unit: 'ratio', description: "an input's value range (max − min) ÷ the reference's (subject: the input)" },
  'preprocessing.layout_changed': { unit: 'label', description: "a 4-D image input in the other layout than the reference or the model declares (value like 'NHWC vs NCHW'; subject: the input)" },
  'preprocessing.channels_swapped': { unit: 'boolean', description: "whether a 3-channel image input's per-channel means match the reference's in reversed order (BGR vs RGB; subject: the input)" },
  'provider.cuda_available': { unit: 'boolean', description: 'whether the CUDA execution provider could run the model on this node' },
  'provider.divergent': { unit: 'boolean', description: 'whether CPU and CUDA outputs differ beyond the tolerance on the same inputs' },
  'provider.max_abs_diff': { unit: 'number', description: 'largest absolute difference between CPU and CUDA on one output (subject)' },
} as const satisfies ObservationVocabulary;

const observe = observer('model', MODEL_CHECK_VOCABULARY);

/** A number for people: 3 significant digits, exponent form for the very small and large. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e6 ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}
/** "CUDA provider not available on this node (not installed): CPU only" — the node has no GPU runtime, which is no failure. */
export function cudaWords(reason: string | undefined): string {
  return `CUDA provider not available on this node (${(reason ?? 'unknown').replace(/^CUDA provider /, '').replace(/ on this node$/, '')}): CPU only`;
}
const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 && x > 0 ? 1 : 0)} %`;

export function modelCheckObservations(c: ModelCheck, label: string): Observation[] {
  const out: Observation[] = [observe('target.model', label, `model ${label}`)];
  const id = c.identity;
  const sha = c.identityCheck.sha256;
  if (sha) out.push(observe('model_identity.sha256_match', sha.match, sha.match ? `sha256 ${id.sha256.slice(0, 12)}… is the expected one` : `sha256 is ${id.sha256}, expected ${sha.expected}`));
  const ver = c.identityCheck.version;
  if (ver) {
    out.push(
      observe(
        'model_identity.version_match',
        ver.match,
        ver.match ? `version ${ver.actual} (metadata ${ver.key}) as expected` : ver.actual === null ? `expected version ${ver.expected}; the model carries no version tag in its metadata` : `metadata ${ver.key} is ${ver.actual}, expected ${ver.expected}`,
      ),
    );
  }
  if (id.versionTag) out.push(observe('model_identity.version', id.versionTag.value, `metadata ${id.versionTag.key} = ${id.versionTag.value}`));
  if (id.externalData.length > 0) out.push(observe('model_identity.external_data_files', id.externalData.length, `weights in ${id.externalData.map((f) => f.location).join(', ')}`));

  const g = c.golden;
  if (g) {
    out.push(observe('golden.cases', g.cases, `${g.cases} golden case(s) run`, { sampleSize: g.cases }));
    const tol = `atol ${num(g.tolerance.atol)}, rtol ${num(g.tolerance.rtol)}`;
    out.push(observe('golden.failed_share', g.failed / g.cases, g.failed > 0 ? `${g.failed} of ${g.cases} golden case(s) fail (${tol})${g.worst ? `: worst '${g.worst.case}' output ${g.worst.output}, max |diff| ${num(g.worst.maxAbsDiff)}` : ''}` : `all ${g.cases} golden case(s) pass (${tol})`, { sampleSize: g.cases }));
    if (g.worst) out.push(observe('golden.max_abs_diff', g.worst.maxAbsDiff, `max |diff| ${num(g.worst.maxAbsDiff)} on ${g.worst.output} in case '${g.worst.case}' (${g.worst.outOfTolerance} of ${g.worst.elements} elements out of tolerance)`, { subject: g.worst.output, sampleSize: g.cases }));
    if (g.argmaxAgreement !== null) out.push(observe('golden.argmax_agreement', g.argmaxAgreement, `argmax agrees with the golden output on ${pct(g.argmaxAgreement)} of rows`, { sampleSize: g.cases }));
  }

  const cmp = c.comparison;
  if (cmp) {
    out.push(observe('compare.identical', cmp.identical, cmp.identical ? `${cmp.other.label} is the same file (sha256 ${id.sha256.slice(0, 12)}…)` : `${cmp.other.label} is a different file (sha256 ${cmp.other.sha256.slice(0, 12)}… vs ${id.sha256.slice(0, 12)}…)`));
    const worst = [...cmp.outputs].sort((a, b) => b.maxAbsDiff - a.maxAbsDiff)[0];
    out.push(
      observe(
        'compare.divergent',
        cmp.divergent,
        cmp.error
          ? `${cmp.other.label} cannot run on the same inputs: ${cmp.error}`
          : cmp.divergent
            ? `${cmp.other.label} differs${worst ? `: ${worst.name} max |diff| ${num(worst.maxAbsDiff)}, cosine ${num(worst.cosine)}${worst.argmaxAgreement !== null ? `, argmax agrees on ${pct(worst.argmaxAgreement)}` : ''}` : ''}${cmp.onlyIn.a.length + cmp.onlyIn.b.length > 0 ? `; outputs only in one: ${[...cmp.onlyIn.a, ...cmp.onlyIn.b].join(', ')}` : ''}`
            : `${cmp.other.label} gives the same outputs within the tolerance`,
      ),
    );
    for (const o of cmp.outputs) {
      out.push(observe('compare.max_abs_diff', o.maxAbsDiff, o.shapeMismatch ? `${o.name}: shapes differ ${o.shapeMismatch}` : `${o.name}: max |diff| ${num(o.maxAbsDiff)}, mean rel diff ${num(o.meanRelDiff)}`, { subject: o.name }));
      if (o.cosine !== null) out.push(observe('compare.cosine', o.cosine, `${o.name}: cosine similarity ${num(o.cosine)}`, { subject: o.name }));
      if (o.argmaxAgreement !== null) out.push(observe('compare.argmax_agreement', o.argmaxAgreement, `${o.name}: both versions pick the same class on ${pct(o.argmaxAgreement)} of rows`, { subject: o.name }));
    }
    if (cmp.latencyDeltaMs !== null && cmp.latencyMs) out.push(observe('compare.latency_delta', cmp.latencyDeltaMs, `median run ${num(cmp.latencyMs.b)} ms for ${cmp.other.label} vs ${num(cmp.latencyMs.a)} ms`));
  }

  for (const o of c.outputs) {
    const n = o.nanCount + o.infCount;
    out.push(observe('outputs.non_finite', n, n > 0 ? `output ${o.name} holds ${o.nanCount} NaN and ${o.infCount} Inf of ${o.dims.reduce((a, b) => a * b, 1)} elements` : `output ${o.name} is finite`));
  }

  for (const i of c.inputs) {
    const n = i.nanCount + i.infCount;
    out.push(observe('inputs.non_finite', n, n > 0 ? `input ${i.name} of the ${c.feeds.from === 'inputs' ? 'request' : c.feeds.from === 'golden' ? 'golden case' : 'synthesised inputs'} holds ${i.nanCount} NaN and ${i.infCount} Inf` : `input ${i.name} is finite`));
  }

  const l = c.layers;
  if (l) {
    const bad = l.layers.filter((x) => x.nanCount + x.infCount > 0);
    out.push(observe('layers.non_finite_nodes', bad.length, bad.length > 0 ? `${bad.length} of ${l.layers.length} node outputs hold NaN/Inf` : `all ${l.layers.length} node outputs are finite`, { sampleSize: l.layers.length }));
    const f = l.firstNonFinite;
    if (f) {
      const ranges = f.inputRanges.map((r) => `${r.name} ${r.min === null ? 'range unknown' : `min ${num(r.min)} max ${num(r.max)}`}${r.nonFinite ? ' (already non-finite)' : ''}`).join('; ');
      out.push(observe('layers.first_non_finite', f.op, `${f.nanCount > 0 ? 'NaN' : 'Inf'} first appears at node ${f.node} (${f.op}): ${ranges || 'no inputs'}`, { subject: f.node }));
      const fromInput = f.inputRanges.some((r) => r.nonFinite && r.source === 'graph-input');
      out.push(observe('layers.first_non_finite_from_input', fromInput, fromInput ? `an input of ${f.node} is a graph input that already holds NaN/Inf` : `the inputs of ${f.node} are finite: the node itself makes the NaN/Inf`, { subject: f.node }));
    }
    out.push(observe('layers.dead', l.dead.length, l.dead.length > 0 ? `${l.dead.length} node output(s) all zeros: ${l.dead.slice(0, 3).map((d) => `${d.node} (${d.op})`).join(', ')}` : 'no node output is all zeros', l.dead[0] ? { subject: l.dead[0].node } : {}));
    out.push(observe('layers.saturated', l.saturated.length, l.saturated.length > 0 ? `${l.saturated.length} activation(s) saturated: ${l.saturated.slice(0, 3).map((s) => `${s.node} (${s.op}, ${pct(s.saturatedShare)} at its bounds)`).join(', ')}` : 'no bounded activation saturated', l.saturated[0] ? { subject: l.saturated[0].node } : {}));
  }

  const ic = c.inputContract;
  if (ic) {
    out.push(observe('contract.problems', ic.problems.length, ic.problems.length > 0 ? `${ic.problems.length} input contract problem(s): ${ic.problems.map((p) => `${p.input} ${p.kind}`).join(', ')}` : `the request's tensors (${ic.given.join(', ')}) match the model's inputs`));
    for (const p of ic.problems) {
      out.push(observe('contract.problem', p.kind, p.kind === 'missing' ? `input ${p.input} (${p.expected}) is missing from the request` : p.kind === 'extra' ? `the request has ${p.input}, which the model does not take (${p.expected})` : `input ${p.input}: the model takes ${p.expected}, the request has ${p.actual}`, { subject: p.input }));
      if (p.layout) out.push(observe('preprocessing.layout_changed', p.layout, `input ${p.input} is ${p.layout.split(' vs ')[0]} (${p.actual}) where the model takes ${p.layout.split(' vs ')[1]} ${p.expected}`, { subject: p.input }));
    }
    if (ic.runError) out.push(observe('contract.run_error', ic.runError, ic.runError));
    for (const v of ic.values) {
      const range = (s: { min: number; max: number; scale: string }) => `${num(s.min)}…${num(s.max)} (${s.scale})`;
      if (v.current.scale !== v.reference.scale) out.push(observe('preprocessing.scale_changed', `${v.current.scale} vs ${v.reference.scale}`, `input ${v.input} ranges ${range(v.current)}; the reference ${range(v.reference)}`, { subject: v.input }));
      if (v.rangeRatio !== null) out.push(observe('preprocessing.range_ratio', v.rangeRatio, `input ${v.input}: value range ×${num(v.rangeRatio)} the reference's (${range(v.current)} vs ${range(v.reference)})`, { subject: v.input }));
      if (v.layout && v.interleaved) {
        const d = (x: { lag1: number; lag3: number }) => `${num(x.lag3)} against ${num(x.lag1)}`;
        out.push(observe('preprocessing.layout_changed', v.layout, `input ${v.input} has NCHW dims but a channel-last buffer: values 3 apart differ less than neighbours (${d(v.interleaved.current)}; the reference ${d(v.interleaved.reference)}) — an HWC image reshaped instead of transposed`, { subject: v.input }));
      } else if (v.layout) out.push(observe('preprocessing.layout_changed', v.layout, `input ${v.input} is laid out ${v.layout.split(' vs ')[0]}, the reference ${v.layout.split(' vs ')[1]}`, { subject: v.input }));
      if (v.channels) {
        const means = (m: number[]) => m.map((x) => x.toFixed(2)).join('/');
        out.push(observe('preprocessing.channels_swapped', v.channels.swapped, v.channels.swapped ? `input ${v.input}: channel means ${means(v.channels.current)} are the reference's ${means(v.channels.reference)} reversed (BGR vs RGB)` : `input ${v.input}: channel means ${means(v.channels.current)} in the reference's order (${means(v.channels.reference)})`, { subject: v.input }));
      }
    }
  }

  const p = c.providers;
  out.push(observe('provider.cuda_available', p.cuda.available, p.cuda.available ? 'the CUDA provider runs here' : cudaWords(p.cuda.reason)));
  if (p.outputs && p.divergent !== null) {
    const worst = [...p.outputs].sort((a, b) => b.maxAbsDiff - a.maxAbsDiff)[0];
    out.push(observe('provider.divergent', p.divergent, p.divergent ? `CPU and CUDA differ beyond the tolerance${worst ? ` (${worst.name}: max |diff| ${num(worst.maxAbsDiff)})` : ''}` : 'CPU and CUDA agree within the tolerance'));
    for (const o of p.outputs) out.push(observe('provider.max_abs_diff', o.maxAbsDiff, `${o.name}: CPU vs CUDA max |diff| ${num(o.maxAbsDiff)}`, { subject: o.name }));
  }
  return out;
}
