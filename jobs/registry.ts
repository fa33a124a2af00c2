// The one table of diagnostics: name → payload schema, argument parser, routing, run.
// `/debug help`, the CLI and the workers all read it, so adding a diagnostic here is enough.
import type { Diagnostic } from '../src/diagnostic.ts';

export const diagnostics: readonly Diagnostic[] = [];

export function findDiagnostic(name: string): Diagnostic | undefined {
  return diagnostics.find((d) => d.name === name);
}
