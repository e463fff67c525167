// Checks a stage-2 input at the boundary (the coordinator builds it from client reports) and derives what the
// solver needs: normalised data weights and each client's budget options.

import { fail, ok, type Result } from "../result";
import { budgetOptions, type BudgetOption } from "./budget-options";
import type { RateModel } from "./rate-model";
import type { Stage2Input } from "./stage2-types";

export interface PreparedStage2 {
  readonly input: Stage2Input;
  /** omega_n / sum omega (uniform if every weight is 0). */
  readonly omega: readonly number[];
  readonly options: readonly (readonly BudgetOption[])[];
}

const positive = (x: number): boolean => Number.isFinite(x) && x > 0;
const nonNegative = (x: number): boolean => Number.isFinite(x) && x >= 0;
const byteCount = (x: number): boolean => Number.isInteger(x) && x >= 0;

export function prepareStage2(input: Stage2Input): Result<PreparedStage2> {
  const problem = inputProblem(input);
  if (problem !== undefined) return fail({ code: "invalid-stage2-input", reason: problem });
  const weightSum = input.participants.reduce((s, p) => s + p.dataWeight, 0);
  const count = input.participants.length;
  return ok({
    input,
    omega: input.participants.map((p) => (weightSum > 0 ? p.dataWeight / weightSum : 1 / count)),
    options: input.participants.map((p) => budgetOptions(p.components, input.overheadBytes, input.minBytes)),
  });
}

function inputProblem(input: Stage2Input): string | undefined {
  if (input.participants.length === 0) return "no participants";
  if (!positive(input.totalBandwidth)) return "totalBandwidth must be positive";
  if (!nonNegative(input.virtualQueue)) return "virtualQueue must be >= 0";
  if (!nonNegative(input.penaltyWeight)) return "penaltyWeight must be >= 0";
  if (!byteCount(input.minBytes) || !byteCount(input.overheadBytes)) return "minBytes and overheadBytes: integers >= 0";
  const ids = new Set<string>();
  for (const p of input.participants) {
    if (ids.has(p.clientId)) return `duplicate clientId ${p.clientId}`;
    ids.add(p.clientId);
    if (!nonNegative(p.tauSec)) return `${p.clientId}: tauSec must be >= 0`;
    if (!nonNegative(p.dataWeight)) return `${p.clientId}: dataWeight must be >= 0`;
    const rate = rateProblem(p.rate);
    if (rate !== undefined) return `${p.clientId}: ${rate}`;
    if (p.components.some((c) => !nonNegative(c.energy) || !byteCount(c.bytes) || c.bytes === 0))
      return `${p.clientId}: components need energy >= 0 and integer bytes > 0`;
    if (!p.components.some((c) => c.energy > 0)) return `${p.clientId}: importance profile has no energy`;
  }
  return undefined;
}

function rateProblem(rate: RateModel): string | undefined {
  switch (rate.kind) {
    case "linear":
      return positive(rate.capacityBps) ? undefined : "capacityBps must be positive";
    case "shannon":
      return positive(rate.powerW) && positive(rate.gain) && positive(rate.noisePsdWPerHz)
        ? undefined
        : "powerW, gain and noisePsdWPerHz must be positive";
    default:
      return rate satisfies never;
  }
}
