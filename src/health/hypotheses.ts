// What to check next, ranked: the usual causes behind what the health check saw (an unhealthy
// endpoint, failing requests, tail-latency spikes, no answer at all), each with its evidence and
// the commands that confirm or fix it.
import type { Hypothesis } from '../report/model.ts';
import { summariseBody } from './format.ts';
import type { Fetched, HealthTarget } from './observations.ts';

type Answer = Extract<Fetched, { kind: 'response' }>;
type NoAnswer = Extract<Fetched, { kind: 'unreachable' }>;

const LIKELIHOOD = ['high', 'medium', 'low'] as const;

/** Most likely first; equally likely ones keep their order. */
export function rankHypotheses(hypotheses: Hypothesis[]): Hypothesis[] {
  return [...hypotheses].sort((a, b) => LIKELIHOOD.indexOf(a.likelihood) - LIKELIHOOD.indexOf(b.likelihood));
}

/** The health endpoint answered 5xx. */
export function unhealthyHypotheses(target: HealthTarget, health: Answer): Hypothesis[] {
  if (health.status < 500) return [];
  return [
    {
      title: 'The service reports itself unhealthy (a failing dependency, model not loaded, or an internal check)',
      likelihood: 'high',
      evidence: [`GET ${target.healthPath} → ${health.status}: ${summariseBody(health.body)}`],
      fixes: [
        'Read the health body above for the failing check, then the logs: `/debug logs <namespace>/<pod>`',
        'Check readiness-probe failures and restarts: `kubectl describe pod <pod>` (Events) and `kubectl get pods` (RESTARTS)',
        'If the model failed to load, check the model store path and credentials',
      ],
    },
  ];
}

/** The error rate is above the warning level (`finding`); per-request failures are likelier while the health endpoint is fine. */
export function errorHypotheses(finding: string | null, healthOk: boolean, target: HealthTarget, memoryLine: string | null): Hypothesis[] {
  if (!finding) return [];
  return [
    {
      title: 'Requests fail inside the service (exceptions in pre-processing or inference, inputs the model rejects, a bad deploy)',
      likelihood: healthOk ? 'high' : 'medium',
      evidence: [finding, ...(healthOk ? [`${target.healthPath} is healthy, so the failures are per request`] : [])],
      fixes: [
        'Read the errors behind the 5xx: `/debug logs <namespace>/<pod>`',
        'If one input shape or type fails, validate inputs at the edge and answer 400, not 500',
        'If it started with a deploy, roll back: `kubectl rollout undo deployment/<name>`',
      ],
    },
    {
      title: 'Resource exhaustion (out of memory, GPU memory, worker pool)',
      likelihood: healthOk ? 'low' : 'medium',
      evidence: [finding, ...(memoryLine ? [memoryLine] : [])],
      fixes: ['`/debug oom <namespace>/<pod>` and `/debug gpu <node>`', 'Check restarts and OOMKilled: `kubectl get pods`, `kubectl describe pod <pod>`'],
    },
  ];
}

/** p99/p50 is above the limit (`finding`). */
export function tailHypotheses(finding: string | null, url: string, memoryLine: string | null): Hypothesis[] {
  if (!finding) return [];
  return [
    {
      title: 'Garbage-collection or memory-pressure pauses',
      likelihood: 'medium',
      evidence: [finding, ...(memoryLine ? [memoryLine] : [])],
      fixes: ['Compare GC pause metrics (`go_gc_duration_seconds`, `python_gc_*`, `nodejs_gc_duration_seconds`) with the spikes', 'Give the process memory headroom and fix leaks (`/debug oom <namespace>/<pod>`)'],
    },
    {
      title: 'Queueing or dynamic batching (requests wait for a batch or a free worker)',
      likelihood: 'medium',
      evidence: [finding],
      fixes: [`Profile where the time goes: \`/debug profile ${url}\` (a queue stage in Server-Timing points here)`, "Lower the batcher's max queue delay, or add replicas/workers"],
    },
    {
      title: 'Noisy neighbour or CPU throttling on the node',
      likelihood: 'medium',
      evidence: [finding],
      fixes: ['Check `container_cpu_cfs_throttled_periods_total` for the pod', 'Set CPU requests equal to limits (Guaranteed QoS) or use a dedicated node pool'],
    },
    {
      title: 'Cold replicas (lazy model load, graph or JIT warm-up)',
      likelihood: 'low',
      evidence: [finding],
      fixes: ['Warm the model up at start-up before readiness passes', 'Avoid scale-to-zero for latency-critical models'],
    },
  ];
}

/** Neither endpoint answered: the failure code decides between a wrong URL, a blocked network and a down pod. Ranked. */
export function unreachableHypotheses(target: HealthTarget, health: NoAnswer, metrics: NoAnswer): Hypothesis[] {
  const seen = [`GET ${target.healthPath}: ${health.code}: ${health.reason}`, `GET ${target.metricsPath}: ${metrics.code}: ${metrics.reason}`];
  const podDown: Hypothesis = {
    title: 'The pod or process is down (crash-looping, evicted, scaled to zero)',
    likelihood: 'high',
    evidence: seen,
    fixes: ['`kubectl get pods -l app=<name>` (STATUS, RESTARTS) and `kubectl get endpoints <service>` (empty: no ready pods)', `\`/debug logs <namespace>/<pod>\` for the crash`],
  };
  const wrongUrl: Hypothesis = {
    title: 'Wrong URL: host name, port or scheme does not match the Service',
    likelihood: 'medium',
    evidence: seen,
    fixes: ['Compare the URL with `kubectl get svc <service> -o wide` (port, targetPort) and http vs https'],
  };
  const networkPolicy: Hypothesis = {
    title: 'A network policy or firewall blocks the traffic',
    likelihood: 'medium',
    evidence: seen,
    fixes: ['`kubectl get networkpolicy -n <namespace>`; try `curl -v` from a pod in the same namespace'],
  };
  if (health.code === 'ENOTFOUND' || health.code === 'EAI_AGAIN' || health.reason === 'bad port') {
    return [{ ...wrongUrl, likelihood: 'high', title: 'Wrong host name, or the Service does not exist in that namespace' }, { ...podDown, likelihood: 'low' }];
  }
  if (health.code === 'timeout') {
    return [
      { ...networkPolicy, likelihood: 'high' },
      { ...podDown, title: 'The service accepts connections but hangs (overloaded, deadlocked, stuck loading the model)', likelihood: 'medium' },
      { ...wrongUrl, likelihood: 'low' },
    ];
  }
  return [podDown, wrongUrl, { ...networkPolicy, likelihood: 'low' }];
}
