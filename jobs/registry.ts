// The one table of diagnostics: name → payload schema, argument parser, routing, run.
// `/debug help`, the CLI and the workers all read it, so adding a diagnostic here is enough.
import type { Diagnostic } from '../src/core/diagnostic.ts';
import { changesDiagnostic } from './changes.ts';
import { driftDiagnostic } from './drift.ts';
import { gpuDiagnostic } from './gpu.ts';
import { healthDiagnostic } from './health.ts';
import { logsDiagnostic } from './logs.ts';
import { modelDiagnostic } from './model.ts';
import { oomDiagnostic } from './oom.ts';
import { profileDiagnostic } from './profile.ts';

export const diagnostics: readonly Diagnostic[] = [healthDiagnostic, profileDiagnostic, driftDiagnostic, oomDiagnostic, gpuDiagnostic, logsDiagnostic, changesDiagnostic, modelDiagnostic] as Diagnostic[];

export function findDiagnostic(name: string): Diagnostic | undefined {
  return diagnostics.find((d) => d.name === name);
}
