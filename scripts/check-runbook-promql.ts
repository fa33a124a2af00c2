// Checks the PromQL in the runbooks with Prometheus' own parser: every `prevent` alert, and the
// query of every manual `promtool query instant … '<expr>'` command, filled with the variables'
// defaults and examples, written as one rules file and handed to `promtool check rules`.
// Needs promtool on the PATH (Debian/Ubuntu: apt-get install prometheus). Usage:
//   npx node scripts/check-runbook-promql.ts [RUNBOOKS_DIR]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { diagnostics } from '../jobs/registry.ts';
import { loadRunbooks } from '../src/runbooks/load-runbooks.ts';
import { prepareRunbook } from '../src/runbooks/prepare-runbook.ts';

const dir = process.argv[2] ?? 'runbooks';
const groups = loadRunbooks(dir, diagnostics).map((rb) => {
  const p = prepareRunbook(rb, { useExamples: true });
  const queries = p.steps.flatMap((s) => (s.kind === 'manual' ? s.commands : [])).flatMap((c) => [...c.matchAll(/^promtool query instant \S+ '(.+)'$/g)].map((m) => m[1]!));
  return {
    name: rb.name,
    rules: [
      ...p.prevent.alerts.map((a) => ({ alert: a.alert, expr: a.expr, ...(a.for ? { for: a.for } : {}), annotations: { summary: a.why } })),
      ...queries.map((expr, i) => ({ record: `runbook:manual_query_${i + 1}`, expr })),
    ],
  };
});
const file = join(mkdtempSync(join(tmpdir(), 'infdbg-promql-')), 'rules.yaml');
writeFileSync(file, stringify({ groups }));
const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
if (r.error) {
  console.error(`promtool not found (${r.error.message}); install Prometheus' promtool`);
  process.exit(2);
}
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
process.exit(r.status ?? 1);
