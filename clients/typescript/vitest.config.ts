import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'chromium',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          // One rtsync, one database and one browser for the whole run: the files share them.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
