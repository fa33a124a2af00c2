// Kubernetes quantity parsing: the suffixes the API server accepts, as in
// k8s.io/apimachinery/pkg/api/resource (binary-SI, decimal-SI, decimal exponent).
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { formatBytes, parseQuantity, quantityOrNull } from '../../src/k8s/quantity.ts';

describe('parseQuantity', () => {
  it.each([
    ['512Mi', 512 * 1024 ** 2],
    ['2Gi', 2 * 1024 ** 3],
    ['1G', 1e9],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['33254360Ki', 33254360 * 1024],
    ['128974848', 128974848],
    ['129e6', 129e6],
    ['1E3', 1000],
    ['500m', 0.5],
    ['3987231904n', 3.987231904],
    ['250u', 0.00025],
    ['8', 8],
    ['1k', 1000],
    ['1Ti', 1024 ** 4],
    ['.5Gi', 0.5 * 1024 ** 3],
  ])('%s → %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 9);
  });

  it.each(['', 'Gi', '1GB', '1 Gi', '1gi', 'ten', '1.2.3Mi', '1K'])('rejects %j with InputError naming it', (text) => {
    expect(() => parseQuantity(text)).toThrow(InputError);
    expect(() => parseQuantity(text)).toThrow(`"${text}" is not a Kubernetes quantity`);
  });

  it('gives null for absent or malformed optional quantities', () => {
    expect(quantityOrNull(undefined)).toBeNull();
    expect(quantityOrNull('lots')).toBeNull();
    expect(quantityOrNull('32Gi')).toBe(32 * 1024 ** 3);
  });
});

describe('formatBytes', () => {
  it('prints binary units people read in kubectl and nvidia-smi', () => {
    expect(formatBytes(32 * 1024 ** 3)).toBe('32.0 GiB');
    expect(formatBytes(33254360 * 1024)).toBe('31.7 GiB');
    expect(formatBytes(256 * 1024 ** 2)).toBe('256 MiB');
    expect(formatBytes(900)).toBe('900 B');
  });
});
