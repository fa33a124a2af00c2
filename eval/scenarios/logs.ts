// Fault-injection scenarios for the logs diagnostic: each composes a realistic server log (the
// failure lines are real ones, with their public source in src/logs/signatures.yaml), writes it
// to a temporary file and runs `logs --file <path>` exactly as a terminal would. The cause must
// rank first; the healthy control, full of words like "error_count=0" and "retrying", must stay
// quiet.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';

const T0 = Date.UTC(2026, 10, 22, 14, 0, 0);
/** `kubectl logs --timestamps` prefix for `t` seconds after T0. */
const ts = (t: number) => new Date(T0 + t * 1000).toISOString().replace('Z', '123456Z');

/** Lines with a timestamp prefix, one per entry: `[seconds, text]`. */
export function stamped(lines: Array<[number, string]>): string {
  return `${lines.map(([t, text]) => `${ts(t)} ${text}`).join('\n')}\n`;
}

/** Ordinary traffic: uvicorn access lines, 200 OK, every `step` seconds from `from` to `to`. */
export function traffic(from: number, to: number, step = 5, status = '200 OK'): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (let t = from, i = 0; t < to; t += step, i++) out.push([t, `INFO:     10.0.${i % 9}.${(i * 37) % 250}:${40000 + i} - "POST /v1/predict HTTP/1.1" ${status}`]);
  return out;
}

