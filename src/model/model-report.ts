// Turns a ModelCheck into the DiagnosticResult a thread shows: identity as evidence, tables for the
// model's inputs and outputs, failing golden cases, the A/B comparison, the layers where things go
// wrong (non-finite, dead, saturated — not all of them), the input contract and the preprocessing
// numbers; a chart of per-layer activation ranges when --layers ran; and the stable `data` JSON
// (sha256, sizeBytes, irVersion, opsets, producer, metadata, inputs, outputs, golden, comparison,
// layers, firstNonFinite, inputContract, findings) with every layer in it.
import { renderChart } from '../report/chart.ts';
import type { Chart, DiagnosticResult, Evidence, MetricsTable, Severity } from '../report/model.ts';
import { worstSeverity } from '../report/model.ts';
import type { ModelCheck } from './model-check.ts';
import { cudaWords, modelCheckObservations, num } from './observations.ts';

/** Layer rows shown per kind of problem (the JSON holds every layer). */
const SHOWN_LAYERS = 10;

export interface Finding {
  kind: 'wrong-model' | 'golden-failed' | 'divergent-version' | 'identical-version' | 'non-finite' | 'dead-layers' | 'saturated-layers' | 'input-contract' | 'preprocessing' | 'provider-divergent' | 'cuda-unavailable' | 'no-run';
  severity: Severity;
  text: string;
}

const dims = (d: ReadonlyArray<number | string> | null): string => (d === null ? '—' : `[${d.join(', ')}]`);
const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const bytes = (n: number): string => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(2)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

export function findingsOf(c: ModelCheck): Finding[] {
  const f: Finding[] = [];
  const { sha256, version } = c.identityCheck;
  if (sha256 && !sha256.match) f.push({ kind: 'wrong-model', severity: 'critical', text: `Wrong model deployed: sha256 is ${c.identity.sha256}, expected ${sha256.expected}` });
  if (version && !version.match) f.push({ kind: 'wrong-model', severity: 'critical', text: version.actual === null ? `Wrong model deployed: expected version ${version.expected}, the model has no version tag in its metadata` : `Wrong model deployed: version ${version.actual} (metadata ${version.key}), expected ${version.expected}` });
  const g = c.golden;
  if (g && g.failed > 0) f.push({ kind: 'golden-failed', severity: 'critical', text: `${g.failed} of ${g.cases} golden case(s) fail${g.worst ? `; worst: case '${g.worst.case}' output ${g.worst.output}, max |diff| ${num(g.worst.maxAbsDiff)} at element ${g.worst.index} (${num(g.worst.actual)} vs ${num(g.worst.expected)} expected)` : g.failures[0]?.error ? `: ${g.failures[0].error}` : ''}` });
  const cmp = c.comparison;
  if (cmp?.identical) f.push({ kind: 'identical-version', severity: 'info', text: `${cmp.other.label} is the same file (identical sha256)` });
  else if (cmp?.divergent) {
    const worst = [...cmp.outputs].sort((a, b) => b.maxAbsDiff - a.maxAbsDiff)[0];
    f.push({ kind: 'divergent-version', severity: 'warning', text: cmp.error ? `${cmp.other.label} cannot run on the same inputs: ${cmp.error}` : `${cmp.other.label} diverges${worst ? `: ${worst.name} max |diff| ${num(worst.maxAbsDiff)}, cosine ${num(worst.cosine)}, argmax agreement ${pct(worst.argmaxAgreement)}` : ''}` });
  }
  const nonFinite = c.outputs.filter((o) => o.nanCount + o.infCount > 0);
  const first = c.layers?.firstNonFinite;
  if (first) {
    const ranges = first.inputRanges.map((r) => (r.min === null ? `${r.name} (range unknown)` : `${r.name} min ${num(r.min)}, max ${num(r.max)}`)).join('; ');
    f.push({ kind: 'non-finite', severity: 'critical', text: `${first.nanCount > 0 ? 'NaN' : 'Inf'} first appears at node \`${first.node}\` (${first.op}): ${ranges}` });
  } else if (nonFinite.length > 0) {
    f.push({ kind: 'non-finite', severity: 'critical', text: `Outputs hold NaN/Inf: ${nonFinite.map((o) => `${o.name} (${o.nanCount} NaN, ${o.infCount} Inf)`).join(', ')} — run with --layers to find the node` });
  }
  if (c.layers && c.layers.dead.length > 0) f.push({ kind: 'dead-layers', severity: 'warning', text: `${c.layers.dead.length} node output(s) are all zeros (dead): ${c.layers.dead.slice(0, 3).map((d) => `${d.node} (${d.op})`).join(', ')}` });
  if (c.layers && c.layers.saturated.length > 0) f.push({ kind: 'saturated-layers', severity: 'warning', text: `${c.layers.saturated.length} activation(s) saturated: ${c.layers.saturated.slice(0, 3).map((s) => `${s.node} (${s.op})`).join(', ')}` });
  const ic = c.inputContract;
  if (ic && ic.problems.length > 0) f.push({ kind: 'input-contract', severity: 'critical', text: `The request does not match the model's inputs: ${ic.problems.map((p) => (p.kind === 'missing' ? `${p.input} missing` : p.kind === 'extra' ? `${p.input} not an input` : `${p.input} ${p.kind} ${p.actual}, model ${p.expected}`)).join('; ')}` });
  if (ic?.runError) f.push({ kind: 'input-contract', severity: 'critical', text: ic.runError });
  for (const v of ic?.values ?? []) {
    const parts: string[] = [];
    if (v.current.scale !== v.reference.scale) parts.push(`scale ${v.current.scale} vs ${v.reference.scale} in the reference (${num(v.current.min)}…${num(v.current.max)} vs ${num(v.reference.min)}…${num(v.reference.max)})`);
    if (v.layout) parts.push(`layout ${v.layout}`);
    if (v.channels?.swapped) parts.push(`channel order reversed (BGR vs RGB: means ${v.channels.current.map((m) => m.toFixed(2)).join('/')} vs ${v.channels.reference.map((m) => m.toFixed(2)).join('/')})`);
    if (parts.length > 0) f.push({ kind: 'preprocessing', severity: 'warning', text: `Preprocessing changed for ${v.input}: ${parts.join('; ')}` });
  }
  for (const p of ic?.problems ?? []) if (p.layout) f.push({ kind: 'preprocessing', severity: 'warning', text: `Preprocessing changed for ${p.input}: layout ${p.layout} (request vs model)` });
  if (c.providers.divergent) f.push({ kind: 'provider-divergent', severity: 'warning', text: 'CPU and CUDA outputs differ beyond the tolerance on the same inputs' });
  if (!c.providers.cuda.available) f.push({ kind: 'cuda-unavailable', severity: 'ok', text: cudaWords(c.providers.cuda.reason) });
  if (c.feeds.from === 'none') f.push({ kind: 'no-run', severity: 'info', text: `The model was not run: ${c.feeds.error ?? 'no inputs'}` });
  return f;
}

