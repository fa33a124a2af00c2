import { describe, expect, it } from 'vitest';
import { cliConfigSchema, loadConfig, serveConfigSchema, workerConfigSchema } from '../../src/core/config.ts';
import { ConfigError } from '../../src/core/errors.ts';

describe('config', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(cliConfigSchema, {});
    expect(c).toMatchObject({ REDIS_URL: 'redis://127.0.0.1:6379', NODE_NAME: 'local', WORKER_CONCURRENCY: 2, INFDBG_NAMESPACES: [] });
    const s = loadConfig(serveConfigSchema, { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(s.PORT).toBe(3000);
  });

  it('lists every problem in one message, naming the variables but never their values', () => {
    const secret = 'xoxp-user-token-that-must-not-leak';
    let message = '';
    try {
      loadConfig(serveConfigSchema, { SLACK_BOT_TOKEN: secret, PORT: 'eighty', REDIS_URL: 'http://nope' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('SLACK_SIGNING_SECRET');
    expect(message).toContain('SLACK_BOT_TOKEN: must be a bot token');
    expect(message).toContain('PORT');
    expect(message).toContain('REDIS_URL');
    expect(message).not.toContain(secret);
    expect(message).not.toContain('\n');
  });

  it('lets a worker run without the signing secret, and parses the namespace allowlist', () => {
    const w = loadConfig(workerConfigSchema, { SLACK_BOT_TOKEN: 'xoxb-1', INFDBG_NAMESPACES: 'ml, serving ,' });
    expect(w.INFDBG_NAMESPACES).toEqual(['ml', 'serving']);
    expect(() => loadConfig(workerConfigSchema, {})).toThrow(/SLACK_BOT_TOKEN/);
  });

  it('parses INFDBG_ALLOWED_TARGETS for the bot and the workers, and stops start-up naming each bad entry', () => {
    const w = loadConfig(workerConfigSchema, { SLACK_BOT_TOKEN: 'xoxb-1', INFDBG_ALLOWED_TARGETS: ' .svc.cluster.local, 10.0.0.0/8 ,model-gw.example.com' });
    expect(w.INFDBG_ALLOWED_TARGETS).toEqual(['.svc.cluster.local', '10.0.0.0/8', 'model-gw.example.com']);
    expect(w.PORT).toBe(3000);
    expect(loadConfig(workerConfigSchema, { SLACK_BOT_TOKEN: 'xoxb-1' }).INFDBG_ALLOWED_TARGETS).toEqual([]);
    expect(() => loadConfig(serveConfigSchema, { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', INFDBG_ALLOWED_TARGETS: '10.0.0.0/40,http://x' })).toThrow(
      /INFDBG_ALLOWED_TARGETS: "10\.0\.0\.0\/40" is not a CIDR.*"http:\/\/x" is neither a host name, a \.suffix nor a CIDR/,
    );
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig(cliConfigSchema, { NODE_NAME: '' }).NODE_NAME).toBe('local');
  });
});
