// Every observation the health diagnostic may emit: the facts the causes catalogue
// (src/diagnosis/causes/service.yaml and the other areas' files) can look for. Names in the
// cross-area contract (latency.p50, latency.p99, latency.tail_ratio, errors.rate, requests.rate,
// memory.rss_growth_per_request, process.uptime, health.status) keep their meaning and unit.
import type { ObservationVocabulary } from '../diagnosis/observation.ts';
import { TARGET_VOCABULARY } from '../diagnosis/vocabulary.ts';

const PROBE_STAGE_WORDS = { queue: 'waiting before the work (queue, batcher)', preprocess: 'preprocessing', inference: 'model inference', postprocess: 'postprocessing', other: 'stages of no known kind' } as const;
type ProbeStage = keyof typeof PROBE_STAGE_WORDS;

/** `probe.inference_ms`, `probe.inference_share` … one pair per kind of Server-Timing stage. */
function probeStageVocabulary() {
  return Object.fromEntries(
    (Object.keys(PROBE_STAGE_WORDS) as ProbeStage[]).flatMap((c) => [
      [`probe.${c}_ms`, { unit: 'ms', description: `median time per probe request in ${PROBE_STAGE_WORDS[c]} (Server-Timing stages of that kind; subject = their names)` }],
      [`probe.${c}_share`, { unit: 'ratio', description: `${PROBE_STAGE_WORDS[c]}: share of the probe requests' Server-Timing time` }],
      [`probe.${c}_vs_slo`, { unit: 'ratio', description: `median time per probe request in ${PROBE_STAGE_WORDS[c]} ÷ the p99 objective (--slo-p99): at 0.5 or more that stage alone takes half the budget` }],
    ]),
  ) as Record<`probe.${ProbeStage}_${'ms' | 'share' | 'vs_slo'}`, { unit: string; description: string }>;
}

