// npm run bench [-- NAME ...]: bundles each bench/<name>.bench.ts with esbuild and runs its main().
// Benchmarks measure (speed, memory, detection power) and print their figures; tests never do.
import { build } from 'esbuild';
import { readdirSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const root = fileURLToPath(new URL('..', import.meta.url));
const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
process.chdir(root);
const all = readdirSync('bench').filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const wanted = process.argv.slice(2);
for (const w of wanted) {
  if (!all.includes(w)) {
    console.error(`unknown benchmark "${w}"; expected some of: ${all.join(', ')}`);
    process.exit(2);
  }
}
const names = wanted.length ? wanted : all;
const out = join(tmpdir(), `perfgate-bench-${process.pid}`);
mkdirSync(out, { recursive: true });
mkdirSync('bench/results', { recursive: true });
try {
  for (const name of names) {
    const outfile = join(out, `${name}.mjs`);
    await build({
      entryPoints: [`bench/${name}.bench.ts`],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
      define: { PERFGATE_VERSION: JSON.stringify(version) },
      banner: { js: "import { createRequire as __pgCreateRequire } from 'node:module'; const require = __pgCreateRequire(import.meta.url);" },
    });
    console.error(`\n=== bench: ${name} ===`);
    const mod = await import(pathToFileURL(outfile).href);
    await mod.main();
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
// Exit explicitly: a benchmark's keep-alive sockets must not hold the process open.
process.exit(0);
