import { describe, expect, it } from "vitest";
import { formatLine, initialLine, nextLine } from "./client-line";

describe("a participant's progress line", () => {
  it("counts submitted and missed rounds and says what it is doing", () => {
    let line = nextLine(initialLine, { type: "joined", clientId: "c-0123456789ab", resumed: false });
    line = nextLine(line, { type: "round", round: 1, phase: "lora", stage: "training", done: 3, total: 10, loss: 0.5 });
    expect(formatLine(0, line)).toBe("# 0 c-0123456789ab 0 ok 0 missed loss 0.500 | round 1 training 3/10");
    line = nextLine(line, { type: "outcome", round: 1, outcome: "submitted" });
    line = nextLine(line, { type: "outcome", round: 2, outcome: "late", reason: "still training at the deadline" });
    expect(line).toMatchObject({ submitted: 1, missed: 1 });
    line = nextLine(line, { type: "finished", rounds: 2, finalEval: null });
    expect(line.finished).toBe(true);
  });
});
