// Test support: a process that writes a checkpoint and is killed (SIGKILL, no clean-up) after the data of its
// `nth` atomic write is on disk and before that file's rename: a coordinator dying in the middle of a checkpoint.
// Usage: tsx crash-during-checkpoint.ts <input.json> <nth>; the input is a CheckpointInput with plain arrays.
import { readFileSync } from "node:fs";
import { openRunDirectory, type CheckpointInput } from "../run/run-directory";

const [inputPath, nth] = process.argv.slice(2);
const raw = JSON.parse(readFileSync(inputPath ?? "", "utf8")) as {
  dir: string;
  input: Omit<CheckpointInput, "adapter"> & { adapter: { modules: { a: number[]; b: number[] }[]; dense: number[][] } };
};
const { dir, input } = raw;
const adapter = {
  modules: input.adapter.modules.map((m) => ({ a: Float32Array.from(m.a), b: Float32Array.from(m.b) })),
  dense: input.adapter.dense.map((d) => Float32Array.from(d)),
};
let writes = 0;
openRunDirectory(dir).writeCheckpoint(
  { ...input, adapter },
  {
    beforeRename: () => {
      writes += 1;
      if (writes === Number(nth)) process.kill(process.pid, "SIGKILL");
    },
  },
);
