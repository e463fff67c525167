import { defineConfig } from "vitest/config";

// Integration tests (docs/testing.md section 6): each file starts a real coordinator with its evaluation worker and
// Node participants in worker threads. One file at a time: they measure round latencies, which a second run on the
// same two cores would distort.
export default defineConfig({
  test: {
    include: ["apps/*/src/**/*.integration.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
