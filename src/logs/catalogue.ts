// The catalogue of log failure signatures, kept as data (signatures.yaml) and validated with zod
// when loaded (on first use, and by test/logs/catalogue.test.ts), so a bad pattern or a missing
// field fails with a message naming the entry instead of silently never matching.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';

const SEVERITY = z.enum(['info', 'warning', 'critical']);

/** `cause`: the line names a failure that explains what follows; `symptom`: it shows that something failed, not why. */
export const SIGNATURE_CLASSES = ['cause', 'symptom'] as const;
export type SignatureClass = (typeof SIGNATURE_CLASSES)[number];

/** Where a real example line was seen: `owner/repo#123`, a URL, or `recorded: <file>` (captured for this repository). */
const exampleSource = z
  .string()
  .regex(/^(?:[\w.-]+\/[\w.-]+#\d+|https?:\/\/\S+|recorded: \S+|[\w.-]+\/[\w.-]+ .+)$/, 'a source is owner/repo#issue, a URL, "recorded: <file>" or "owner/repo <where in it>"');

const regexSource = z.string().min(1).refine(
  (s) => {
    try {
      new RegExp(s, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid JavaScript regular expression' },
);

const signatureSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case'),
  class: z.enum(SIGNATURE_CLASSES),
  keywords: z.array(z.string().min(2).refine((k) => k === k.toLowerCase(), { message: 'keywords must be lower-case' })).min(1),
  pattern: regexSource,
  category: z.string().min(1),
  severity: SEVERITY,
  burst: z
    .object({
      /** Matches needed in one window to count as a burst. */
      minCount: z.number().int().min(2),
      /** Window when lines carry timestamps, seconds. */
      windowSeconds: z.number().positive(),
      /** Window when they do not, lines. */
      windowLines: z.number().int().positive(),
      severity: SEVERITY,
    })
    .strict()
    .optional(),
  explanation: z.string().min(1),
  fixes: z.array(z.string().min(1)).min(1),
  /** Real lines this signature must match, each with the public place it was seen. */
  examples: z.array(z.strictObject({ line: z.string().min(1), source: exampleSource })).min(1),
}).strict();

export type SignatureSpec = z.infer<typeof signatureSchema>;

/** A signature ready to match: its pattern compiled (case-insensitive). */
export interface Signature extends SignatureSpec {
  regex: RegExp;
}

export interface Catalogue {
  signatures: Signature[];
  /** Matches a lower-cased line that contains any signature's keyword: lines it rejects match no signature. */
  prefilter: RegExp;
}

const CATALOGUE_PATH = new URL('./signatures.yaml', import.meta.url);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Trie {
  end: boolean;
  next: Map<string, Trie>;
}

/**
 * One regex source matching any of `words`, with shared prefixes factored out
 * (`out of memory|outofmemoryerror` → `out(?: of memory|ofmemoryerror)`): the prefilter runs on
 * every line, and a trie-shaped alternation tries far fewer branches per position than a flat one.
 */
export function alternationOf(words: readonly string[]): string {
  const root: Trie = { end: false, next: new Map() };
  for (const w of words) {
    let node = root;
    for (const ch of w) {
      let child = node.next.get(ch);
      if (!child) node.next.set(ch, (child = { end: false, next: new Map() }));
      node = child;
    }
    node.end = true;
  }
  const emit = (node: Trie): string => {
    // a word ending here makes the rest optional; any match of a shorter keyword is enough
    if (node.end) return '';
    const branches = [...node.next].map(([ch, child]) => {
      let run = escape(ch);
      let n = child;
      while (!n.end && n.next.size === 1) {
        const [[c, only]] = [...n.next] as [[string, Trie]];
        run += escape(c);
        n = only;
      }
      return run + emit(n);
    });
    return branches.length === 1 ? (branches[0] ?? '') : `(?:${branches.join('|')})`;
  };
  return emit(root);
}

/** Validates parsed YAML and compiles it; throws InputError naming `source` and every problem. */
export function buildCatalogue(data: unknown, source: string): Catalogue {
  const parsed = z.array(signatureSchema).min(1).safeParse(data);
  if (!parsed.success) throw new InputError(`${source}: invalid signature catalogue — ${z.prettifyError(parsed.error).replace(/\s*\n\s*/g, '; ')}`);
  const ids = new Set<string>();
  for (const s of parsed.data) {
    if (ids.has(s.id)) throw new InputError(`${source}: signature id "${s.id}" appears twice`);
    ids.add(s.id);
  }
  const keywords = [...new Set(parsed.data.flatMap((s) => s.keywords))];
  return {
    signatures: parsed.data.map((s) => ({ ...s, regex: new RegExp(s.pattern, 'i') })),
    // no `i` flag: tested on the lower-cased line, which is faster in V8 than a case-insensitive alternation
    prefilter: new RegExp(alternationOf(keywords)),
  };
}

function loadCatalogue(): Catalogue {
  let text: string;
  try {
    text = readFileSync(CATALOGUE_PATH, 'utf8');
  } catch (err) {
    throw new InputError(`${String(CATALOGUE_PATH)}: cannot read the signature catalogue (${err instanceof Error ? err.message : String(err)})`);
  }
  return buildCatalogue(parse(text), String(CATALOGUE_PATH));
}

let defaultCatalogue: Catalogue | undefined;

/** The shipped catalogue (src/logs/signatures.yaml), read and validated once. */
export function defaultSignatures(): Catalogue {
  defaultCatalogue ??= loadCatalogue();
  return defaultCatalogue;
}
