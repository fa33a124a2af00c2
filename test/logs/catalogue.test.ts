// The shipped catalogue loads and validates; each signature matches its own real examples, passes
// the keyword prefilter on them, and no other signature claims them; bad entries are rejected.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { buildCatalogue, defaultSignatures } from '../../src/logs/catalogue.ts';

const ISSUE_5_SIGNATURES = [
  'cuda-oom',
  'cuda-device-side-assert',
  'tensors-on-different-devices',
  'weights-size-mismatch',
  'no-kernel-image',
  'nccl-timeout',
  'onnxruntime-invalid-dimensions',
  'onnxruntime-provider-load-failure',
  'model-file-not-found',
  'nan-or-inf',
  'connection-pool-exhausted',
  'upstream-timeout',
  'http-5xx',
];

describe('signature catalogue', () => {
  const catalogue = defaultSignatures();

  it('covers every failure signature issue 5 names', () => {
    expect(catalogue.signatures.map((s) => s.id)).toEqual(expect.arrayContaining(ISSUE_5_SIGNATURES));
  });

  describe.each(catalogue.signatures.map((s) => [s.id, s] as const))('%s', (_id, sig) => {
    it.each(sig.examples)('matches, through the prefilter: %s', (example) => {
      expect(catalogue.prefilter.test(example.toLowerCase())).toBe(true);
      expect(sig.keywords.some((k) => example.toLowerCase().includes(k))).toBe(true);
      expect(sig.regex.test(example)).toBe(true);
      expect(catalogue.signatures.filter((o) => o.id !== sig.id && o.regex.test(example)).map((o) => o.id)).toEqual([]);
    });
  });

  it('rejects a bad regex, an upper-case keyword and a duplicate id, naming the source', () => {
    const good = { id: 'x', keywords: ['boom'], pattern: 'boom', category: 'c', severity: 'warning', explanation: 'e', fixes: ['f'], examples: ['boom'] };
    expect(() => buildCatalogue([{ ...good, pattern: '(' }], 'bad.yaml')).toThrow(/bad\.yaml: invalid signature catalogue.*regular expression/);
    expect(() => buildCatalogue([{ ...good, keywords: ['Boom'] }], 'bad.yaml')).toThrow(/lower-case/);
    expect(() => buildCatalogue([good, good], 'bad.yaml')).toThrow(/"x" appears twice/);
    expect(() => buildCatalogue([{ ...good, severity: 'fatal' }], 'bad.yaml')).toThrow(InputError);
  });
});
