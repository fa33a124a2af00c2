// The table of diagnostics, loaded: name → payload schema, argument parser, routing, run, for
// the bot, the workers and the tests. The table itself is jobs/commands.ts (each diagnostic's
// command and a loader for its module), so the CLI can start without loading any of them;
// adding a diagnostic there is enough — `/debug help`, the CLI and the workers all follow.
import type { Diagnostic } from '../src/core/diagnostic.ts';
import { diagnosticCommands } from './commands.ts';

export const diagnostics: readonly Diagnostic[] = await Promise.all(diagnosticCommands.map((entry) => entry.load()));

export function findDiagnostic(name: string): Diagnostic | undefined {
  return diagnostics.find((d) => d.name === name);
}
