import { execFileSync } from 'node:child_process';

// Integration and end-to-end tests run the bundled dist/ as the runner and users do; build it
// first so they always test the current source (CI checks separately that dist/ is committed).
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
