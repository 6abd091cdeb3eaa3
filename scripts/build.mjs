// Bundles the action (dist/index.js) and the CLI (dist/cli.js) as ESM. The @actions/* packages
// are ESM-only, so CommonJS output breaks; autocannon is CommonJS and calls require(), which an
// ESM bundle only has through createRequire.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const banner = "import { createRequire as __pgCreateRequire } from 'node:module';\nconst require = __pgCreateRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
  define: { PERFGATE_VERSION: JSON.stringify(pkg.version) },
};

// Each bundle is written to a temporary file and renamed into place, so a test run that builds
// while another one is executing dist/ never sees a missing or half-written file.
async function bundle(entry, outfile, bannerText) {
  const result = await build({ ...common, entryPoints: [entry], outfile, banner: { js: bannerText } });
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}

mkdirSync(new URL('../dist', import.meta.url), { recursive: true });
await bundle('src/index.ts', 'dist/index.js', banner);
await bundle('src/cli.ts', 'dist/cli.js', `#!/usr/bin/env node\n${banner}`);
