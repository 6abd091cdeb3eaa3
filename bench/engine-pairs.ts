/**
 * What the engine benchmarks (load-engine, journey-engine) share: perfgate's engine against a
 * hand-written autocannon run on the example service, in alternating pairs (P B, B P, ...) so
 * drift on the machine hits both, summed up as the median of the per-pair throughput ratios (on a
 * shared 2-core machine one neighbour's burst can halve a single trial; a median of pairs shrugs
 * that off). Not a benchmark itself: bench/run.mjs runs only *.bench.ts.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

export type Engine = 'perfgate' | 'bare';

export function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} is "${raw}"; expected a positive number`);
  return value;
}

/** The example service on a port of its own choosing, as a child process. */
export async function startExampleService(): Promise<{ origin: string; stop(): Promise<void> }> {
  const script = path.resolve('examples/service/server.mjs');
  const child = spawn(process.execPath, [script], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`benchmark server ${script} exited with ${code} before listening`)));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `pairs` alternating pairs of trials, each engine once a pair, the first engine alternating. */
export async function alternatingPairs<T extends { engine: Engine; throughput: number }>(pairs: number, trial: (engine: Engine) => Promise<T>, describe: (t: T) => string = () => ''): Promise<T[]> {
  const trials: T[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const order: Engine[] = pair % 2 === 0 ? ['perfgate', 'bare'] : ['bare', 'perfgate'];
    for (const engine of order) {
      const t = await trial(engine);
      trials.push(t);
      process.stderr.write(`pair ${pair + 1}/${pairs} ${engine}: ${t.throughput.toFixed(0)} req/s${describe(t)}\n`);
    }
  }
  return trials;
}

export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Both engines' trials, each pair's perfgate/bare throughput ratio and their median. */
export function pairedThroughput<T extends { engine: Engine; throughput: number }>(trials: T[]) {
  const perfgate = trials.filter((t) => t.engine === 'perfgate');
  const bare = trials.filter((t) => t.engine === 'bare');
  const pairRatios = perfgate.map((p, i) => p.throughput / bare[i]!.throughput);
  return { perfgate, bare, pairRatios, ratio: median(pairRatios) };
}

/** The machine and how busy it was over the benchmark (other processes are the main source of noise). */
export function machine(loadAtStart: number) {
  return { node: process.version, cpuModel: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverage1m: { start: loadAtStart, end: os.loadavg()[0] ?? 0 } };
}

/**
 * A markdown table of metric, value and goal under a heading that gives the settings and the
 * machine's load, after what `what` says of the workload ("3 steps"), if anything.
 */
export function engineTable(title: string, what: string | null, settings: { connections: number; trialSeconds: number; pairs: number }, env: ReturnType<typeof machine>, rows: string[][]): string {
  const header =
    `\n### ${title} (${what ? `${what}, ` : ''}${settings.connections} connections, ${settings.trialSeconds} s trials, ` +
    `${settings.pairs} alternating pairs, load average ${env.loadAverage1m.start.toFixed(1)} -> ${env.loadAverage1m.end.toFixed(1)} on ${env.cores} cores)\n\n`;
  return header + '| metric | value | goal |\n|---|---|---|\n' + rows.map((row) => `| ${row.join(' | ')} |`).join('\n') + '\n';
}
