import { describe, expect, it } from 'vitest';
import { parseTritonCounters, tritonStageTimes } from '../../src/profile/triton-metrics.ts';

// Shaped like Triton Inference Server's /metrics (text format 0.0.4): per model and version.
const scrape = (resnetOk: number, bertOk: number) => `# HELP nv_inference_request_success Number of successful inference requests, all batch sizes
# TYPE nv_inference_request_success counter
nv_inference_request_success{model="resnet50",version="1"} ${resnetOk}
nv_inference_request_success{model="resnet50",version="2"} ${resnetOk}
nv_inference_request_success{model="bert",version="1"} ${bertOk}
# HELP nv_inference_queue_duration_us Cumulative inference queuing duration in microseconds (includes cached requests)
# TYPE nv_inference_queue_duration_us counter
nv_inference_queue_duration_us{model="resnet50",version="1"} ${resnetOk * 2000}
nv_inference_queue_duration_us{model="resnet50",version="2"} ${resnetOk * 2000}
nv_inference_queue_duration_us{model="bert",version="1"} ${bertOk * 100}
nv_inference_compute_infer_duration_us{model="resnet50",version="1"} ${resnetOk * 5000}
nv_inference_compute_infer_duration_us{model="resnet50",version="2"} ${resnetOk * 5000}
nv_inference_compute_infer_duration_us{model="bert",version="1"} ${bertOk * 30000}
nv_inference_request_duration_us{model="resnet50",version="1"} 1.0e+09
nv_gpu_utilization{gpu_uuid="GPU-a"} 0.75
`;

describe('Triton metrics', () => {
  it('sums versions per model and ignores other metrics', () => {
    const c = parseTritonCounters(scrape(10, 4));
    expect([...c.keys()].sort()).toEqual(['bert', 'resnet50']);
    expect(c.get('resnet50')?.requests).toBe(20);
    expect(c.get('resnet50')?.queueUs).toBe(40_000);
    expect(c.get('resnet50')?.requestUs).toBe(1e9);
  });

  it('gives per-request stage times from the deltas, leaving out idle models', () => {
    const times = tritonStageTimes(parseTritonCounters(scrape(10, 4)), parseTritonCounters(scrape(60, 4)));
    expect(times).toHaveLength(1);
    expect(times[0]).toMatchObject({ model: 'resnet50', requests: 100, queueMs: 2, computeInferMs: 5, computeInputMs: 0 });
  });

  it('reads label values with escaped quotes and braces, and skips malformed lines', () => {
    const c = parseTritonCounters(
      [
        'nv_inference_request_success{model="a\\"b}c",version="1"} 3',
        'nv_inference_request_success{model="x"} not-a-number',
        'garbage line',
      ].join('\n'),
    );
    expect([...c.entries()]).toEqual([['a"b}c', expect.objectContaining({ requests: 3 })]]);
  });
});
