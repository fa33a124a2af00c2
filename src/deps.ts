// The real I/O a diagnostic gets in production (worker or CLI): network, clock, node name.
import type { CliConfig } from './config.ts';
import type { BaseDeps } from './run-diagnostic.ts';

export function productionDeps(config: Pick<CliConfig, 'NODE_NAME' | 'INFDBG_NAMESPACES'>): BaseDeps {
  return {
    fetch: globalThis.fetch,
    now: () => Date.now(),
    nodeName: config.NODE_NAME,
  };
}
