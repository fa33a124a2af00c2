// The one table of diagnostics, in its light form: each diagnostic's command (arguments, every
// flag with unit and default, examples) and a loader for its module. `infdbg help`, `--help` and
// shell completion read it without importing any diagnostic; running one imports only its own
// module (`load`). jobs/registry.ts loads them all for the bot and the workers. Each diagnostic's
// parseArgs takes its parser options from its command here, so help and parser cannot disagree.
// A new diagnostic: a file in jobs/ and one entry in `diagnosticCommands`.
import type { CommandSpec } from '../src/command/command-spec.ts';
import type { Diagnostic } from '../src/core/diagnostic.ts';

const DURATION = 'duration: 500ms, 3s, 2m';

export const healthCommand: CommandSpec = {
  name: 'health',
  args: '<url>',
  summary: 'probe /health and scrape /metrics: latency, errors, memory, restarts',
  notes: ['Scrapes the metrics 6 times over the interval: p50/p99 from the latency histogram against the SLO and the last healthy run, errors by route, memory slope, restarts, GC, CPU throttling.'],
  flags: [
    { name: 'interval', value: 'DURATION', unit: DURATION, default: '3s', description: 'the span the six scrapes cover' },
    { name: 'slo-p99', value: 'MS', unit: 'ms, or a duration', description: 'p99 latency objective; a p99 above it is a finding' },
    { name: 'probe-body', value: 'JSON', unit: 'JSON request body', description: 'POST it 10 times to --probe-path to time real requests and read their Server-Timing' },
    { name: 'probe-path', value: 'PATH', default: '/predict', description: 'where the probe requests go' },
    { name: 'health-path', value: 'PATH', default: '/health', description: 'the health endpoint' },
    { name: 'metrics-path', value: 'PATH', default: '/metrics', description: 'the Prometheus metrics endpoint' },
    { name: 'latency-metric', value: 'NAME', unit: 'a histogram name', description: 'latency histogram to read (default: the busiest *_duration_seconds or *_latency_seconds)' },
  ],
  examples: ['health http://model:8080 --slo-p99 250', 'health http://ranker.ml:8080 --interval 10s --probe-body \'{"inputs":[[0.1,0.2]]}\''],
};

export const profileCommand: CommandSpec = {
  name: 'profile',
  args: '<model.onnx|model-url|endpoint-url>',
  summary: 'where inference time goes: an ONNX model or an HTTP endpoint',
  notes: ['A model (a path, or a URL ending in .onnx) runs in-process on onnxruntime: cold start, percentiles until stable, operators, sweeps. Any other URL is load-tested as an endpoint.'],
  flags: [
    { name: 'model', value: 'FILE|URL', description: 'the ONNX model, instead of the positional target' },
    { name: 'url', value: 'URL', description: 'the endpoint to load-test, instead of the positional target' },
    { name: 'body', value: 'JSON|@FILE', unit: 'JSON, or @path to a file', description: 'endpoint: the request body POSTed' },
    { name: 'iterations', value: 'N', unit: 'runs (model) or requests per level (endpoint)', description: 'how many to measure' },
    { name: 'duration', value: 'DURATION', unit: DURATION, description: 'how long to measure (model default: up to 10s, stopping once stable; endpoint: 10s per level)' },
    { name: 'warmup', value: 'N', unit: 'runs or requests', description: 'discarded before measuring (model default 10)' },
    { name: 'batch-sizes', value: 'LIST', unit: 'whole numbers, comma-separated', description: 'model: the batch sweep (when the model has a batch dimension)' },
    { name: 'concurrency', value: 'LIST', unit: 'whole numbers, comma-separated', description: 'concurrent requests (endpoint default 1,4,16) or model sessions' },
    { name: 'dim', value: 'NAME=N', multiple: true, description: 'model: size of a symbolic input dimension' },
    { name: 'value', value: 'INPUT=VALUE', multiple: true, description: 'model: fixed value of a scalar input' },
    { name: 'inputs', value: 'FILE', unit: 'JSON file', description: 'model: real inputs instead of generated ones' },
    { name: 'sweep', value: 'LIST', unit: 'batch,threads,opt,concurrency or none', description: 'model: which sweeps to run (default threads, plus batch and concurrency when they apply)' },
    { name: 'metrics-url', value: 'URL', description: 'endpoint: Prometheus/Triton metrics scraped before and after, for server-side stages' },
    { name: 'node', value: 'NAME', description: 'run on this node\'s worker (from Slack)' },
  ],
  examples: ['profile model.onnx --dim sequence=512 --batch-sizes 1,8,32', 'profile http://model:8080/predict --body @request.json --concurrency 1,4,16'],
};

