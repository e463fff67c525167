import { defineConfig } from "vitest/config";

// Unit tests sit next to the code they test; e2e tests (Playwright) live in e2e/ and are not run here.
export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/node/**/*.test.ts", "apps/*/src/**/*.test.{ts,tsx}"],
    environment: "node",
  },
});
