import { defineConfig } from 'vitest/config';

// Pure tests: no service, no load, no child process, nothing timed. They run first, several files
// at once.
const PURE = ['test/{analyze,baseline,config,plan,report,results,scenarios,stats}/**/*.test.ts', 'test/dependencies.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'pure', include: PURE, fileParallelism: true, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'processes',
          include: ['test/**/*.test.ts'],
          exclude: PURE,
          // Tests that start services and drive real load share two cores; running them in
          // parallel with each other (or with the pure files, hence the later group) would make
          // their measurements fight each other.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
