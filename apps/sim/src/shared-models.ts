// One base model for every virtual participant of a run (docs/simulator.md): a hundred copies of `tiny` would not
// fit, and they would all be the same bytes. Participants only read the frozen weights; each trains its own adapter.
import { PRESETS, disposeGpt, modelFromBytes, type GptModel } from "@airlora/model";
import type { ModelSource } from "@airlora/participant";
import { ok } from "@airlora/core";

export function sharedModels(): ModelSource & { dispose(): void } {
  const byRun = new Map<string, { model: GptModel; users: number }>();
  return {
    acquire(info, files) {
      const known = byRun.get(info.runId);
      if (known !== undefined) {
        known.users += 1;
        return ok(known.model);
      }
      const model = modelFromBytes(PRESETS[info.preset], files.weights, files.poolingCentre);
      if (model.ok) byRun.set(info.runId, { model: model.value, users: 1 });
      return model;
    },
    release(model) {
      for (const [runId, entry] of byRun) {
        if (entry.model !== model) continue;
        entry.users -= 1;
        if (entry.users > 0) return;
        disposeGpt(model);
        byRun.delete(runId);
      }
    },
    dispose() {
      for (const entry of byRun.values()) disposeGpt(entry.model);
      byRun.clear();
    },
  };
}
