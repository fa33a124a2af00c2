// Limits live in the payload schemas, so a request past them is refused in the ack — ephemeral,
// no thread, nothing enqueued — instead of failing in the worker after a thread was opened.
import { afterEach, describe, expect, it } from 'vitest';
import { driftDiagnostic } from '../../jobs/drift.ts';
import { healthDiagnostic } from '../../jobs/health.ts';
import { modelDiagnostic } from '../../jobs/model.ts';
import { profileDiagnostic } from '../../jobs/profile.ts';
import { startStack, type Stack } from '../support/stack.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('limits refused in the ack', () => {
  it.each([
    ['profile http://10.0.0.5:8080/predict --body {} --concurrency 100000', '--concurrency: at most 1024 connections per level'],
    ['profile http://10.0.0.5:8080/predict --concurrency 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17', '--concurrency: at most 16 levels'],
    ['profile http://10.0.0.5:8080/predict --duration 5m --concurrency 1,4,16', 'the sweep may take at most 12 min'],
    ['profile model.onnx --concurrency 65', 'Too big: expected number to be <=64'],
    ['drift a.csv b.csv --max-size 1TB', '--max-size: at most 16 GB'],
    ['health http://10.0.0.5:8080 --interval 10m', 'Too big'],
    // A node name that cannot exist would become a queue name BullMQ refuses (':'), after the thread opened.
    ['profile model.onnx --node gpu:1', '--node: must be a Kubernetes node name'],
    ['model ranker.onnx --node GPU_Node_1', '--node: must be a Kubernetes node name'],
    ['profile model.onnx --dim batch=1000000000000', '--dim: at most 268435456'],
    ['model ranker.onnx --dim sequence=300000000', '--dim: at most 268435456'],
    ['profile model.onnx --batch-sizes 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17', '--batch-sizes: at most 16 sizes'],
  ])('%s', async (command, why) => {
    stack = await startStack({ diagnostics: [profileDiagnostic, driftDiagnostic, healthDiagnostic, modelDiagnostic], workers: false });
    const res = await stack.sendCommand(command);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    const text = String((res.body as { text: string }).text);
    expect(text).toMatch(/^:x: invalid (profile|drift|health|model) request: /);
    expect(text).toContain(why);
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await stack.redisKeys()).toEqual([]);
  });
});
