#!/usr/bin/env node
// Entry for `infdbg` (`npx infdbg …` in a checkout, the `infdbg` an installed package puts on the
// PATH). It checks the Node it runs on — npm's `engines` check would judge the Node that runs npm,
// which in a checkout is not the Node 24 of the `node` devDependency that runs infdbg — then runs
// the TypeScript sources in a checkout, or their JavaScript build (dist/) in the installed package.
import { existsSync } from 'node:fs';
import { enableCompileCache } from 'node:module';

const NEEDS = 24;
if (Number(process.versions.node.split('.')[0]) < NEEDS) {
  process.stderr.write(`infdbg: needs Node.js ${NEEDS} or later; ${process.execPath} is ${process.versions.node}\n`);
  process.exit(1);
}
// Node keeps the compiled modules (and the TypeScript with its types stripped) on disk between
// runs (NODE_COMPILE_CACHE, default a folder in the temp dir): about 0.3 s less CPU for a drift run.
enableCompileCache?.();
const checkout = new URL('../src/main/infdbg.ts', import.meta.url);
const { main } = await import(existsSync(checkout) ? checkout.href : new URL('../dist/src/main/infdbg.js', import.meta.url).href);
const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
