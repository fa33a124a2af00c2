// The catalogue cache of the terminal: a second start reads the validated causes from one JSON
// file instead of parsing the YAML again; a changed, corrupt or foreign-writable cache file is
// never trusted.
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultCauses, loadCauses } from '../../src/diagnosis/causes.ts';

const shippedDir = new URL('../../src/diagnosis/causes/', import.meta.url);
let cacheDir: string;
const cacheFile = () => {
  const files = readdirSync(cacheDir).filter((f) => f.startsWith('infdbg-causes-'));
  expect(files).toHaveLength(1);
  return join(cacheDir, files[0]!);
};
/** The cache with the first cause's title changed, so a test can tell a cached read from a fresh one. */
const tamper = (path: string) => {
  const causes = JSON.parse(readFileSync(path, 'utf8')) as Array<{ title: string }>;
  causes[0]!.title = 'from the cache';
  writeFileSync(path, JSON.stringify(causes));
};

beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'infdbg-causes-cache-'));
});

describe('causes catalogue cache', () => {
  it('gives the same causes as parsing the YAML, and reads them back on the next start', () => {
    const first = loadCauses(shippedDir, cacheDir);
    expect(first).toEqual(defaultCauses());
    tamper(cacheFile());
    expect(loadCauses(shippedDir, cacheDir)[0]!.title).toBe('from the cache');
  });

  it('is rebuilt when a YAML file changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infdbg-causes-yaml-'));
    cpSync(shippedDir, dir, { recursive: true });
    const yamlDir = pathToFileURL(`${dir}/`);
    loadCauses(yamlDir, cacheDir);
    const name = readdirSync(dir).find((f) => f.endsWith('.yaml'))!;
    const text = readFileSync(join(dir, name), 'utf8');
    const firstTitle = /title: (.+)/.exec(text)![1]!;
    writeFileSync(join(dir, name), text.replace(`title: ${firstTitle}`, 'title: edited in the YAML'));
    const titles = loadCauses(yamlDir, cacheDir).map((c) => c.title);
    expect(titles).toContain('edited in the YAML');
    // The cache of the catalogue as it was is gone: one file, the current one.
    expect(readdirSync(cacheDir).filter((f) => f.startsWith('infdbg-causes-'))).toHaveLength(1);
    expect(loadCauses(yamlDir, cacheDir).map((c) => c.title)).toContain('edited in the YAML');
  });

  it('parses the YAML again when the cache file is corrupt', () => {
    loadCauses(shippedDir, cacheDir);
    writeFileSync(cacheFile(), '{ not json');
    expect(loadCauses(shippedDir, cacheDir)).toEqual(defaultCauses());
  });

  it('ignores a cache file that others could have written', () => {
    loadCauses(shippedDir, cacheDir);
    const path = cacheFile();
    tamper(path);
    chmodSync(path, 0o666);
    expect(loadCauses(shippedDir, cacheDir)).toEqual(defaultCauses());
  });

  it('still loads where the cache directory cannot be written', () => {
    const blocked = join(cacheDir, 'file');
    writeFileSync(blocked, '');
    expect(loadCauses(shippedDir, join(blocked, 'below'))).toEqual(defaultCauses());
  });
});
