// Type-checks every project with its own tsconfig, so that the pure packages are checked without DOM or Node
// types (an import of either there is a compile error, not a review comment).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const projects = [
  ".",
  "packages/core",
  "packages/protocol",
  "packages/model",
  "packages/model/node",
  "packages/core/node",
  "packages/rounds",
  "packages/participant",
  "apps/coordinator",
  "apps/sim",
  "apps/web",
  "e2e",
];
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
let failed = 0;
for (const project of projects) {
  const started = Date.now();
  const run = spawnSync(process.execPath, [tsc, "-p", project], { stdio: "inherit" });
  const ok = run.status === 0;
  if (!ok) failed += 1;
  console.log(`typecheck ${ok ? "ok  " : "FAIL"} ${project} (${Date.now() - started} ms)`);
}
process.exit(failed === 0 ? 0 : 1);
