// The causes catalogue: every root cause the bot can name, kept as data in causes/*.yaml (one
// catalogue, split into files by area) and validated with zod on first use and by
// test/diagnosis/causes.test.ts, so a typo in a field or an observation name fails loudly,
// naming the file and the cause, instead of silently never matching.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { getCompileCacheDir } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// js-yaml parses the catalogue four times faster than `yaml` (36 ms against 153 ms for the nine
// files, the same values), which a terminal run of one diagnostic feels at start-up.
import { load } from 'js-yaml';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import type { ObservationVocabulary } from './observation.ts';

/** The kinds of problem an investigation can be about (the symptom a person or an alert reports). */
export const CATEGORIES = ['latency', 'latency-variance', 'errors', 'availability', 'memory', 'accuracy', 'wrong-model'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * The kinds of cause that answer a reported kind of problem: a 5xx report is answered by errors,
 * availability and memory causes (an OOM kill fails requests), not by a drifted feature; a
 * "slow" report by latency causes and memory ones (GC, a leak). A drifted feature is still
 * listed when errors are reported — after the causes that answer the question asked.
 */
export const ANSWERS: Readonly<Record<Category, readonly Category[]>> = {
  latency: ['latency', 'latency-variance', 'memory'],
  'latency-variance': ['latency-variance', 'latency', 'memory'],
  errors: ['errors', 'availability', 'memory'],
  availability: ['availability', 'errors', 'memory'],
  memory: ['memory', 'availability', 'errors'],
  accuracy: ['accuracy', 'wrong-model'],
  'wrong-model': ['wrong-model', 'accuracy'],
};

/**
 * Where a cause lives. The methodology checks infrastructure, then the data pipeline, then
 * monitoring, before blaming the model: between equally supported causes, that order decides.
 */
export const LAYERS = ['infrastructure', 'data', 'monitoring', 'model'] as const;
export type Layer = (typeof LAYERS)[number];

const scalar = z.union([z.number(), z.boolean(), z.string()]);

/** A condition on observations of one name. */
const conditionShape = {
  /** Observation name, e.g. `latency.tail_ratio`. */
  obs: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'an observation name looks like area.name'),
  /** Numeric conditions (all given must hold). */
  above: z.number().optional(),
  atLeast: z.number().optional(),
  below: z.number().optional(),
  atMost: z.number().optional(),
  /** Equality, for labels and yes/no observations. */
  is: scalar.optional(),
  /** One of these labels. */
  in: z.array(scalar).min(1).optional(),
  /** Only observations about this subject (a stage, a GPU, a feature, a signature), e.g. `inference`. */
  subject: z.string().min(1).optional(),
  /** Observations behind fewer samples than this do not count (too little data to say). */
  minSample: z.number().positive().optional(),
};
const conditionSchema = z.strictObject(conditionShape);
export type Condition = z.infer<typeof conditionSchema>;

/**
 * One piece of evidence a cause looks for: a condition on observations of one name (and, with
 * `and`, on others at the same time), and how much it counts. Weights: 1 = consistent with it (a
 * symptom many causes share), 2 = points at it, 4 = specific to it, 6 = all but proves it.
 */
const clueSchema = z.strictObject({
  ...conditionShape,
  /**
   * Further conditions that must hold at the same time, on other observations: evidence that only
   * the combination gives ("errors now, and a rollout under an hour old").
   */
  and: z.array(conditionSchema).min(1).optional(),
  /**
   * Count only observations about the same subject (GPU, feature, container…) as the
   * supporting evidence, so a fact about one GPU does not speak for or against another.
   */
  sameSubject: z.boolean().optional(),
  weight: z.number().positive().max(10),
  /** How the evidence reads: `{text}` (the observation's own words, the default), `{value}`, `{unit}`, `{subject}`. */
  says: z.string().min(1).optional(),
});
export type Clue = z.infer<typeof clueSchema>;

const causeSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case'),
  title: z.string().min(1),
  category: z.enum(CATEGORIES),
  layer: z.enum(LAYERS),
  /**
   * The reported kinds of problem this cause can explain, when more than its category's (ANSWERS):
   * a new image or configuration can make a service slow, failing or wrong alike.
   */
  answers: z.array(z.enum(CATEGORIES)).min(1).optional(),
  /** The report's severity when this cause is medium or high. */
  severity: z.enum(['info', 'warning', 'critical']),
  /** Evidence for. A cause none of whose clues holds is not listed. */
  supports: z.array(clueSchema).min(1),
  /** Evidence against: demotes the cause, and says why. */
  contradicts: z.array(clueSchema).default([]),
  /** What would confirm it: the next diagnostic or command. `{target.url}`-style placeholders take an observation's value. */
  confirm: z.array(z.string().min(1)).min(1),
  fixes: z.array(z.string().min(1)).min(1),
  verification: z.array(z.string().min(1)).min(1),
  prevention: z.array(z.string().min(1)).min(1),
});
export type Cause = z.infer<typeof causeSchema>;

