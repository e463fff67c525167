// `npm run bench -- [core|model|round|page ...]`: benchmark scripts that print figures (never timed assertions in tests).
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const suites = {
  core: "scripts/bench/core.ts",
  model: "scripts/bench/model.ts",
  round: "scripts/bench/round.ts",
  page: "scripts/bench/page.ts",
};
const args = process.argv.slice(2);
const wanted = args.filter((a) => !a.startsWith("-"));
const flags = args.filter((a) => a.startsWith("-"));
const names = wanted.length === 0 ? Object.keys(suites) : wanted;
for (const name of names) {
  const script = suites[name];
  if (script === undefined) {
    console.error(`unknown benchmark "${name}"; choose from: ${Object.keys(suites).join(", ")}`);
    process.exit(2);
  }
  const run = spawnSync(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, script), ...flags], {
    cwd: root,
    stdio: "inherit",
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