export const HEALTH_VOCABULARY = {
  ...TARGET_VOCABULARY,
  'health.status': { unit: 'status', description: 'HTTP status of the health endpoint' },
  'health.failing_check': { unit: 'label', description: 'a dependency or check the health body reports as failing (subject = its name)' },
  'http.failure': { unit: 'label', description: 'why a GET got no answer: ECONNREFUSED, ENOTFOUND, EAI_AGAIN, timeout, ECONNRESET, EHOSTUNREACH … (subject = path)' },
  'tcp.connect': { unit: 'label', description: 'after a GET timed out, a bare TCP connect to the same host and port: accepted | refused | timeout | error (subject = path)' },
  'metrics.usable': { unit: 'boolean', description: 'the metrics endpoint answered Prometheus text that parsed (false: missing, an error status, or not Prometheus)' },
  'metrics.status': { unit: 'status', description: 'HTTP status of the metrics endpoint' },
  'metrics.latency_histogram': { unit: 'boolean', description: 'a request-latency histogram is exported' },
  'metrics.request_counter': { unit: 'boolean', description: 'a request counter with an outcome label is exported' },
  'latency.p50': { unit: 'ms', description: 'median request latency from the histogram (window, or since start when the window is too thin)' },
  'latency.p95': { unit: 'ms', description: '95th percentile request latency' },
  'latency.p99': { unit: 'ms', description: '99th percentile request latency' },
  'latency.tail_ratio': { unit: 'ratio', description: 'p99 / p50' },
  'latency.tail_excess': { unit: 'ms', description: 'p99 − p50: how much slower the slowest requests are' },
  'latency.tail_spikes': { unit: 'boolean', description: 'p99/p50 above 3 and p99 at least 50 ms above p50 (a tail worth chasing)' },
  'latency.slowest_label_vs_others': { unit: 'ratio', description: 'p50 of the slowest value of a latency-histogram label (model, route…; subject = label=value) / p50 of the other values' },
  'latency.tail_owned_by_label': { unit: 'boolean', description: 'the latency problem (a tail worth chasing or a p99 over the objective) is one label value\'s: without it, the rest is fine (subject = label=value)' },
  'latency.bimodal': { unit: 'boolean', description: 'a separate cluster of slow requests, with empty buckets between it and the bulk (discrete events, not a smooth queueing tail)' },
  'latency.slo_p99': { unit: 'ms', description: 'the p99 objective given with --slo-p99' },
  'latency.p99_vs_slo': { unit: 'ratio', description: 'p99 / the p99 objective' },
  'latency.p50_vs_slo': { unit: 'ratio', description: 'p50 / the p99 objective (above 1: even the median misses it)' },
  'latency.baseline_p50': { unit: 'ms', description: 'p50 of the last healthy run for this target' },
  'latency.p50_vs_baseline': { unit: 'ratio', description: 'p50 now / p50 of the last healthy run' },
  'latency.p99_vs_baseline': { unit: 'ratio', description: 'p99 now / p99 of the last healthy run' },
  'latency.p50_shift': { unit: 'ms', description: 'p50 now − p50 of the last healthy run' },
  'latency.regressed': { unit: 'boolean', description: 'p50 at least 1.5× and 10 ms above the last healthy run: every request got slower' },
  'latency.trend': { unit: 'ratio', description: 'mean latency of the last scrape step / of the first (within the window)' },
  'latency.trend_shift': { unit: 'ms', description: 'mean latency of the last scrape step − of the first (within the window)' },
  'latency.rising': { unit: 'boolean', description: 'latency climbed through the window: the last step\'s mean at least 2× and 50 ms above the first\'s' },
  'latency.warming': { unit: 'boolean', description: 'latency fell through the window by at least half and 50 ms (warming up)' },
  'latency.load_correlation': { unit: 'ratio', description: 'correlation across scrape steps of mean latency with requests in flight (or the request rate)' },
  'requests.rate': { unit: 'req/s', description: 'request rate over the window' },
  'requests.count': { unit: 'count', description: 'requests counted in the window' },
  'requests.in_flight': { unit: 'count', description: 'mean of the in-flight requests gauge over the scrapes' },
  'requests.queued': { unit: 'count', description: 'mean of the queued/pending requests gauge over the scrapes' },
  'requests.concurrency': { unit: 'count', description: 'requests in service on average (Little’s law: rate × mean latency)' },
  'errors.rate': { unit: 'ratio', description: 'share of requests that failed (5xx/error); sampleSize = requests behind it' },
  'errors.basis': { unit: 'label', description: 'interval (the window) or since-start (the window held too few requests)' },
  'errors.count': { unit: 'count', description: 'failed requests behind errors.rate' },
  'errors.client_rate': { unit: 'ratio', description: 'share of requests answered 4xx other than 429 (rejected as bad requests)' },
  'errors.rate_limited_rate': { unit: 'ratio', description: 'share of requests answered 429 Too Many Requests (a rate limit or quota refused them)' },
  'errors.overload_rate': { unit: 'ratio', description: 'share of requests answered 429 or 503 (load shedding)' },
  'errors.top_share': { unit: 'ratio', description: 'share of the errors from the one label value with the most (subject = label=value, e.g. route=/predict); only when the label has several values with traffic' },
  'errors.top_rate': { unit: 'ratio', description: 'error rate of that label value (subject = label=value)' },
  'errors.top_vs_others': { unit: 'ratio', description: 'error rate of the label value with the most errors / error rate of the other values (1000 when they have none; subject = label=value, sampleSize = the others\' requests)' },
  'errors.others_rate': { unit: 'ratio', description: 'error rate of the other values of that label (subject = label)' },
  'memory.rss': { unit: 'bytes', description: 'resident memory at the last scrape' },
  'memory.rss_growth_per_request': { unit: 'bytes', description: 'resident memory growth per request (slope over the scrapes)' },
  'memory.rss_growth_rate': { unit: 'bytes/s', description: 'resident memory growth per second (slope over the scrapes)' },
  'memory.rss_rising_share': { unit: 'ratio', description: 'share of scrape steps in which resident memory rose (1: sustained)' },
  'memory.heap_growth_per_request': { unit: 'bytes', description: 'runtime heap growth per request (nodejs/go/jvm heap gauges)' },
  'gc.metric_exported': { unit: 'boolean', description: 'a garbage-collection pause metric is exported' },
  'gc.pause_share': { unit: 'ratio', description: 'share of wall time spent in GC pauses over the window' },
  'gc.collections_rate': { unit: 'per s', description: 'collections per second (python_gc_collections_total and the like)' },
  'cpu.throttling_metric_exported': { unit: 'boolean', description: 'container CPU throttling counters are exported' },
  'cpu.throttled_share': { unit: 'ratio', description: 'share of CFS periods throttled over the window' },
  'cpu.process_cores': { unit: 'cores', description: 'CPU the process used over the window (process_cpu_seconds_total rate)' },
  'process.uptime': { unit: 's', description: 'seconds since the process started (process_start_time_seconds or the health body)' },
  'process.requests_served': { unit: 'count', description: 'requests the process had served when the window began (its since-start request counter at the first scrape)' },
  'process.restarted_in_window': { unit: 'boolean', description: 'the process restarted between the scrapes (counters dropped or the start time changed)' },
  'probe.latency_p50': { unit: 'ms', description: 'median latency of the probe requests, client side' },
  'probe.error_rate': { unit: 'ratio', description: 'share of probe requests that failed' },
  'probe.stage_share': { unit: 'ratio', description: 'share of the probe requests’ Server-Timing time in one stage (subject = stage)' },
  'probe.stage_p99': { unit: 'ms', description: 'slowest probe request’s time in one stage (subject = stage)' },
  ...probeStageVocabulary(),
} as const satisfies ObservationVocabulary;

export type HealthObservationName = keyof typeof HEALTH_VOCABULARY;
