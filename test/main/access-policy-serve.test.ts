// INFDBG_POLICY when `infdbg serve` starts, as an operator sees it: a broken policy file stops
// the real process with exit 2 and one line naming the file, the line and the field, before it
// listens; the example policy is accepted and said in the start-up log.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackApiStandIn, type SlackApiStandIn } from '../../examples/slack-api-stand-in.ts';
import { REDIS_URL } from '../support/stack.ts';

let slack: SlackApiStandIn;
let dir: string;
beforeAll(async () => {
  slack = await startSlackApiStandIn();
  dir = await mkdtemp(join(tmpdir(), 'infdbg-policy-'));
});
afterAll(async () => {
  await slack.close();
  await rm(dir, { recursive: true, force: true });
});

/** Starts `infdbg serve` with INFDBG_POLICY=`policy`; resolves with its exit code and stderr, or (still running) once `until` shows in stderr. */
function serve(policy: string, until?: string): Promise<{ code: number | null; stderr: string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, ['src/main/cli.ts', 'serve'], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL,
      QUEUE_PREFIX: `infdbg-test-${randomBytes(4).toString('hex')}`,
      SLACK_SIGNING_SECRET: 'test-signing-secret',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      INFDBG_POLICY: policy,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async () => {
    child.kill('SIGTERM');
    return exit;
  };
  return new Promise((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += String(d);
      if (until && stderr.includes(until)) resolve({ code: null, stderr, stop });
    });
    void exit.then((code) => resolve({ code, stderr, stop }));
  });
}

describe('INFDBG_POLICY at start-up', () => {
  it('a broken policy stops serve with exit 2 and one line naming the file, the line and the field', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, ['default: read-only', 'rules:', '  - name: oncall', "    groups: ['@ml-oncall']", '    allow: [diagnostic:helth]', ''].join('\n'));
    const r = await serve(file);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^infdbg: invalid INFDBG_POLICY ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} — line 5, field rules\\[0\\]\\.allow\\[0\\]: no diagnostic "helth" \\(diagnostics: .*\\)$`));
    expect(r.stderr).not.toContain('listening');
  });

  it('a policy file that is not there stops serve the same way', async () => {
    const r = await serve(join(dir, 'missing.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`infdbg: INFDBG_POLICY: cannot read ${join(dir, 'missing.yaml')}: ENOENT`);
  });

  it('the example policy is accepted: serve listens and logs the policy it enforces; SIGTERM stops it', async () => {
    const r = await serve('examples/access-policy.yaml', '"msg":"access policy"');
    try {
      expect(r.code).toBeNull();
      const line = r.stderr.split('\n').find((l) => l.includes('"msg":"access policy"'))!;
      expect(JSON.parse(line)).toMatchObject({ level: 'info', file: 'examples/access-policy.yaml', default: 'read-only', rules: 6 });
      expect(r.stderr).toContain('"msg":"bot listening"');
    } finally {
      expect(await r.stop()).toBe(0);
    }
  });
});
