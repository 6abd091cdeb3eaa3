/**
 * perfgate.yml for an A/B run of the example service (compare: variants): the head with the given
 * environment (an injected change), short trials and widened thresholds (cpu 5%, p50 10%) so the
 * end-to-end tests stay quick. What the default settings detect is measured by `npm run bench`.
 */
export function exampleAbConfig(o: { suite: string; start: string; port: number; headEnv: Record<string, string>; scenarios: string[]; extra?: string; gate?: string; trial?: string }): string {
  return `suite: ${o.suite}
compare: variants
start: ${o.start}
port: ${o.port}
ready-url: http://127.0.0.1:${o.port}/health
variants:
  head:
    env: ${JSON.stringify(o.headEnv)}
scenarios:
${o.scenarios.map((s) => `  - { name: ${s}, path: /api/${s} }`).join('\n')}
connections: 4
# One round a start: the most starts within the short budget (the default of 2 is covered by the
# measure tests and measured by the bench).
rounds-per-process: 1
warmup: ${o.trial ?? '500ms'}
duration: ${o.trial ?? '500ms'}
max-duration: 40s
gate: [${o.gate ?? 'cpu, p50, error-rate'}]
thresholds: { cpu: 5%, p50: 10% }
${o.extra ?? ''}`;
}
