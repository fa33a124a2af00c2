// The image's HEALTHCHECK (Docker, Compose; Kubernetes uses the manifests' probes instead): GET
// /healthz of whichever process the container runs — `infdbg serve` on PORT (default 3000),
// `infdbg worker` on METRICS_PORT (default 9464) — healthy on 200 within 3 s. The role is read
// from PID 1's command line; a path as the first argument stands in for /proc/1/cmdline.
// Plain JavaScript with no imports from the project, so it starts in milliseconds.
/* global process, fetch, AbortSignal, console */
import { readFileSync } from 'node:fs';

const cmdline = readFileSync(process.argv[2] ?? '/proc/1/cmdline', 'utf8').split('\0');
const role = cmdline.includes('worker') ? 'worker' : cmdline.includes('serve') ? 'serve' : undefined;
if (!role) {
  // A one-off CLI run (`docker run … drift a.csv b.csv`) serves nothing: nothing to check.
  process.exit(0);
}
const port = role === 'worker' ? (process.env.METRICS_PORT || '9464') : (process.env.PORT || '3000');
try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
  if (res.status === 200) process.exit(0);
  console.error(`infdbg ${role}: /healthz on port ${port} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
} catch (err) {
  console.error(`infdbg ${role}: /healthz on port ${port} did not answer: ${err?.cause?.code ?? err?.name ?? err}`);
}
process.exit(1);
