// The real I/O a diagnostic gets in production (worker or CLI): network, clock, node name,
// processes without a shell (nvidia-smi), /proc files, and read-only Kubernetes access.
import type { CliConfig } from '../core/config.ts';
import { baseDeps } from './base-deps.ts';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeAccess, type KubeAccess } from '../k8s/kube-access.ts';
import type { BaseDeps } from '../core/run-diagnostic.ts';

type DepsConfig = Pick<CliConfig, 'NODE_NAME' | 'INFDBG_NAMESPACES'>;

/**
 * The kubeconfig the client library finds (KUBECONFIG, ~/.kube/config, in-cluster service
 * account), or undefined when there is none: the library then falls back to an unauthenticated
 * http://localhost:8080, which would only produce a confusing error.
 */
function findKubeConfig(): KubeConfig | undefined {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  if (!cluster || (cluster.name === 'cluster' && cluster.server === 'http://localhost:8080' && kc.getContexts().length <= 1 && !kc.getCurrentUser()?.token)) {
    return undefined;
  }
  return kc;
}

export function productionDeps(config: DepsConfig): BaseDeps {
  let kube: KubeAccess | undefined;
  let looked = false;
  return {
    ...baseDeps(config),
    // Built on first use: the kubeconfig (KUBECONFIG, ~/.kube/config, in-cluster) is read only by diagnostics that need it.
    get kube() {
      if (!looked) {
        looked = true;
        const kubeConfig = findKubeConfig();
        if (kubeConfig) kube = createKubeAccess({ namespaces: config.INFDBG_NAMESPACES, kubeConfig });
      }
      return kube;
    },
  };
}

/**
 * Kubernetes access for routing at enqueue time (the bot): a short deadline so enqueueing stays
 * fast; undefined without credentials (jobs then go to the shared queue).
 */
export function routingKube(config: DepsConfig): KubeAccess | undefined {
  const kubeConfig = findKubeConfig();
  return kubeConfig && createKubeAccess({ namespaces: config.INFDBG_NAMESPACES, kubeConfig, requestTimeoutMs: 3000 });
}