const CAUSES_DIR = new URL('./causes/', import.meta.url);

/** Validates the parsed files (`[file name, parsed YAML]`) and returns the causes in file then entry order. */
export function buildCauses(files: ReadonlyArray<readonly [string, unknown]>): Cause[] {
  const causes: Cause[] = [];
  const seen = new Map<string, string>();
  for (const [file, data] of files) {
    const parsed = z.array(causeSchema).min(1).safeParse(data);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const at = first && typeof first.path[0] === 'number' && Array.isArray(data) ? ` (cause "${(data[first.path[0]] as { id?: unknown } | undefined)?.id ?? first.path[0]}")` : '';
      throw new InputError(`${file}${at}: invalid causes catalogue — ${z.prettifyError(parsed.error).replace(/\s*\n\s*/g, '; ')}`);
    }
    for (const cause of parsed.data) {
      const other = seen.get(cause.id);
      if (other) throw new InputError(`${file}: cause id "${cause.id}" is also in ${other}`);
      seen.set(cause.id, file);
      causes.push(cause);
    }
  }
  return causes;
}

/** Observation names the catalogue refers to that no vocabulary declares, as `file-less` messages naming the cause. */
export function unknownObservations(causes: readonly Cause[], vocabularies: readonly ObservationVocabulary[]): string[] {
  const known = new Set(vocabularies.flatMap((v) => Object.keys(v)));
  const problems: string[] = [];
  for (const cause of causes) {
    for (const clue of [...cause.supports, ...cause.contradicts]) {
      for (const { obs } of [clue, ...(clue.and ?? [])]) {
        if (!known.has(obs)) problems.push(`cause "${cause.id}" looks for "${obs}", which no diagnostic observes`);
      }
    }
  }
  return problems;
}

/**
 * Reads and validates the catalogue. With `cacheDir`, the validated causes are kept there as JSON
 * under a hash of the YAML files and of this module (whose schema gives the defaults), and read
 * back while neither changed: parsing and validating cost a terminal run about 30 ms at start-up,
 * reading the JSON 1 ms. A missing, unreadable or corrupt cache is simply rebuilt.
 */
export function loadCauses(dir: URL = CAUSES_DIR, cacheDir?: string): Cause[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort();
  } catch (err) {
    throw new InputError(`${String(dir)}: cannot read the causes catalogue (${err instanceof Error ? err.message : String(err)})`);
  }
  const texts = names.map((n) => readFileSync(new URL(n, dir), 'utf8'));
  const cached = cacheDir === undefined ? undefined : join(cacheDir, `infdbg-causes-${catalogueHash(names, texts)}.json`);
  if (cached !== undefined) {
    const causes = readOwnFile(cached);
    if (causes !== undefined) return causes;
  }
  const causes = buildCauses(names.map((n, i) => [`src/diagnosis/causes/${n}`, load(texts[i]!)] as const));
  if (cached !== undefined) {
    try {
      mkdirSync(cacheDir!, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(causes), { mode: 0o600 });
      renameSync(tmp, cached);
      // Earlier versions of the catalogue are never read again.
      for (const old of readdirSync(cacheDir!)) if (/^infdbg-causes-[0-9a-f]+\.json$/.test(old) && join(cacheDir!, old) !== cached) unlinkSync(join(cacheDir!, old));
    } catch {
      // a read-only cache directory: parse again next time
    }
  }
  return causes;
}

/**
 * The cached causes, read only from a file of this user that nobody else can write (the cache may
 * sit in a shared temp directory, and what it holds is not validated again); undefined otherwise.
 */
function readOwnFile(path: string): Cause[] | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    if ((process.getuid && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) return undefined;
    const causes = JSON.parse(readFileSync(fd, 'utf8')) as unknown;
    return Array.isArray(causes) && causes.length > 0 ? (causes as Cause[]) : undefined;
  } catch {
    return undefined; // not there yet, or unreadable: parse again
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function catalogueHash(names: readonly string[], texts: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  names.forEach((n, i) => hash.update(`\0${n}\0${texts[i]!}`));
  return hash.digest('hex').slice(0, 32);
}

let shipped: Cause[] | undefined;

/**
 * The shipped catalogue (src/diagnosis/causes/*.yaml), read and validated once; cached beside
 * Node's compile cache when that is on (the `infdbg` command turns it on).
 */
export function defaultCauses(): Cause[] {
  shipped ??= loadCauses(CAUSES_DIR, getCompileCacheDir?.());
  return shipped;
}
