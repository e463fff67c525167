// Where a finished run's training went (docs/simulator.md section 7): per LoRA module, how far the global product
// moved from the first checkpoint to the last, ||B A - B0 A0||_F (the LoRA scale left out: it is the run's constant),
// from the checkpoints alone. It shows which modules a rule's sparsification starved.
import { fail, ok, productChangeEnergy, type Result } from "@airlora/core";
import { PRESETS, adapterSpecFor, taskHead } from "@airlora/model";
import { loadResumePoint, readCheckpoint } from "./resume";

export interface ModuleMovement {
  readonly module: string;
  readonly change: number;
}

export function adapterMovement(runDir: string): Result<readonly ModuleMovement[]> {
  const point = loadResumePoint(runDir);
  if (!point.ok) return fail({ code: "bad-run", reason: point.error.reason });
  const { settings, checkpoint, runId } = point.value;
  if (checkpoint === undefined) return fail({ code: "no-checkpoint", reason: `${runDir}: no complete checkpoint` });
  const first = readCheckpoint(runDir, runId, settings, 0);
  if (!first.ok) return first;
  if (first.value === undefined)
    return fail({ code: "no-checkpoint", reason: `${runDir}: round 0's checkpoint is missing` });
  const rank = checkpoint.state.machine.rank;
  if (first.value.state.machine.rank !== rank) {
    return fail({ code: "rank-changed", reason: `${runDir}: round 0 and the last round have different ranks` });
  }
  const spec = adapterSpecFor(PRESETS[settings.preset], {
    rank,
    targets: settings.targets,
    head: taskHead(settings.task),
  });
  return ok(
    spec.modules.map((m, index) => {
      const before = first.value?.global.modules[index];
      const after = checkpoint.global.modules[index];
      const energy =
        before === undefined || after === undefined ? Number.NaN : productChangeEnergy(before, after, m.d, m.k, m.rank);
      return { module: m.name, change: Math.sqrt(energy) };
    }),
  );
}