export async function runOnLog(name: string, text: string): Promise<DiagnosticResult[]> {
  const dir = await mkdtemp(join(tmpdir(), `infdbg-eval-logs-${name}-`));
  try {
    const path = join(dir, 'server.log');
    await writeFile(path, text);
    return [await runCommandLine(`logs --file ${path}`)];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const OOM =
  'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 46.57 GiB. GPU 0 has a total capacity of 79.18 GiB of which 12.87 GiB is free. Process 406 has 19.22 GiB memory in use. Of the allocated memory 44.82 GiB is allocated by PyTorch, and 0 bytes is reserved by PyTorch but unallocated.';

export const scenarios: Scenario[] = [
  {
    name: 'logs-oom-then-5xx-burst',
    // Its numbers (46.6 GiB asked, 12.9 GiB free, nothing reserved unused, 19.2 GiB another process's:
    // short even without it) name the batch, since logs reads them as oom does.
    injected: 'a CUDA OOM traceback whose request is larger than free memory with or without the other process, then 25 × 503 within 25 s',
    expect: 'gpu-batch-too-large',
    deterministic: true,
    run: () =>
      runOnLog(
        'oom',
        stamped([
          [0, '2026-11-22 14:00:00,101 INFO server: starting llm-server 2.4.1'],
          ...traffic(1, 300),
          [300, '2026-11-22 14:05:00,004 ERROR server: inference failed for batch of 64'],
          [300, 'Traceback (most recent call last):'],
          [300, '  File "/app/server.py", line 88, in predict'],
          [300, OOM],
          ...traffic(301, 326, 1, '503 Service Unavailable'),
          ...traffic(330, 400),
        ]),
      ),
  },
  {
    name: 'logs-triton-model-not-found',
    injected: 'Triton pointed at a repository without the requested model',
    expect: 'model-not-found',
    deterministic: true,
    run: () =>
      runOnLog(
        'triton',
        [
          'I1107 07:33:56.127801 7 grpc_server.cc:2513] Started GRPCInferenceService at 0.0.0.0:8001',
          'I1107 07:33:56.128028 7 http_server.cc:4497] Started HTTPService at 0.0.0.0:8000',
          'I1107 07:33:56.168973 7 http_server.cc:270] Started Metrics Service at 0.0.0.0:8002',
          "E1107 07:34:03.823179 7 model_repository_manager.cc:1265] failed to poll model 'resnet50': model not found in any model repository.",
          'I1107 07:34:03.900000 7 server.cc:288] Timeout 30: Found 0 live models and 0 in-flight non-inference requests',
          'error: creating server: Internal - failed to load all models',
          '',
        ].join('\n'),
      ),
  },
  {
    name: 'logs-torchserve-worker-died',
    injected: 'TorchServe workers that die while loading the model, retried',
    expect: 'worker-crash-loop',
    deterministic: true,
    run: () => {
      const lines: string[] = ['2024-06-22T03:40:00,001 [INFO ] main org.pytorch.serve.ModelServer - Loading initial models: bloom7b1.mar'];
      for (let i = 0; i < 4; i++) {
        const s = String(10 + i * 7).padStart(2, '0');
        lines.push(
          `2024-06-22T03:40:${s},100 [INFO ] W-9000-bloom7b1_1.0-stdout MODEL_LOG - Torch worker started.`,
          `2024-06-22T03:40:${s},900 [INFO ] W-9000-bloom7b1_1.0-stdout org.pytorch.serve.wlm.WorkerLifeCycle - Backend worker process died.`,
          `2024-06-22T03:40:${s},901 [WARN ] W-9000-bloom7b1_1.0 org.pytorch.serve.wlm.BatchAggregator - Load model failed: bloom7b1, error: Worker died.`,
          `2024-06-22T03:40:${s},902 [INFO ] W-9000-bloom7b1_1.0 org.pytorch.serve.wlm.WorkerThread - Retry worker: 9000 in ${2 ** i} seconds.`,
        );
      }
      return runOnLog('torchserve', `${lines.join('\n')}\n`);
    },
  },
  {
    name: 'logs-vllm-kv-cache-too-small',
    injected: 'vLLM started with a max-model-len larger than its KV cache',
    expect: 'kv-cache-too-small',
    deterministic: true,
    run: () =>
      runOnLog(
        'vllm',
        [
          'INFO 06-28 23:40:03 api_server.py:206] vLLM API server version 0.5.0.post1',
          "INFO 06-28 23:40:03 llm_engine.py:164] Initializing an LLM engine (v0.5.0.post1) with config: model='Qwen/Qwen1.5-7B-Chat', max_seq_len=32768, tensor_parallel_size=1",
          'INFO 06-28 23:40:40 model_runner.py:160] Loading model weights took 14.3 GiB',
          'INFO 06-28 23:40:45 gpu_executor.py:83] # GPU blocks: 459, # CPU blocks: 512',
          "ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (7344). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
          '',
        ].join('\n'),
      ),
  },
  {
    name: 'logs-cuda-indexing-assert',
    injected: 'token ids beyond the vocabulary: Indexing.cu asserts, then a device-side assert and 500s',
    expect: 'bad-input-indices',
    deterministic: true,
    run: () =>
      runOnLog(
        'assert',
        stamped([
          ...traffic(0, 120),
          ...Array.from({ length: 8 }, (_, i): [number, string] => [
            120,
            `../aten/src/ATen/native/cuda/Indexing.cu:1292: indexSelectLargeIndex: block: [654,0,0], thread: [${120 + i},0,0] Assertion \`srcIndex < srcSelectDimSize\` failed.`,
          ]),
          [121, 'ERROR server: RuntimeError: CUDA error: device-side assert triggered'],
          ...traffic(121, 150, 1, '500 Internal Server Error'),
        ]),
      ),
  },
  {
    name: 'logs-tgi-prefill-budget',
    injected: 'TGI started with a prefill token budget larger than the GPU holds',
    expect: 'kv-cache-too-small',
    deterministic: true,
    run: () =>
      runOnLog(
        'tgi',
        [
          '2024-03-06T17:53:22.336246Z  INFO shard-manager: text_generation_launcher: Starting shard rank=0',
          '2024-03-06T17:53:30.100000Z  INFO text_generation_router: router/src/main.rs:420: Warming up model',
          '2024-03-06T17:53:31.000000Z ERROR warmup{max_input_length=64 max_prefill_tokens=256}:warmup: text_generation_client: router/client/src/lib.rs:33: Server error: Not enough memory to handle 256 prefill tokens. You need to decrease `--max-batch-prefill-tokens`',
          '2024-03-06T17:53:31.149443Z ERROR text_generation_launcher: Webserver Crashed',
          '2024-03-06T17:53:31.149481Z  INFO text_generation_launcher: Shutting down shards',
          '',
        ].join('\n'),
      ),
  },
  {
    name: 'logs-5xx-burst-no-cause',
    injected: 'a burst of 502s with nothing in the logs that explains it',
    expect: 'requests-failing-cause-not-in-logs',
    deterministic: true,
    run: () => runOnLog('5xx', stamped([...traffic(0, 200), ...traffic(200, 230, 1, '502 Bad Gateway'), ...traffic(230, 300)])),
  },
  {
    name: 'logs-healthy-control',
    injected: 'none: ordinary INFO logs with error_count=0, retries that succeed, timeouts in config',
    expect: null,
    deterministic: true,
    run: () =>
      runOnLog(
        'healthy',
        stamped([
          [0, '2026-11-22 14:00:00,101 INFO server: starting llm-server 2.4.1 (timeout=30s, retry_on_timeout=true, max_batch_total_tokens=16000)'],
          [1, '2026-11-22 14:00:01,002 INFO features: connecting to feature-store.internal:8443, retrying in 1s (attempt 1 of 5)'],
          [2, '2026-11-22 14:00:02,010 INFO features: connected to feature-store.internal:8443 after 1 retry'],
          [3, '2026-11-22 14:00:03,000 INFO server: model loaded on cuda:0 in 2.9 s; nan_check=enabled, oom_guard=enabled'],
          ...traffic(5, 300),
          [120, '2026-11-22 14:02:00,000 INFO stats: requests=4812 error_count=0 errors=0 timeouts=0 p99_ms=41.2 status=ok'],
          [240, '2026-11-22 14:04:00,000 INFO stats: requests=9650 error_count=0 errors=0 timeouts=0 p99_ms=39.8 status=ok'],
          [241, '{"level":"info","msg":"health check","status":200,"gpu_memory_used_share":0.41,"out_of_memory_events":0}'],
        ]),
      ),
  },
];
