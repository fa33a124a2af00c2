import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseTokens, tokenize } from '../../src/command/args.ts';
import { helpText, parseCommand } from '../../src/command/debug-command.ts';
import { defineDiagnostic } from '../../src/core/diagnostic.ts';
import { UsageError } from '../../src/core/errors.ts';
import { emptyResult } from '../../src/report/model.ts';

const fetchDiag = defineDiagnostic({
  name: 'fetchit',
  usage: 'fetchit <url> [--tries N]',
  description: 'fetch a URL',
  payload: z.object({ url: z.url({ protocol: /^https?$/ }), tries: z.number().int().positive() }),
  parseArgs(tokens) {
    const { values, positionals } = parseTokens(tokens, { tries: { type: 'string' } }, 'fetchit <url> [--tries N]');
    if (positionals.length !== 1) throw new UsageError('expected exactly one URL');
    return { url: positionals[0], tries: Number(values.tries ?? 1) };
  },
  observes: {},
  timeoutMs: 1000,
  run: async () => emptyResult('fetchit', 'x'),
});

describe('/debug grammar', () => {
  it('unwraps Slack link markup and honours quotes', () => {
    expect(tokenize('health <http://model:8080/|model:8080> "a b" \'c d\'')).toEqual(['health', 'http://model:8080/', 'a b', 'c d']);
    expect(tokenize('  drift  <https://x/ref.csv>   ')).toEqual(['drift', 'https://x/ref.csv']);
  });

  it('parses a diagnostic into a validated payload and a title', () => {
    const cmd = parseCommand('fetchit <http://svc:80|svc> --tries 3', [fetchDiag]);
    expect(cmd).toMatchObject({ kind: 'diagnostic', payload: { url: 'http://svc:80', tries: 3 }, title: 'fetchit http://svc:80 --tries 3' });
  });

  it('rejects a URL that is not http(s) with the usage line', () => {
    try {
      parseCommand('fetchit ftp://svc/x', [fetchDiag]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).usage).toBe('fetchit <url> [--tries N]');
      expect((err as Error).message).toMatch(/invalid fetchit request/);
    }
  });

  it('rejects unknown subcommands, unknown flags and missing arguments', () => {
    expect(() => parseCommand('frobnicate', [fetchDiag])).toThrow(/unknown subcommand "frobnicate"/);
    expect(() => parseCommand('fetchit http://a --bogus', [fetchDiag])).toThrow(/bogus/);
    expect(() => parseCommand('fetchit', [fetchDiag])).toThrow(/exactly one URL/);
    expect(() => parseCommand('status', [fetchDiag])).toThrow(/missing the request id/);
    expect(() => parseCommand('status 42', [fetchDiag])).toThrow(/not a request id/);
  });

  it('empty text and help give help; help lists every subcommand from the table', () => {
    expect(parseCommand('', [fetchDiag])).toEqual({ kind: 'help' });
    expect(parseCommand('HELP', [fetchDiag])).toEqual({ kind: 'help' });
    const text = helpText([fetchDiag]);
    expect(text).toContain('/debug fetchit <url> [--tries N]');
    expect(text).toContain('/debug status <request-id>');
  });

  it('refuses flags that read local files when they come from Slack', () => {
    const withFile = { ...fetchDiag, cliOnlyFlags: ['--tries'] };
    expect(() => parseCommand('fetchit http://a --tries 2', [withFile])).toThrow(/use it from a terminal/);
    expect(() => parseCommand('fetchit http://a --tries=2', [withFile])).toThrow(/use it from a terminal/);
  });

  it('status takes a request id', () => {
    expect(parseCommand('status r0123456789abcdef', [fetchDiag])).toEqual({ kind: 'status', requestId: 'r0123456789abcdef' });
  });
});
