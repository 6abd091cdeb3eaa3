import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

// package.json's dependencies are what the bundles are built from: each must be used by src/, and
// everything src/ uses must be one of them (a package only tests use is a devDependency).

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Packages src/ imports (statically, dynamically or for types), by package name. */
function importedPackages(): Set<string> {
  const found = new Set<string>();
  for (const file of sourceFiles(join(REPO_ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const specs = [
      ...text.matchAll(/^\s*(?:import|export)\b[^'"`;=()]*?\bfrom\s*'([^']+)'/gm), // import … from 'x', export … from 'x'
      ...text.matchAll(/^\s*import\s*'([^']+)'/gm), // import 'x'
      ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g), // await import('x')
    ].map((m) => m[1]!);
    for (const spec of specs) {
      if (spec.startsWith('.') || spec.startsWith('node:')) continue;
      found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return found;
}

test('every dependency is imported by src/, and src/ imports only dependencies', () => {
  const imported = importedPackages();
  const declared = Object.keys(pkg.dependencies);
  expect(declared.filter((d) => !imported.has(d))).toEqual([]);
  expect([...imported].filter((i) => !declared.includes(i))).toEqual([]);
});
