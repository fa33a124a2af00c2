// Which local files a queued job may read. A `/debug drift /etc/passwd …` typed in Slack runs on a
// worker: without a limit it would read any file the worker can. Workers therefore read local
// paths only under INFDBG_DATA_DIRS; the CLI, run by the person whose files they are, reads any.
import { realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { InputError } from '../core/errors.ts';

/**
 * Resolves `path` (symlinks included) and checks it lies under one of `roots`. `roots`
 * undefined = no limit (the CLI). A missing file passes through, so the reader reports it.
 */
export async function checkLocalPath(path: string, roots: readonly string[] | undefined): Promise<void> {
  if (roots === undefined) return;
  if (roots.length === 0) {
    throw new InputError(`${path}: workers read no local files unless INFDBG_DATA_DIRS names the directories they may read; give an http(s) URL instead`);
  }
  const real = await realpath(path).catch(() => resolve(path));
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => resolve(root));
    if (real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) return;
  }
  throw new InputError(`${path}: not under the directories workers may read (INFDBG_DATA_DIRS: ${roots.join(', ')}); give an http(s) URL or move the file there`);
}
