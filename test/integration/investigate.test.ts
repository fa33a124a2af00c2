// `/debug investigate` end to end: a signed command through the real Bolt receiver, one flow on a
// real Redis with a child per planned diagnostic (health against the real sample model server with
// errors injected, changes against the Kubernetes API stand-in replaying a rollout 15 min ago),
// and ONE report in the thread ranking causes over both diagnostics' evidence.
import { afterEach, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../examples/model-server/server.ts';
import { diagnostics } from '../../jobs/registry.ts';
import { createKubeAccess } from '../../src/k8s/kube-access.ts';
import { RANKER_NOW, rankerScenario, startKubeApiStandIn, type KubeApiStandIn } from '../support/kube-api-stand-in.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { startStack, type Stack } from '../support/stack.ts';

/** Every ISO-8601 time in a recorded object moved by `deltaMs`. */
function shiftTimes<T>(value: T, deltaMs: number): T {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string' && iso.test(v)) return new Date(Date.parse(v) + deltaMs).toISOString().replace(/\.000Z$/, 'Z');
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

const AUDIO = JSON.stringify({ audio: Array.from({ length: 512 }, (_, i) => 0.3 * Math.sin(i / 7)) });

let stack: Stack | undefined;
let server: ModelServer | undefined;
let kubeApi: KubeApiStandIn | undefined;
afterEach(async () => {
  await stack?.close();
  await server?.close();
  await kubeApi?.close();
  stack = server = kubeApi = undefined;
});

it('runs the plan in one flow and posts one ranking over every diagnostic, with the plan and what could not run', { timeout: 60_000 }, async () => {
  server = await startModelServer({ faults: { errorRate: 0.08 }, random: seededRandom(3) });
  for (let i = 0; i < 400; i++) await (await fetch(`${server.url}/predict`, { method: 'POST', body: AUDIO })).arrayBuffer();
  // The recording moved to now: its rollout began 15 minutes ago for every diagnostic's clock.
  kubeApi = await startKubeApiStandIn(shiftTimes(rankerScenario('new-image'), Date.now() - RANKER_NOW));
  stack = await startStack({ diagnostics, deps: { kube: createKubeAccess({ namespaces: [], kubeConfig: kubeApi.kubeConfig() }) } });
  let sending = true;
  const load = (async () => {
    while (sending) await (await fetch(`${server!.url}/predict`, { method: 'POST', body: AUDIO })).arrayBuffer().catch(() => undefined);
  })();

  const ack = await stack.sendCommand(`investigate ml/deployment/ranker errors --url ${server.url}`);
  expect(ack.status).toBe(200);
  const { transcript } = await stack.waitForReport(undefined, 45_000);
  sending = false;
  await load;

  expect(transcript).toContain('symptoms "errors" → errors');
  expect(transcript).toContain('ran `changes ml/deployment/ranker`');
  expect(transcript).toContain(`ran \`health ${server.url}\``);
  expect(transcript).toMatch(/not run: gpu — .*--node/);
  expect(transcript).toContain('*Hypotheses* across 2 diagnostics (most likely first)');
  // The rollout explains the errors health measured: first, with evidence from both diagnostics.
  const first = transcript.slice(transcript.indexOf('*1. '), transcript.indexOf('*2. '));
  expect(first).toMatch(/The rollout of revision 12 \(a new image\) introduced the problem\* — high/);
  expect(first).toMatch(/\[changes\]/);
  expect(first).toMatch(/failing while the rollout is under an hour old: .*, with error rate [0-9.]+ % \(\d+ of \d+ .*\) \[changes, health\]/);
  expect(transcript).toContain("`kubectl -n ml rollout undo deployment/ranker`");
});
