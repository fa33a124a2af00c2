// A fault-injection scenario: a fault with a known cause, injected into a real target (the sample
// model server, a recorded log or nvidia-smi text, a Kubernetes stand-in, a data file), the
// diagnostics run on it exactly as a worker would, and the cause the report must rank first.
// Scenarios live in eval/scenarios/<area>.ts; `npm run eval` runs them all, and the ones marked
// `deterministic` also run as ordinary tests (test/eval/deterministic.test.ts).
import type { Diagnostic } from '../src/core/diagnostic.ts';
import { findDiagnostic } from '../jobs/registry.ts';
import { parsePayload, runDiagnostic, type BaseDeps } from '../src/core/run-diagnostic.ts';
import type { DiagnosticResult } from '../src/report/model.ts';
import { tokenize } from '../src/command/args.ts';

export interface Scenario {
  /** Short kebab-case name, unique across the suite. */
  name: string;
  /** The fault in words, e.g. "every request 200 ms slower". */
  injected: string;
  /** The catalogue id the report must rank first; null for a healthy control (no warning, nothing medium or high). */
  expect: string | null;
  /** Fast and free of timing luck: also run by `npm test`. */
  deterministic?: boolean;
  /** What the person reported (`investigate` symptom words), ranked with the results. */
  reported?: string[];
  /** Injects the fault, runs the diagnostics, cleans up. Returns every result (one or several: pooled). */
  run(): Promise<DiagnosticResult[]>;
}

/** Deps for in-process runs: the real network and clock, this machine as the node. */
export function evalDeps(overrides: Partial<BaseDeps> = {}): BaseDeps {
  return { fetch: globalThis.fetch, now: () => Date.now(), nodeName: 'local', ...overrides };
}

/** Runs one `/debug`-style command line (`health http://… --interval 1s`) in-process, through the registry's parser and schema. */
export async function runCommandLine(text: string, overrides: Partial<BaseDeps> = {}): Promise<DiagnosticResult> {
  const [name, ...rest] = tokenize(text);
  const diagnostic: Diagnostic | undefined = findDiagnostic(name ?? '');
  if (!diagnostic) throw new Error(`eval: no diagnostic "${name}"`);
  const payload = parsePayload(diagnostic, diagnostic.parseArgs(rest));
  return runDiagnostic(diagnostic, payload, evalDeps(overrides));
}
