// The commands that are not diagnostics (investigate, runbooks, serve, …) and the flags every
// diagnostic takes in a terminal, described as data like the diagnostics in jobs/commands.ts:
// the CLI's parser, its help and its shell completion read them. Imports nothing heavy.
import type { CommandSpec, FlagSpec } from './command-spec.ts';

/** Severity levels a CI run can fail on, lowest first (src/report/model.ts SEVERITIES without `info`). */
export const FAIL_ON_LEVELS = ['warning', 'critical'] as const;

/** How much worse than --baseline a latency or throughput may get before it is a regression, %. */
export const DEFAULT_TOLERANCE_PERCENT = 10;

/** Flags of every diagnostic and investigation in a terminal (not from Slack). */
export const TERMINAL_FLAGS: readonly FlagSpec[] = [
  { name: 'format', value: 'FORMAT', unit: 'tty|md|json', default: 'tty on a terminal, md when piped', description: 'how the report is printed: rendered for the terminal, Markdown, or JSON (schema/report.schema.json)' },
  { name: 'charts-dir', value: 'DIR', default: './infdbg-out', description: 'where the charts (PNG) and the remembered baselines are written' },
  { name: 'fail-on', value: 'LEVEL', unit: 'warning|critical', description: 'exit 3 when the report\'s severity reaches this level (for CI)' },
  { name: 'baseline', value: 'REPORT.json', unit: 'an earlier --format json report', description: 'compare with it (latency p50/p99, throughput, drift verdicts); exit 4 on a regression beyond --tolerance' },
  { name: 'tolerance', value: 'PERCENT', unit: '%', default: String(DEFAULT_TOLERANCE_PERCENT), description: 'how much worse than the baseline a latency or throughput may get before it is a regression' },
  { name: 'help', short: 'h', description: 'this help' },
];

export const investigateCommand: CommandSpec = {
  name: 'investigate',
  args: '<url|ns/pod|ns/deployment/name|node|model.onnx> [symptom words…]',
  summary: 'symptom words pick the diagnostics; one ranked list of causes',
  notes: ['The words ("slow", "p99", "errors", "OOM", "restarts", "accuracy dropped", …) pick the kind of problem and the plan; its diagnostics run in parallel and the causes are ranked once over all their evidence.'],
  flags: [
    { name: 'url', value: 'URL', description: 'the service URL, for health and profile' },
    { name: 'pod', value: 'NS/POD', description: 'the pod, for oom, logs and gpu' },
    { name: 'node', value: 'NAME', description: 'the node, for gpu' },
    { name: 'model', value: 'FILE|URL', description: 'the ONNX model, for profile' },
    { name: 'reference', value: 'FILE|URL', description: 'reference data, for drift (with --current)' },
    { name: 'current', value: 'FILE|URL', description: 'current data, for drift (with --reference)' },
  ],
  examples: ['investigate http://ranker.ml:8080 slow p99', 'investigate ml/deployment/ranker errors --url http://ranker.ml:8080 --node gpu-node-3'],
};

export const runbooksCommand: CommandSpec = {
  name: 'runbooks',
  args: '[validate [DIR]]',
  summary: 'list the runbooks and what they match, or validate a folder',
  notes: ['The runbooks come from $RUNBOOKS_DIR (default ./runbooks). `validate` exits 2 with one line per problem.'],
  flags: [{ name: 'help', short: 'h', description: 'this help' }],
  examples: ['runbooks', 'runbooks validate ./my-runbooks'],
};

export const runbookCommand: CommandSpec = {
  name: 'runbook',
  args: '<name> [var=value …]',
  summary: 'a runbook\'s steps with your values; its diagnostic steps run',
  flags: [
    { name: 'no-run', description: 'print the steps only; run no diagnostic step' },
    { name: 'format', value: 'FORMAT', unit: 'md|json', default: 'md', description: 'how the runbook is printed' },
    { name: 'charts-dir', value: 'DIR', default: './infdbg-out', description: 'where the charts of its diagnostic steps are written' },
    { name: 'help', short: 'h', description: 'this help' },
  ],
  examples: ['runbook high-latency url=http://ranker.ml:8080', 'runbook cuda-oom namespace=ml pod=llm-server-0 --no-run'],
};

export const serveCommand: CommandSpec = {
  name: 'serve',
  args: '',
  summary: 'run the Slack bot (HTTP receiver on $PORT, or Socket Mode)',
  notes: ['Configured by the environment (README: Configuration): SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, REDIS_URL, …'],
  flags: [{ name: 'help', short: 'h', description: 'this help' }],
  examples: ['serve', 'serve  # with SLACK_APP_TOKEN set: Socket Mode'],
};

export const workerCommand: CommandSpec = {
  name: 'worker',
  args: '',
  summary: 'run the job workers: the shared queue and this node\'s queue',
  notes: ['Configured by the environment: REDIS_URL, NODE_NAME (its node queue), WORKER_CONCURRENCY, SLACK_BOT_TOKEN, …'],
  flags: [{ name: 'help', short: 'h', description: 'this help' }],
  examples: ['worker', 'worker  # with NODE_NAME=gpu-node-3: also that node\'s queue'],
};

export const completionCommand: CommandSpec = {
  name: 'completion',
  args: 'bash|zsh',
  summary: 'print a shell completion script',
  flags: [{ name: 'help', short: 'h', description: 'this help' }],
  examples: ['completion bash > /etc/bash_completion.d/infdbg', 'completion zsh > "${fpath[1]}/_infdbg"'],
};

export const helpCommand: CommandSpec = {
  name: 'help',
  args: '[<command>]',
  summary: 'this list, or one command\'s options and examples',
  flags: [],
  examples: ['help', 'help drift'],
};
