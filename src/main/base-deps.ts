// The I/O every diagnostic gets outside tests, without Kubernetes: network, clock, node name,
// processes without a shell (nvidia-smi), /proc files. Light to import, so a terminal running a
// diagnostic that never reads the Kubernetes API does not load its client (src/main/deps.ts adds it).
import { readFile } from 'node:fs/promises';
import type { CliConfig } from '../core/config.ts';
import { runCommand } from '../gpu/run-command.ts';
import type { BaseDeps } from '../core/run-diagnostic.ts';

export function baseDeps(config: Pick<CliConfig, 'NODE_NAME'>): BaseDeps {
  return {
    fetch: globalThis.fetch,
    now: () => Date.now(),
    nodeName: config.NODE_NAME,
    runCommand,
    readFile: (path) => readFile(path, 'utf8'),
  };
}
