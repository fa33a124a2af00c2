// What a diagnostic is: a name, a zod payload schema, an argument parser shared by Slack and the
// CLI, routing (shared queue or a node's queue) and a `run` that OBSERVES: it returns a
// DiagnosticResult whose `observations` the diagnosis engine (src/diagnosis/) reasons over; it
// does not choose hypotheses itself.
// Each diagnostic lives in its own file under jobs/; jobs/registry.ts lists them.
import type { z } from 'zod';
import type { CommandSpec } from '../command/command-spec.ts';
import type { ObservationVocabulary } from '../diagnosis/observation.ts';
import type { KubeAccess } from '../k8s/kube-access.ts';
import type { TargetGuard } from '../policy/target-guard.ts';
import type { DiagnosticResult } from '../report/model.ts';

/** I/O a diagnostic may use; tests pass real ones or stand-ins. */
export interface DiagnosticDeps {
  /** Aborted when the job times out or is cancelled: stop promptly. */
  signal: AbortSignal;
  /** Report progress, 0–100, with a short message for the Slack status line. */
  progress(percent: number, message?: string): Promise<void> | void;
  /** On workers, enforces the target policy (src/policy/target-guard.ts): refused URLs, addresses and redirect hops throw TargetRefusedError. */
  fetch: typeof fetch;
  /**
   * The target policy for what does not go through `fetch` (node:http load, a bare TCP connect):
   * `check` each URL, connect with `lookupFor(port)`. Undefined: unrestricted (a person's own terminal).
   */
  targetGuard?: TargetGuard;
  /** Milliseconds since the epoch. */
  now(): number;
  /** This node's name (`NODE_NAME`). */
  nodeName: string;
  /** Spawns a program without a shell (nvidia-smi). Default: src/gpu/run-command.ts. `notFound`: not installed (ENOENT); `timedOut`: killed at `timeoutMs`. */
  runCommand?(file: string, args: string[], options: { timeoutMs: number; signal: AbortSignal }): Promise<{ stdout: string; stderr: string; exitCode: number | null; notFound?: boolean; timedOut?: boolean }>;
  /** Reads a text file (`/proc/<pid>/cgroup`). Default: node:fs/promises readFile. */
  readFile?(path: string): Promise<string>;
  /** Directories whose files a job may read (INFDBG_DATA_DIRS on workers); undefined = any (the CLI). See src/policy/local-files.ts. */
  localFileRoots?: readonly string[];
  /** Read-only Kubernetes API access (namespace allowlist, deadlines). Default: none — diagnostics that need it report that it is not configured. */
  kube?: KubeAccess;
  /**
   * Remembers small values between runs (e.g. the last healthy latency of a target, as a
   * baseline): Redis on workers, a file beside the charts for the CLI. Undefined: no memory.
   */
  baselines?: BaselineStore;
}

/** Key → JSON text, kept for days; keys are namespaced by the caller (`health:<url>`). */
export interface BaselineStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
}

export interface Diagnostic<S extends z.ZodType = z.ZodType> {
  /** Registry name and `/debug` subcommand, e.g. `health`. */
  name: string;
  /** Usage line, e.g. `health <url> [--health-path /health] [--metrics-path /metrics]`. */
  usage: string;
  /** One line for `/debug help`. */
  description: string;
  /** Its command (jobs/commands.ts): the flags its parser accepts, with units, defaults and examples, for `--help` and `/debug <name> help`. */
  command?: CommandSpec;
  /** The job payload. Parsed before `run`; a failure is unrecoverable. */
  payload: S;
  /**
   * Turns command tokens (after the subcommand; Slack link markup already removed) into a
   * payload candidate. Throws UsageError on malformed input. The result is validated by `payload`.
   */
  parseArgs(tokens: string[]): unknown;
  /** Flags only a terminal may use (they read the local filesystem of whoever runs the job); refused from Slack. */
  cliOnlyFlags?: string[];
  /** Node whose queue must run it (node-local diagnostics), or undefined for the shared queue. */
  route?(payload: z.infer<S>): string | undefined | Promise<string | undefined>;
  /** Every observation name `run` may emit, with its unit and meaning (src/diagnosis/observation.ts). The causes catalogue may only refer to these. */
  observes: ObservationVocabulary;
  /**
   * Every network URL the payload makes the job fetch or post to (http(s) only; local paths left out).
   * The ack refuses a command whose targets the target policy refuses, and workers check them again.
   */
  targets?(payload: z.infer<S>): string[];
  /** Per-attempt deadline, ms. */
  timeoutMs: number;
  run(payload: z.infer<S>, deps: DiagnosticDeps): Promise<DiagnosticResult>;
}

/** Helper that keeps `S` inferred at the definition site. */
export function defineDiagnostic<S extends z.ZodType>(d: Diagnostic<S>): Diagnostic<S> {
  return d;
}