export const driftCommand: CommandSpec = {
  name: 'drift',
  args: '<reference> <current>',
  summary: 'did the model\'s inputs move? reference vs current, per feature',
  notes: ['CSV, TSV, JSON Lines or Parquet (optionally .gz), from a path or an http(s) URL. The test is chosen per feature (KS, chi-square, Z up to 1000 rows; Wasserstein or Jensen–Shannon above), with what changed: shift, scale, shape, unit, new categories, missing values.'],
  flags: [
    { name: 'reference', value: 'FILE|URL', description: 'the reference data, instead of the first argument' },
    { name: 'current', value: 'FILE|URL', description: 'the current data, instead of the second argument' },
    { name: 'features', value: 'NAMES', unit: 'comma-separated', description: 'compare only these (default: every column both have)' },
    { name: 'test', value: 'TEST', unit: 'ks|chi2|z|wasserstein|jensenshannon|psi', description: 'one method for every feature it applies to (default: chosen per feature)' },
    { name: 'correction', value: 'METHOD', unit: 'fdr|bonferroni|none', default: 'fdr', description: 'multiple-testing correction across the p-value tests' },
    { name: 'drift-share', value: 'SHARE', unit: 'share of features, (0, 1]', default: '0.5', description: 'the dataset drifted when this share of its features did' },
    { name: 'categorical', value: 'NAMES', unit: 'comma-separated', description: 'columns treated as categorical whatever their values' },
    { name: 'numeric', value: 'NAMES', unit: 'comma-separated', description: 'columns treated as numeric even with few distinct values' },
    { name: 'max-size', value: 'SIZE', unit: 'bytes: 500MB, 4GB', default: '2GB', description: 'largest file or download accepted' },
    { name: 'model', value: 'NAME', description: 'the model these inputs feed, named in the next steps' },
  ],
  examples: ['drift train.parquet prod-today.csv', 'drift s3-export/ref.csv.gz https://data.internal/current.jsonl --features age,income --test psi'],
};

export const oomCommand: CommandSpec = {
  name: 'oom',
  args: '<namespace>/<pod>',
  summary: 'why a pod runs out of memory (OOMKilled, CUDA OOM, limits)',
  notes: ['Runs on the pod\'s node: OOMKilled/137, restarts, limits vs usage, node pressure, evictions, events, and the CUDA OOM numbers in the previous container\'s logs.'],
  flags: [{ name: 'container', short: 'c', value: 'NAME', description: 'the container to look at (default: every container)' }],
  examples: ['oom ml/ranker-7d9f-abcde', 'oom ml/llm-server-0 -c vllm'],
};

export const gpuCommand: CommandSpec = {
  name: 'gpu',
  args: '[<node>]',
  summary: 'GPU evidence on a node: memory, processes, Xid, ECC, throttling',
  notes: ['nvidia-smi (no shell, fixed arguments) on that node, or a DCGM exporter: memory, foreign processes, utilisation, Xid, ECC and row remapping, throttling, clocks, MIG, PCIe.'],
  flags: [
    { name: 'pod', value: 'NS/POD', description: 'the pod whose GPU to look at: memory held by other pods on it' },
    { name: 'dcgm-url', value: 'URL', description: 'read a DCGM exporter\'s /metrics instead of running nvidia-smi' },
  ],
  examples: ['gpu gpu-node-3', 'gpu gpu-node-3 --pod ml/llm-server-0'],
};

export const logsCommand: CommandSpec = {
  name: 'logs',
  args: '<namespace>/<pod> | <label-selector>',
  summary: 'pod logs classified against ML failure signatures',
  notes: ['Known failure signatures of PyTorch/CUDA, ONNX Runtime, TensorRT, Triton, TorchServe, vLLM, TGI, KServe and Ray Serve, in the order they first appeared; secrets redacted.'],
  flags: [
    { name: 'namespace', short: 'n', value: 'NS', default: 'default', description: 'namespace of a label selector or a bare pod name' },
    { name: 'tail', value: 'LINES', unit: 'lines per container, at most 50000', default: '5000', description: 'lines read from the end of each log' },
    { name: 'since', value: 'DURATION', unit: 'duration: 90s, 15m, 1h, 2d', description: 'only lines newer than this' },
    { name: 'container', short: 'c', value: 'NAME', description: 'one container of the pod' },
    { name: 'previous', short: 'p', description: 'the previous (terminated) container, e.g. the one that crashed' },
    { name: 'file', value: 'FILE', cliOnly: true, description: 'a log file on this machine instead of a pod' },
  ],
  examples: ['logs ml/llm-server-0 --previous', 'logs app=ranker -n ml --since 1h'],
};

