// Per-participant predictions for TSFA stage 2 (docs/algorithms.md section 5), folded in after every round from what
// the participant reported and what the coordinator received.
import { ewma, geometricPrior, updateSpectrumEstimate, uploadRateBps, type AdapterSpec } from "@airlora/core";
import type { RoundReport } from "@airlora/protocol";
import type { Member, Participant } from "./state";

/**
 * An upload paced by the token bucket runs at the pace, not at the link's capacity, so a paced upload only says
 * "at least this fast". Only one that fell clearly short of its pace (below this fraction of it) measured the
 * link; otherwise the estimate can only rise.
 */
export const LINK_LIMITED_FRACTION = 0.8;

/** The uplink estimate after one upload of `bytes` that took `uploadMs` while paced at `paceBps`. */
export function nextUplinkEstimate(previousBps: number, bytes: number, uploadMs: number, paceBps: number): number {
  const achievedBps = uploadRateBps(bytes, uploadMs);
  if (achievedBps === undefined) return previousBps;
  const sample = achievedBps < LINK_LIMITED_FRACTION * paceBps ? achievedBps : Math.max(previousBps, achievedBps);
  return ewma(previousBps, sample);
}

/** Folds a LoRA round's report into the participant's estimates. */
export function withRoundReport(
  participant: Participant,
  report: RoundReport,
  bytesUp: number,
  paceBps: number,
  spec: AdapterSpec,
): Participant {
  const stepSample = report.computeMs / Math.max(1, report.stepsDone);
  const spectrum = nextSpectrum(participant.spectrum, report.spectrum, spec);
  return {
    ...participant,
    uplinkBps: nextUplinkEstimate(participant.uplinkBps, bytesUp, report.uploadMs, paceBps),
    msPerStep: ewma(participant.msPerStep, stepSample),
    downloadMs: ewma(participant.downloadMs, report.downloadMs),
    ...(spectrum === undefined ? {} : { spectrum }),
  };
}

/**
 * A member still training when its round closed never reports, but its pace is bounded: `done` steps in the time
 * since training began means a step takes at least `elapsed / (done + 1)`. Without this a device far slower than
 * the others keeps its unknown (or old) estimate, is planned as if it were fast, and holds every round to its
 * deadline; with it the next plan knows, and TSFA can leave it out (docs/rounds.md section 5).
 */
export function withStragglerBound(participant: Participant, member: Member, closedAt: number): Participant {
  if (member.status !== "training" || member.trainingSince === undefined) return participant;
  const done = member.progress?.done ?? 0;
  const bound = (closedAt - member.trainingSince) / (done + 1);
  if (!(bound > (participant.msPerStep ?? 0))) return participant;
  return { ...participant, msPerStep: bound };
}

/** The EWMA of normalised spectra; a report without energy (nothing trained) leaves the estimate as it was. */
function nextSpectrum(
  previous: readonly number[] | undefined,
  reported: readonly number[],
  spec: AdapterSpec,
): number[] | undefined {
  const start = previous ?? priorSpectrum(spec);
  const next = updateSpectrumEstimate(start, reported);
  return next.ok ? next.value : undefined;
}

/** The geometric prior over the spec's components, module-major. */
export function priorSpectrum(spec: AdapterSpec): number[] {
  return geometricPrior(spec.modules.length, spec.modules[0]?.rank ?? 1);
}

/** tau_n: predicted download + compute time before the upload can start. */
export function predictedTauMs(participant: Participant, localSteps: number, fallbackMsPerStep: number): number {
  const perStep = participant.msPerStep ?? fallbackMsPerStep;
  return (participant.downloadMs ?? 0) + perStep * localSteps;
}
