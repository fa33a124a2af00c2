// Slack rejects a whole message (`invalid_blocks`) when one Block Kit limit is broken; the
// report tests check every message we build against those limits with this one function.

import type { types } from '@slack/bolt';
import { expect } from 'vitest';

type KnownBlock = types.KnownBlock;

/** Every Block Kit limit Slack enforces on the blocks we emit; returns every mrkdwn string. */
export function assertWithinSlackLimits(blocks: KnownBlock[]): string[] {
  const mrkdwn: string[] = [];
  expect(blocks.length).toBeLessThanOrEqual(50);
  // Slack's msg_blocks_too_long starts near 13,200 characters (slackapi/bolt-js#2509).
  expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(12_000);
  for (const block of blocks) {
    if (block.type === 'header') {
      expect(block.text.text.length).toBeGreaterThan(0);
      expect(block.text.text.length).toBeLessThanOrEqual(150);
    } else if (block.type === 'section') {
      expect(block.text !== undefined || block.fields !== undefined).toBe(true);
      if (block.text) {
        expect(block.text.text.length).toBeGreaterThan(0);
        expect(block.text.text.length).toBeLessThanOrEqual(3000);
        mrkdwn.push(block.text.text);
      }
      if (block.fields) {
        expect(block.fields.length).toBeGreaterThan(0);
        expect(block.fields.length).toBeLessThanOrEqual(10);
        for (const f of block.fields) {
          expect(f.text.length).toBeLessThanOrEqual(2000);
          mrkdwn.push(f.text);
        }
      }
    } else if (block.type === 'context') {
      expect(block.elements.length).toBeLessThanOrEqual(10);
      for (const e of block.elements) {
        if (e.type === 'mrkdwn') {
          expect(e.text.length).toBeLessThanOrEqual(2000);
          mrkdwn.push(e.text);
        }
      }
    } else if (block.type === 'actions') {
      expect(block.elements.length).toBeLessThanOrEqual(25);
      for (const e of block.elements) {
        if (e.type === 'button') {
          expect(e.text.text.length).toBeLessThanOrEqual(75);
          expect((e.value ?? '').length).toBeLessThanOrEqual(2000);
        }
      }
    } else {
      expect(block.type).toBe('divider');
    }
  }
  for (const text of mrkdwn) {
    // Slack's three control characters only ever appear as entities, never half-cut.
    expect(text).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  }
  return mrkdwn;
}

