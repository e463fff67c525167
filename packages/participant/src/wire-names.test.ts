// The names that travel in messages (protocol) are the model's own lists: the protocol may not import the model,
// so this test, in a package that sees both, keeps them equal.
import { describe, expect, it } from "vitest";
import { LORA_TARGETS, PRESETS, TASKS } from "@airlora/model";
import { LORA_TARGET_NAMES, PRESET_NAMES, TASK_NAMES } from "@airlora/protocol";

describe("names on the wire", () => {
  it("are the model's tasks, presets and LoRA targets", () => {
    expect([...TASK_NAMES]).toEqual([...TASKS]);
    expect([...PRESET_NAMES].sort()).toEqual(Object.keys(PRESETS).sort());
    expect([...LORA_TARGET_NAMES]).toEqual([...LORA_TARGETS]);
  });
});
