// Resident memory and the runtime heap across the scrapes: the slope per request and per second
// (least squares over every scrape, not two end points) and whether it rose step after step.
// A leak grows with every request and never comes back down; a GC sawtooth goes up and down; a
// healthy process stays flat once warm.
import type { Exposition } from '../prometheus/exposition.ts';
import { fmtMiB, round } from './format.ts';
import type { Notes, ScrapeWindow } from './notes.ts';
import { firstExported, slope, sumOf } from './series.ts';

/** Growth per request at or above this, rising in most steps, is flagged as a leak (bytes). */
export const LEAK_BYTES_PER_REQUEST = 256 * 1024;
/** Share of steps in which memory must rise for growth to count as sustained. */
export const SUSTAINED_SHARE = 0.8;
/** Fewer requests than this in the window: no per-request slope. */
const MIN_REQUESTS_FOR_SLOPE = 10;

const HEAP_GAUGES: ReadonlyArray<readonly [string, (labels: Record<string, string>) => boolean]> = [
  ['nodejs_heap_size_used_bytes', () => true],
  ['go_memstats_heap_alloc_bytes', () => true],
  ['jvm_memory_bytes_used', (l) => l.area === 'heap'],
  ['jvm_memory_used_bytes', (l) => l.area === 'heap'],
];

export interface MemoryNote {
  growthPerRequest: number | null;
  growthPerSecond: number | null;
  rssBytes: number | null;
}

/**
 * `times`: seconds since the first scrape, per scrape; `requests`: requests counted up to each
 * scrape since the first (surviving counter resets); null when nothing counts requests.
 */
export function noteMemory(notes: Notes, scrapes: readonly Exposition[], times: readonly number[], requests: readonly number[] | null, window: ScrapeWindow): MemoryNote {
  const rss = scrapes.map((e) => sumOf(e, 'process_resident_memory_bytes'));
  const none: MemoryNote = { growthPerRequest: null, growthPerSecond: null, rssBytes: null };
  if (rss.some((v) => v === undefined) || rss.length === 0) return none;
  const values = rss as number[];
  const last = values.at(-1) as number;
  notes.observe('memory.rss', last, `resident memory ${fmtMiB(last)}`);
  if (values.length < 3 || window.seconds <= 0) {
    notes.evidence.push({ label: 'resident memory', value: fmtMiB(last), detail: 'one scrape: no slope' });
    return { ...none, rssBytes: last };
  }
  const extra = { windowSeconds: window.seconds, sampleSize: values.length };
  const perSecond = slope(times, values) ?? 0;
  const rises = values.slice(1).filter((v, i) => v > (values[i] as number)).length;
  const risingShare = rises / (values.length - 1);
  const total = requests?.at(-1) ?? 0;
  const perRequest = requests && total >= MIN_REQUESTS_FOR_SLOPE ? slope(requests, values) : null;
  const change = last - (values[0] as number);
  const changeText = `${change >= 0 ? '+' : '−'}${fmtMiB(Math.abs(change))} over ${window.between}`;
  notes.observe('memory.rss_growth_rate', round(perSecond), `resident memory ${perSecond >= 0 ? '+' : '−'}${fmtMiB(Math.abs(perSecond))}/s (${changeText})`, extra);
  notes.observe('memory.rss_rising_share', round(risingShare), `resident memory rose in ${rises} of ${values.length - 1} scrape steps${risingShare >= SUSTAINED_SHARE ? ' (sustained)' : risingShare < 0.5 ? ' (up and down, or flat)' : ''}`, extra);
  if (perRequest !== null) {
    notes.observe(
      'memory.rss_growth_per_request',
      Math.round(perRequest),
      `resident memory ${perRequest >= 0 ? '+' : '−'}${fmtKiB(Math.abs(perRequest))} per request (${changeText}, ${total} requests)`,
      { windowSeconds: window.seconds, sampleSize: total },
    );
  }
  const heapName = HEAP_GAUGES.find(([name]) => firstExported(scrapes[0] as Exposition, [name]) !== undefined);
  if (heapName && requests && perRequest !== null) {
    const heap = scrapes.map((e) => sumOf(e, heapName[0], (s) => heapName[1](s.labels)));
    if (heap.every((v) => v !== undefined)) {
      const h = slope(requests, heap as number[]);
      if (h !== null) notes.observe('memory.heap_growth_per_request', Math.round(h), `${heapName[0]} ${h >= 0 ? '+' : '−'}${fmtKiB(Math.abs(h))} per request`, { windowSeconds: window.seconds, sampleSize: total });
    }
  }
  const leak = perRequest !== null && perRequest >= LEAK_BYTES_PER_REQUEST && risingShare >= SUSTAINED_SHARE;
  notes.evidence.push({
    label: 'resident memory',
    value: fmtMiB(last),
    detail: `${changeText}${perRequest !== null ? `, ${fmtKiB(perRequest)} per request` : ''}; rose in ${rises} of ${values.length - 1} steps`,
    severity: leak ? 'warning' : 'ok',
  });
  if (leak) notes.find('warning', `resident memory grows ${fmtKiB(perRequest)} per request, in ${rises} of ${values.length - 1} steps (${changeText}): memory is retained per request`);
  return { growthPerRequest: perRequest, growthPerSecond: perSecond, rssBytes: last };
}

function fmtKiB(bytes: number): string {
  return bytes >= 1024 * 1024 ? fmtMiB(bytes) : `${(bytes / 1024).toFixed(1)} KiB`;
}