export const changesCommand: CommandSpec = {
  name: 'changes',
  args: '<namespace>/<deployment> | <namespace>/pod/<name>',
  summary: 'what changed around a workload: rollouts, config, restarts, HPA',
  notes: ['From the Kubernetes API (read-only): rollout history and what each revision changed (image, env, ConfigMap/Secret references, resources), restarts, HPA rescales, as a timeline.'],
  flags: [],
  examples: ['changes ml/ranker', 'changes ml/pod/ranker-7d9f-abcde'],
};

export const modelCommand: CommandSpec = {
  name: 'model',
  args: '<model.onnx|url>',
  summary: 'is it the right model, and does it compute right?',
  notes: ['Identity and version (sha256, metadata), golden outputs within tolerances, an A/B against another version, the first layer with NaN/Inf, and whether a real request matches the input contract.'],
  flags: [
    { name: 'model', value: 'FILE|URL', description: 'the ONNX model, instead of the positional argument' },
    { name: 'expect-sha256', value: 'HEX', unit: '64 hex digits', description: 'the sha256 the served file should have' },
    { name: 'expect-version', value: 'VERSION', description: 'the version tag it should carry (metadata or model_version)' },
    { name: 'golden', value: 'DIR|FILE', unit: 'JSON file or folder of cases', description: 'golden inputs and outputs to check it against' },
    { name: 'atol', value: 'X', unit: 'absolute difference', default: '0.0001', description: 'tolerance of an output against its golden value' },
    { name: 'rtol', value: 'X', unit: 'relative difference', default: '0.001', description: 'relative tolerance of an output against its golden value' },
    { name: 'compare', value: 'FILE|URL', description: 'another version of the model to run on the same inputs (A/B)' },
    { name: 'layers', description: 'look inside: the first layer whose output has NaN/Inf, dead or saturated layers' },
    { name: 'inputs', value: 'FILE', unit: 'JSON, .npy or .pb', description: 'a real request\'s tensors' },
    { name: 'reference-inputs', value: 'FILE', unit: 'JSON, .npy or .pb', description: 'tensors known to be preprocessed right, compared with --inputs' },
    { name: 'dim', value: 'NAME=N', multiple: true, description: 'size of a symbolic input dimension' },
    { name: 'value', value: 'INPUT=VALUE', multiple: true, description: 'fixed value of a scalar input' },
    { name: 'node', value: 'NAME', description: 'run on this node\'s worker (from Slack)' },
  ],
  examples: ['model ranker.onnx --expect-sha256 9f2c…e1 --golden golden/', 'model ranker-v2.onnx --compare ranker-v1.onnx --inputs request.json --layers'],
};

/** One diagnostic of the table: its command, and its module loaded on demand. */
export interface DiagnosticEntry {
  command: CommandSpec;
  load(): Promise<Diagnostic>;
  /** It reads the Kubernetes API (`deps.kube`): a terminal loads the client library for it, and only for it. */
  kube?: true;
}

export const diagnosticCommands: readonly DiagnosticEntry[] = [
  { command: healthCommand, load: async () => (await import('./health.ts')).healthDiagnostic as Diagnostic },
  { command: profileCommand, load: async () => (await import('./profile.ts')).profileDiagnostic as Diagnostic },
  { command: driftCommand, load: async () => (await import('./drift.ts')).driftDiagnostic as Diagnostic },
  { command: oomCommand, kube: true, load: async () => (await import('./oom.ts')).oomDiagnostic as Diagnostic },
  { command: gpuCommand, kube: true, load: async () => (await import('./gpu.ts')).gpuDiagnostic as Diagnostic },
  { command: logsCommand, kube: true, load: async () => (await import('./logs.ts')).logsDiagnostic as Diagnostic },
  { command: changesCommand, kube: true, load: async () => (await import('./changes.ts')).changesDiagnostic as Diagnostic },
  { command: modelCommand, load: async () => (await import('./model.ts')).modelDiagnostic as Diagnostic },
];

export function findDiagnosticCommand(name: string): DiagnosticEntry | undefined {
  return diagnosticCommands.find((d) => d.command.name === name);
}
