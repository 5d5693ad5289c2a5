import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests against the built site (npm run test:e2e builds it first). Files run one after the
 * other (each launches its own browser and preview server); the machine has 2 cores and pages run
 * real computations, hence the generous timeouts.
 */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
