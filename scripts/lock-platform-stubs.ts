// The npm registry reachable from these machines lacks some platform builds of
// msgpackr-extract (an optional native speed-up of msgpackr, used by BullMQ). `npm install`
// then leaves them out of package-lock.json and `npm ci` refuses the lock as out of sync.
// This adds the missing optional entries (for other platforms; never installed here) after
// `npm install` rewrites the lock: `npx node scripts/lock-platform-stubs.ts`.
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; optionalDependencies?: Record<string, string> }> };
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `${path ? `${path}/` : ''}node_modules/${name}`.replace(/^.*?node_modules\/(?=.*node_modules\/)/, 'node_modules/');
    const flat = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[flat]) continue;
    const [, os, cpu] = /-(darwin|linux|win32|freebsd)-([a-z0-9]+)$/.exec(name) ?? [];
    if (!os || !cpu) continue;
    lock.packages[flat] = { version, cpu: [cpu], optional: true, os: [os] } as never;
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
writeFileSync('package-lock.json', JSON.stringify({ ...lock, packages: sorted }, null, 2) + '\n');
console.log(`lock-platform-stubs: added ${added} optional platform entr${added === 1 ? 'y' : 'ies'}`);