function layersChart(c: ModelCheck): Chart | null {
  const layers = c.layers?.layers.filter((l) => l.min !== null && l.max !== null) ?? [];
  if (layers.length === 0) return null;
  const series = (['min', 'mean', 'max'] as const).map((k) => ({ name: k, points: layers.map((l, i) => [i, l[k] as number] as [number, number]) }));
  return renderChart('model-layer-ranges.png', { kind: 'line', title: 'Activation range per node output (topological order)', xLabel: 'node output #', yLabel: 'value', series });
}

export function modelCheckResult(c: ModelCheck, label: string, title: string, durationMs: number): DiagnosticResult {
  const id = c.identity;
  const findings = findingsOf(c);
  const severity = worstSeverity(findings.map((f) => f.severity));
  const evidence: Evidence[] = [
    { label: 'sha256', value: id.sha256, detail: `${bytes(id.sizeBytes)}${id.externalData.length > 0 ? ` + external data ${id.externalData.map((f) => `${f.location} (${bytes(f.sizeBytes)})`).join(', ')}` : ''}` },
    { label: 'producer', value: `${id.producer.name || '—'} ${id.producer.version}`.trim(), detail: `IR ${id.irVersion}, opsets ${id.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')}; graph ${id.graphName || '—'}, ${id.nodes} nodes` },
    { label: 'version tag', value: id.versionTag ? `${id.versionTag.value}` : 'none', detail: Object.keys(id.metadata).length > 0 ? `metadata: ${Object.entries(id.metadata).map(([k, v]) => `${k}=${v}`).join(', ').slice(0, 300)}` : 'no metadata_props' },
  ];
  const fed = c.feeds;
  // A model that did not run is said once, as the no-run finding below.
  if (fed.from !== 'none')
    evidence.push({
    label: 'inputs used',
    value: fed.from === 'inputs' ? 'the request (--inputs)' : fed.from === 'golden' ? 'the first golden case' : 'synthesised from the model\'s inputs',
    detail: fed.defaultedDims.length > 0 ? `dynamic dims set to 1: ${fed.defaultedDims.join(', ')} (pass --dim name=N)` : `one CPU run${c.runMs !== null ? ` in ${num(c.runMs)} ms` : ''}`,
  });
  for (const f of findings) evidence.push({ label: f.kind, value: f.text, severity: f.severity });

  const tables: MetricsTable[] = [
    { title: 'Inputs and outputs', columns: ['kind', 'name', 'type', 'dims'], rows: [...id.inputs.map((i) => ['input', i.name, i.type, dims(i.dims)]), ...id.outputs.map((o) => ['output', o.name, o.type, dims(o.dims)])] },
  ];
  const g = c.golden;
  if (g && g.failures.length > 0) {
    tables.push({
      title: `Failing golden cases (${g.failed} of ${g.cases}; atol ${num(g.tolerance.atol)}, rtol ${num(g.tolerance.rtol)})`,
      columns: ['case', 'output', 'max |diff|', 'mean rel diff', 'out of tolerance', 'argmax agreement', 'error'],
      rows: g.failures.slice(0, SHOWN_LAYERS).map((x) => [x.case, x.output, num(x.maxAbsDiff), num(x.meanRelDiff), `${x.outOfTolerance} / ${x.elements}`, pct(x.argmaxAgreement), x.error ?? '']),
    });
  }
  const cmp = c.comparison;
  if (cmp && cmp.outputs.length > 0) {
    tables.push({
      title: `This model vs ${cmp.other.label}${cmp.latencyDeltaMs !== null ? ` (latency ${cmp.latencyDeltaMs >= 0 ? '+' : ''}${num(cmp.latencyDeltaMs)} ms)` : ''}`,
      columns: ['output', 'max |diff|', 'mean rel diff', 'cosine', 'argmax agreement', 'out of tolerance'],
      rows: cmp.outputs.map((o) => [o.name, o.shapeMismatch ? `shapes ${o.shapeMismatch}` : num(o.maxAbsDiff), num(o.meanRelDiff), num(o.cosine), pct(o.argmaxAgreement), `${o.outOfTolerance} / ${o.elements}`]),
    });
  }
  const l = c.layers;
  if (l) {
    const bad = l.layers.filter((x) => x.nanCount + x.infCount > 0);
    const shown = [...bad.slice(0, SHOWN_LAYERS), ...l.dead.slice(0, SHOWN_LAYERS), ...l.saturated.slice(0, SHOWN_LAYERS)];
    const rows = (shown.length > 0 ? shown : [...l.layers].sort((a, b) => Math.max(Math.abs(b.min ?? 0), Math.abs(b.max ?? 0)) - Math.max(Math.abs(a.min ?? 0), Math.abs(a.max ?? 0))).slice(0, 5)).map((x) => [
      x.node,
      x.op,
      num(x.mean),
      num(x.std),
      num(x.min),
      num(x.max),
      x.nanCount,
      x.infCount,
      pct(x.zeroFraction),
    ]);
    tables.push({ title: shown.length > 0 ? `Layers where things go wrong (of ${l.layers.length}; all in the JSON)` : `No layer problem in ${l.layers.length} node outputs; the widest ranges`, columns: ['node', 'op', 'mean', 'std', 'min', 'max', 'NaN', 'Inf', 'zeros'], rows });
  }
  const ic = c.inputContract;
  if (ic && ic.problems.length > 0) tables.push({ title: 'Input contract', columns: ['input', 'problem', 'model', 'request'], rows: ic.problems.map((p) => [p.input, p.kind, p.expected, p.actual]) });
  if (ic && ic.values.length > 0) {
    tables.push({
      title: 'Request values against the reference',
      columns: ['input', 'request range', 'reference range', 'range ratio', 'layout', 'channel means (request / reference)'],
      rows: ic.values.map((v) => [v.input, `${num(v.current.min)}…${num(v.current.max)} (${v.current.scale})`, `${num(v.reference.min)}…${num(v.reference.max)} (${v.reference.scale})`, num(v.rangeRatio), v.layout ?? 'same', v.channels ? `${v.channels.current.map((m) => m.toFixed(2)).join('/')} / ${v.channels.reference.map((m) => m.toFixed(2)).join('/')}${v.channels.swapped ? ' (reversed)' : ''}` : '—']),
    });
  }
  if (c.providers.outputs) tables.push({ title: 'CPU vs CUDA', columns: ['output', 'max |diff|', 'mean rel diff', 'cosine', 'out of tolerance'], rows: c.providers.outputs.map((o) => [o.name, num(o.maxAbsDiff), num(o.meanRelDiff), num(o.cosine), `${o.outOfTolerance} / ${o.elements}`]) });

  const chart = layersChart(c);
  const problems = findings.filter((f) => f.severity === 'critical' || f.severity === 'warning');
  const summary =
    problems.length > 0
      ? `${problems[0]!.text}.${problems.length > 1 ? ` ${problems.length - 1} more finding(s) below.` : ''}`
      : `${label}: sha256 ${id.sha256.slice(0, 12)}…, ${id.versionTag ? `version ${id.versionTag.value}` : 'no version tag'}${g ? `, ${g.cases} golden case(s) pass` : ''}${cmp ? (cmp.identical ? ', the other version is the same file' : ', the other version agrees within the tolerance') : ''}${l ? `, all ${l.layers.length} node outputs finite` : ''}${c.feeds.from === 'none' ? `; not run: ${c.feeds.error ?? 'no inputs'}` : c.feeds.from === 'synthesized' ? ', outputs finite on synthesised inputs' : ', outputs finite'}.`;

  return {
    diagnostic: 'model',
    title,
    summary,
    severity,
    evidence,
    tables,
    observations: modelCheckObservations(c, label),
    hypotheses: [],
    fixes: [],
    verification: [],
    prevention: [],
    charts: chart ? [chart] : [],
    ...(l ? { files: [{ filename: 'model-layers.csv', title: `Every node output's statistics (${l.layers.length})`, text: layersCsv(l.layers) }] } : {}),
    data: {
      sha256: id.sha256,
      sizeBytes: id.sizeBytes,
      irVersion: id.irVersion,
      opsets: id.opsets,
      producer: id.producer,
      graphName: id.graphName,
      metadata: id.metadata,
      versionTag: id.versionTag,
      externalData: id.externalData,
      inputs: id.inputs,
      outputs: id.outputs,
      expected: c.identityCheck,
      feeds: c.feeds,
      golden: g ? { cases: g.cases, failed: g.failed, worst: g.worst, argmaxAgreement: g.argmaxAgreement, tolerance: g.tolerance, failures: g.failures } : null,
      comparison: cmp ? { other: cmp.other, identical: cmp.identical, divergent: cmp.divergent, outputs: cmp.outputs, onlyIn: cmp.onlyIn, latencyDeltaMs: cmp.latencyDeltaMs, latencyMs: cmp.latencyMs, ...(cmp.error ? { error: cmp.error } : {}) } : null,
      layers: l ? l.layers.map(({ node, op, output, type, elements, mean, std, min, max, nanCount, infCount, zeroFraction }) => ({ node, op, output, type, elements, mean, std, min, max, nanCount, infCount, zeroFraction })) : null,
      firstNonFinite: l?.firstNonFinite ?? null,
      deadLayers: l ? l.dead.map((d) => d.node) : null,
      saturatedLayers: l ? l.saturated.map((s) => ({ node: s.node, share: s.saturatedShare })) : null,
      inputContract: ic,
      providers: c.providers,
      findings,
    },
    durationMs,
  };
}

const LAYER_COLUMNS = ['node', 'op', 'output', 'type', 'elements', 'mean', 'std', 'min', 'max', 'nanCount', 'infCount', 'zeroFraction'] as const;

/** Every node output's statistics as CSV (RFC 4180 quoting), in topological order: the full table the report only samples. */
function layersCsv(layers: ReadonlyArray<Record<(typeof LAYER_COLUMNS)[number], unknown>>): string {
  const cell = (v: unknown) => {
    const t = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  return [LAYER_COLUMNS.join(','), ...layers.map((l) => LAYER_COLUMNS.map((c) => cell(l[c])).join(','))].join('\n') + '\n';
}
