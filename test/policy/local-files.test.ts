import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { checkLocalPath } from '../../src/policy/local-files.ts';

describe('local files a queued job may read', () => {
  it('reads anything from the CLI (no roots)', async () => {
    await expect(checkLocalPath('/etc/passwd', undefined)).resolves.toBeUndefined();
  });

  it('refuses every local path on a worker with no INFDBG_DATA_DIRS', async () => {
    await expect(checkLocalPath('/etc/passwd', [])).rejects.toThrow(/INFDBG_DATA_DIRS/);
  });

  it('allows files under a root and refuses escapes by .. or by symlink', async () => {
    const root = await mkdtemp(join(tmpdir(), 'infdbg-root-'));
    await writeFile(join(root, 'ref.csv'), 'a\n1\n');
    await symlink('/etc/passwd', join(root, 'sneaky.csv'));
    await expect(checkLocalPath(join(root, 'ref.csv'), [root])).resolves.toBeUndefined();
    await expect(checkLocalPath(join(root, '..', 'elsewhere.csv'), [root])).rejects.toBeInstanceOf(InputError);
    await expect(checkLocalPath(join(root, 'sneaky.csv'), [root])).rejects.toThrow(/not under the directories/);
    await expect(checkLocalPath(`${root}-other/x.csv`, [root])).rejects.toThrow(/not under/);
  });
});
