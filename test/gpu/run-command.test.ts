// The real runCommand: no shell, ENOENT → notFound, deadline → timedOut, exit codes passed on.
import { describe, expect, it } from 'vitest';
import { queryNvidiaSmi } from '../../src/gpu/nvidia-smi.ts';
import { runCommand } from '../../src/gpu/run-command.ts';

const signal = new AbortController().signal;

describe('runCommand', () => {
  it('reports a program that is not installed as notFound, and nvidia-smi as not installed', async () => {
    const out = await runCommand('nvidia-smi-does-not-exist', ['--help'], { timeoutMs: 5000, signal });
    expect(out).toMatchObject({ notFound: true, exitCode: null });
    const snap = await queryNvidiaSmi(runCommand, { signal, binary: 'nvidia-smi-does-not-exist' });
    expect(snap.failures).toEqual([{ kind: 'not-installed', detail: 'nvidia-smi-does-not-exist: not found on PATH' }]);
  });

  it('passes arguments verbatim (no shell expansion) and returns stdout and the exit code', async () => {
    const out = await runCommand(process.execPath, ['-e', 'console.log(process.argv[1]); process.exit(3)', '$HOME;`id`'], { timeoutMs: 10_000, signal });
    expect(out).toEqual({ stdout: '$HOME;`id`\n', stderr: '', exitCode: 3 });
  });

  it('kills a program that outlives its deadline', async () => {
    const out = await runCommand(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 300, signal });
    expect(out.timedOut).toBe(true);
  });

  it('rejects with the abort reason when the job is cancelled', async () => {
    const ac = new AbortController();
    const run = runCommand(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 60_000, signal: ac.signal });
    ac.abort(new Error('job cancelled'));
    await expect(run).rejects.toThrow('job cancelled');
  });
});
