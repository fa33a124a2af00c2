// A webhook body as JSON checked by a zod schema, or the reason it is not, in one line a log can
// hold: paths and zod's messages only (zod does not echo the offending values), never the body.
import type { z } from 'zod';

export type ParsedBody<T> = { ok: true; value: T } | { ok: false; reason: string };

const MAX_REASON = 300;

export function parseBody<S extends z.ZodType>(raw: Buffer, schema: S): ParsedBody<z.infer<S>> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  return { ok: false, reason: reason.length > MAX_REASON ? reason.slice(0, MAX_REASON) + '…' : reason };
}
