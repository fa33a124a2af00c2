// Where diagnostics remember a target between runs (the last latency of a service, so "p50 went
// from 4 ms to 204 ms" can be said): Redis for workers, shared by every worker of the cluster
// (redis-baseline-store.ts, apart so that the terminal does not load a Redis client); a JSON
// file beside the charts for the terminal. A store that fails never fails the diagnostic: the
// baseline is then simply unknown.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BaselineStore } from '../core/diagnostic.ts';

/** One JSON object `{ key: value }` in a file (the CLI's `--charts-dir`/baselines.json). */
export class FileBaselineStore implements BaselineStore {
  private readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
  private async read(): Promise<Record<string, string>> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as unknown;
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  }
  async get(key: string): Promise<string | null> {
    const v = (await this.read())[key];
    return typeof v === 'string' ? v : null;
  }
  async set(key: string, value: string): Promise<void> {
    try {
      const all = { ...(await this.read()), [key]: value };
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(all, null, 2));
      await rename(tmp, this.path);
    } catch {
      // read-only directory: no baseline next time
    }
  }
}

/** In memory, for tests and one-off runs. */
export class MemoryBaselineStore implements BaselineStore {
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }
  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
}
