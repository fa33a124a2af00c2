// The real `DiagnosticDeps.runCommand`: a program started without a shell (arguments are passed
// as an array, never interpolated), with a deadline and cancellation. "Not installed" and
// "timed out" come back as flags so callers can turn them into findings instead of crashes.
import { execFile } from 'node:child_process';
import type { RunCommand } from './nvidia-smi.ts';

/** Largest stdout/stderr kept, bytes; nvidia-smi's CSV for 16 GPUs is a few KiB. */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export const runCommand: RunCommand = (file, args, { timeoutMs, signal }) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    execFile(
      file,
      args,
      { shell: false, timeout: timeoutMs, killSignal: 'SIGKILL', signal, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8', windowsHide: true },
      (err, stdout, stderr) => {
        if (!err) {
          resolve({ stdout, stderr, exitCode: 0 });
          return;
        }
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number | null };
        if (signal.aborted) reject(signal.reason);
        else if (e.code === 'ENOENT') resolve({ stdout: '', stderr: e.message, exitCode: null, notFound: true });
        else if (e.killed) resolve({ stdout, stderr, exitCode: null, timedOut: true });
        else if (typeof e.code === 'number') resolve({ stdout, stderr, exitCode: e.code });
        else reject(err);
      },
    );
  });
