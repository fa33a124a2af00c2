// The manual steps are commands an engineer types: every `kubectl` command of the shipped
// runbooks, filled with the variables' examples, is handed to the real kubectl client, pointed at
// a closed port so nothing reaches a cluster. kubectl parses the command line before it connects,
// so an unknown subcommand or flag fails here, and a valid one fails only on the connection.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { diagnostics } from '../../jobs/registry.ts';
import { tokenize } from '../../src/command/args.ts';
import { loadRunbooks } from '../../src/runbooks/load-runbooks.ts';
import { prepareRunbook } from '../../src/runbooks/prepare-runbook.ts';

/** The kubectl part of a command line (before the first pipe outside quotes), as argv, `<placeholders>` given a value. */
function kubectlArgv(command: string): string[] {
  let quote = '';
  let end = command.length;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) quote = c === quote ? '' : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '|') {
      end = i;
      break;
    }
  }
  return tokenize(command.slice(0, end).replace(/<[^>\s]+>/g, '2')).slice(1);
}

describe('manual kubectl commands', () => {
  it('parse with the real kubectl client', () => {
    const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    expect(version.error, 'kubectl must be on the PATH (it is on these machines)').toBeUndefined();
    const commands = loadRunbooks('runbooks', diagnostics).flatMap((rb) =>
      prepareRunbook(rb, { useExamples: true }).steps.flatMap((s) => (s.kind === 'manual' ? s.commands.filter((c) => c.startsWith('kubectl ')).map((c) => ({ where: `${rb.name}/${s.id}`, c })) : [])),
    );
    expect(commands.length).toBeGreaterThan(30);
    for (const { where, c } of commands) {
      const r = spawnSync('kubectl', ['--server=http://127.0.0.1:9', '--request-timeout=1s', ...kubectlArgv(c)], { encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH, KUBECONFIG: '/dev/null', HOME: '/nonexistent' }, input: '' });
      const said = `${r.stderr}${r.stdout}`;
      expect(said, `${where}: ${c}`).not.toMatch(/unknown (flag|shorthand|command)|invalid argument|required flag|accepts \d+ arg|expected .* arguments|error: unknown|must specify|flag needs an argument/i);
      expect(said, `${where}: ${c}`).toMatch(/refused|127\.0\.0\.1:9|Unable to connect|the server/i);
    }
  });
});
