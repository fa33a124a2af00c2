import { describe, expect, it } from 'vitest';
import { readBoundedText } from '../../src/net/http-body.ts';

function streamed(parts: string[]): Response {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = parts[pulled++];
      if (next === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(next));
    },
  });
  return new Response(body);
}

describe('readBoundedText', () => {
  it('reads a body within the cap whole', async () => {
    expect(await readBoundedText(streamed(['# HELP x\n', 'x 1\n']), 1024)).toEqual({ text: '# HELP x\nx 1\n', truncated: false });
  });

  it('stops reading past the cap and says so, without pulling the rest', async () => {
    const parts = Array.from({ length: 1000 }, () => 'y'.repeat(1000));
    const result = await readBoundedText(streamed(parts), 4096);
    expect(result.truncated).toBe(true);
    expect(result.text).toHaveLength(4096);
  });
});
