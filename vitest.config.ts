import { defineConfig } from 'vitest/config';

// Two projects, as STYLE.md §8 asks: unit tests open no sockets, integration tests go over
// real loopback HTTP. Neither retries a failed test: a flaky test is a bug to fix.
export default defineConfig({
  test: {
    retry: 0,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/emulators/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
    ],
  },
});
