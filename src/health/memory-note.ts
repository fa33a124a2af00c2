// Resident memory and its change between the scrapes, as context for the hypotheses. Seconds
// apart, two scrapes cannot tell a leak from the GC sawtooth, so it is shown, not flagged.
import type { Exposition } from '../prometheus/exposition.ts';
import { fmtMiB } from './format.ts';
import type { Notes, ScrapeWindow } from './notes.ts';

/** Adds the memory evidence; returns it as one line for the hypotheses, null without `process_resident_memory_bytes`. */
export function noteMemory(notes: Notes, first: Exposition, second: Exposition | null, window: ScrapeWindow): string | null {
  const rss = (e: Exposition | null) => e?.samples.find((x) => x.name === 'process_resident_memory_bytes')?.value;
  const [rss1, rss2] = [rss(first), rss(second)];
  if (rss1 === undefined || rss2 === undefined) return null;
  const change = `${rss2 >= rss1 ? '+' : ''}${fmtMiB(rss2 - rss1)} over ${window.between}`;
  notes.evidence.push({ label: 'resident memory', value: fmtMiB(rss2), detail: change });
  return `resident memory ${fmtMiB(rss2)} (${change})`;
}
