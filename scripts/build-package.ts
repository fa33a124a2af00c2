// `npm pack` (prepack): the JavaScript build of the sources for the installed package, which
// Node will not run as TypeScript from node_modules (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING).
// tsc emits src/, jobs/ and handlers/ to dist/ (relative .ts imports rewritten to .js); the data
// files they read beside them (YAML catalogues, the ONNX proto) and the shipped runbooks are
// copied next to the output. A checkout keeps running the TypeScript directly (postpack: --clean).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DIST = 'dist';
rmSync(DIST, { recursive: true, force: true });
// postpack: the build is the tarball's; the checkout runs the sources.
if (process.argv.includes('--clean')) process.exit(0);
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: ['ignore', 2, 2] });

/** Copies every file under `dir` that tsc does not emit (not .ts) to the same place under dist/. */
function copyData(dir: string): number {
  let copied = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copied += copyData(path);
    else if (!name.endsWith('.ts')) {
      cpSync(path, join(DIST, path));
      copied++;
    }
  }
  return copied;
}
const data = ['src', 'jobs', 'handlers'].reduce((n, dir) => n + copyData(dir), 0);
// src/runbooks/load-runbooks.ts finds the shipped runbooks two folders above itself: dist/runbooks.
cpSync('runbooks', join(DIST, 'runbooks'), { recursive: true });
// stderr: `npm pack --json` prints its JSON on stdout.
console.error(`build-package: dist/ built, ${data} data files and the runbooks copied`);
