// npm run demo: measures the example service against a copy of itself with 15% more CPU work per
// request, interleaved, and prints the verdict perfgate reaches. Uses the committed dist/cli.js.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
console.error('perfgate demo: base = the example service, head = the same with +15% CPU per request');
console.error('measuring both side by side (about a minute)...\n');
const r = spawnSync(
  process.execPath,
  ['dist/cli.js', 'run', '--config', 'examples/service/demo.yml', '--output', '.perfgate/demo-results.json', '--markdown', '.perfgate/demo-report.md'],
  { cwd: root, stdio: 'inherit' },
);
if (r.status === 1) {
  console.error('\nThe injected regression was caught (exit code 1 is what fails a CI step).');
  console.error('Results: .perfgate/demo-results.json · PR comment preview: .perfgate/demo-report.md');
  process.exit(0);
}
if (r.status === 0) {
  console.error('\nperfgate did not confirm the injected regression in this run (see the table above).');
  process.exit(0);
}
process.exit(r.status ?? 3);
