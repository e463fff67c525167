// `--fault INDEX:FAULT`, repeatable, for `airlora clients` (every fault) and `airlora simulate` (the ones a simulated
// participant can show: leaving and going silent).
import { InvalidArgumentError } from "commander";
import { FAULT_KINDS, parseFault, type Fault } from "../node-clients/faults";

export interface IndexedFault {
  /** The participant's index (0-based, in joining order). */
  readonly index: number;
  readonly fault: Fault;
}

/** A commander argument parser that collects `INDEX:KIND@ROUND` (or `INDEX:slow-upload=BPS`) of the given kinds. */
export function faultFlag(
  kinds: readonly Fault["kind"][] = FAULT_KINDS,
): (value: string, previous: readonly IndexedFault[]) => readonly IndexedFault[] {
  const usage = [
    ...kinds.filter((k) => k !== "slow-upload").map((k) => `INDEX:${k}@ROUND`),
    ...(kinds.includes("slow-upload") ? ["INDEX:slow-upload=BPS"] : []),
  ].join(", ");
  return (value, previous) => {
    const match = /^(\d{1,4}):(.+)$/u.exec(value);
    const fault = match?.[2] === undefined ? undefined : parseFault(match[2]);
    if (match?.[1] === undefined || fault === undefined || !kinds.includes(fault.kind)) {
      throw new InvalidArgumentError(`one of ${usage}`);
    }
    return [...previous, { index: Number(match[1]), fault }];
  };
}
