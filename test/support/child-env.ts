// When the test suite itself runs inside GitHub Actions, the parent environment
// holds the real runner's variables (its token, results URL, output files).
// A child under test must see only what the test gives it.

const STRIPPED_PREFIXES = ['GITHUB_', 'ACTIONS_', 'RUNNER_', 'INPUT_', 'STATE_', 'VITEST', 'npm_'];
const STRIPPED_NAMES = new Set(['CI', 'NODE_ENV', 'NODE_OPTIONS', 'TEST']);

/** The parent's environment without any runner, Actions or test-runner variables. */
export function runnerFreeEnv(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (STRIPPED_NAMES.has(name)) continue;
    if (STRIPPED_PREFIXES.some((prefix) => name.toUpperCase().startsWith(prefix.toUpperCase()))) continue;
    env[name] = value;
  }
  return env;
}
