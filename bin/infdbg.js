#!/usr/bin/env node
// Entry for `npx infdbg …` in a checkout: Node 24 (the `node` devDependency) runs the TypeScript sources directly.
import { main } from '../src/main/infdbg.ts';

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
