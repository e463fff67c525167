// Worker threads load JavaScript: this registers tsx in the new thread, then runs the TypeScript entry its parent
// named in workerData.entry (the evaluation worker, a Node participant), so no build step is needed.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
