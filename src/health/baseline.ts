// The health baseline: the latency of the last run of the same target that looked healthy, kept
// in `deps.baselines` (Redis on workers, a file for the CLI) under `health:<url>`. Only a healthy
// run is stored, so a regression that lasts stays a regression on every re-run instead of
// becoming the new normal after one (the same verdict on a rerun).
import { z } from 'zod';
import type { BaselineStore } from '../core/diagnostic.ts';
import type { Baseline } from './input.ts';

const baselineSchema = z.object({ atMs: z.number(), p50Ms: z.number().nonnegative(), p95Ms: z.number().nonnegative(), p99Ms: z.number().nonnegative(), requests: z.number().int().nonnegative() });

/** Requests a run must have measured for its latency to become the baseline. */
export const MIN_BASELINE_REQUESTS = 20;

export function baselineKey(url: string): string {
  return `health:${url}`;
}

/** The stored baseline, or null; a store failure is returned as the problem (the run goes on without it). */
export async function readBaseline(store: BaselineStore | undefined, url: string): Promise<{ baseline: Baseline | null; problem: string | null }> {
  if (!store) return { baseline: null, problem: null };
  try {
    const text = await store.get(baselineKey(url));
    if (text === null) return { baseline: null, problem: null };
    const parsed = baselineSchema.safeParse(JSON.parse(text));
    return parsed.success ? { baseline: parsed.data, problem: null } : { baseline: null, problem: 'the stored baseline is not in the expected shape; it will be replaced by the next healthy run' };
  } catch (err) {
    return { baseline: null, problem: `baseline store unavailable: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export async function writeBaseline(store: BaselineStore, url: string, baseline: Baseline): Promise<string | null> {
  try {
    await store.set(baselineKey(url), JSON.stringify(baseline));
    return null;
  } catch (err) {
    return `baseline not saved: ${err instanceof Error ? err.message : String(err)}`;
  }
}
