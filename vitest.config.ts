import { defineConfig } from "vitest/config";

// Unit tests sit next to the code they test. Integration tests (`*.integration.test.ts`: a real coordinator, real
// sockets, Node participants in threads) run one file at a time from vitest.integration.config.ts; e2e tests
// (Playwright) live in e2e/. Neither runs here.
export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/node/**/*.test.ts", "apps/*/src/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "**/*.integration.test.ts"],
    environment: "node",
  },
});
