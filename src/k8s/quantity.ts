// Kubernetes resource quantities ("512Mi", "2Gi", "1G", "500m", "1.5e3") as plain numbers, so
// memory limits, requests and metrics.k8s.io usage can be compared in bytes.
import { InputError } from '../core/errors.ts';

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// The grammar of k8s.io/apimachinery/pkg/api/resource: a signed decimal, then a binary-SI suffix,
// a decimal-SI suffix, or a decimal exponent (e3, E-2).
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/**
 * Parses a Kubernetes quantity into its value in base units (bytes for memory, cores for CPU).
 * `500m` is 0.5, `1Gi` is 1073741824, `1G` is 1e9. Throws InputError naming the text otherwise.
 */
export function parseQuantity(text: string): number {
  const m = QUANTITY.exec(text.trim());
  if (!m) throw new InputError(`"${text}" is not a Kubernetes quantity (expected e.g. 512Mi, 2Gi, 1G, 500m)`);
  const value = Number(m[1]);
  if (m[2] !== undefined) return value * 10 ** Number(m[2].slice(1));
  return value * (SUFFIX[m[3] ?? ''] ?? 1);
}

/** parseQuantity for optional fields: undefined or unparseable text gives null. */
export function quantityOrNull(text: string | undefined): number | null {
  if (text === undefined) return null;
  try {
    return parseQuantity(text);
  } catch {
    return null;
  }
}

/** Bytes as a short human figure in binary units, e.g. `31.7 GiB`, `512 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
}
