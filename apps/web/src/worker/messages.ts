// What the page and its participant worker say to each other. Errors cross this boundary as values.
import type { BackendName, Failure } from "@airlora/core";
import type { ProbeReport } from "@airlora/model";

export type WorkerRequest = { readonly type: "probe"; readonly prefer?: BackendName };

export type WorkerReply =
  { readonly type: "probed"; readonly report: ProbeReport } | { readonly type: "failed"; readonly error: Failure };
