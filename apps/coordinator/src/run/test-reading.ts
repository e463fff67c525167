// The report's one reading of the test split (docs/simulator.md section 7): a finished run's last global adapter,
// scored on the test split its own settings carve out. The split is prepared again (the preparation is a pure
// function of the settings) and checked against the manifest's hashes, so the figure is on the data the run held out.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fail, ok, type Result } from "@airlora/core";
import { PRESETS, adapterSpecFor, taskHead } from "@airlora/model";
import { modelDir, sha256Hex } from "@airlora/model/node";
import type { RoundEvaluation } from "@airlora/protocol";
import type { Evaluator } from "../evaluator/evaluator";
import { etagOf, sameData } from "./data-identity";
import { dataOf } from "./prepare-run";
import { loadResumePoint } from "./resume";

export interface TestReading {
  readonly runId: string;
  /** The round whose global adapter was scored: the run's last. */
  readonly round: number;
  readonly evaluation: RoundEvaluation;
}

export async function readTestSplit(runDir: string, evaluator: Evaluator): Promise<Result<TestReading>> {
  const point = loadResumePoint(runDir);
  if (!point.ok) return fail({ code: "bad-run", reason: point.error.reason });
  const { settings, checkpoint, manifest } = point.value;
  if (!point.value.finished || checkpoint === undefined) {
    return fail({ code: "unfinished-run", reason: `${runDir}: the run has not logged its last round` });
  }
  const data = await evaluator.prepare({
    ...dataOf(settings),
    evalRows: undefined,
    split: "test",
    pilot: null,
  });
  if (!data.ok)
    return fail({ code: data.error.code, reason: `${runDir}: preparing the test split: ${data.error.reason}` });
  const weights = readFileSync(join(modelDir(settings.preset), "model.safetensors"));
  const same = sameData(
    manifest,
    sha256Hex(weights),
    data.value.shards.map((shard) => etagOf(sha256Hex(shard.bytes))),
    { code: "different-data", hint: "score it with the AirLoRA version that made it" },
  );
  if (!same.ok) return fail({ code: same.error.code, reason: `${runDir}: ${same.error.reason}` });
  const spec = adapterSpecFor(PRESETS[settings.preset], {
    rank: checkpoint.state.machine.rank,
    targets: settings.targets,
    head: taskHead(settings.task),
  });
  const scored = await evaluator.evaluate({ spec, adapter: checkpoint.global });
  if (!scored.ok) return fail({ code: scored.error.code, reason: `${runDir}: ${scored.error.reason}` });
  return ok({ runId: point.value.runId, round: checkpoint.round, evaluation: scored.value.evaluation });
}
