// Where a resumed run's engine starts (docs/interfaces.md, "Checkpoints and resume"), for `airlora start --resume` and
// `airlora simulate --resume` alike: the log cut back to the checkpoint's round, the resume noted in the manifest,
// and the round machine restored from the checkpoint; undefined (start over) when no round was complete.
import { ok, type Result } from "@airlora/core";
import { restoreRun } from "@airlora/rounds";
import type { EngineStart } from "./engine";
import type { PreparedRun } from "./prepare-run";
import type { ResumePoint } from "./resume";

export function resumedStart(prepared: PreparedRun, resume: ResumePoint): Result<EngineStart | undefined> {
  prepared.directory.rewriteRounds(resume.lines);
  const resumes = Array.isArray(prepared.manifest.resumes) ? (prepared.manifest.resumes as unknown[]) : [];
  prepared.directory.writeManifest({
    ...prepared.manifest,
    resumes: [...resumes, { at: new Date().toISOString(), fromRound: resume.checkpoint?.round ?? null }],
  });
  const saved = resume.checkpoint;
  if (saved === undefined) return ok(undefined);
  const state = restoreRun(prepared.config, prepared.pilot, {
    snapshot: saved.state.machine,
    global: saved.global,
    lastEval: resume.lines.at(-1)?.eval ?? null,
  });
  return state.ok ? ok({ state: state.value, lines: resume.lines }) : state;
}
