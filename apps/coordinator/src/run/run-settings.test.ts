import { describe, expect, it } from "vitest";
import { runSettings } from "./run-settings";

describe("run settings", () => {
  it("defaults to the tiny spam demo with SOFT and TSFA, and derives V and the queue floor from the budget", () => {
    const settings = runSettings({});
    expect(settings.ok).toBe(true);
    if (!settings.ok) return;
    const s = settings.value;
    expect(s).toMatchObject({ task: "spam", preset: "tiny", rule: "soft", scheduler: "tsfa", minClients: 2 });
    expect(s.penaltyWeight).toBe((s.latencyBudgetMs / 1000) ** 2);
    expect(s.queueFloorSec).toBeCloseTo(s.penaltyWeight / (s.latencyBudgetMs / 1000));
    expect(s.uplinkBps).toBe(2e6);
    expect(s.rankCandidates).toEqual([2, 4, 8]);
  });

  it("caps the rank candidates at 8 and at a quarter of the model width", () => {
    const nano = runSettings({ preset: "nano" });
    expect(nano.ok && nano.value.rankCandidates).toEqual([2, 4, 8]);
  });

  it("waits for at least the quorum before the first round", () => {
    const s = runSettings({ minClients: 5, startClients: 2 });
    expect(s.ok && s.value.startClients).toBe(5);
  });

  it("refuses settings that cannot work together, with the reason", () => {
    const sotu = runSettings({ task: "sotu", shards: 50 });
    expect(!sotu.ok && sotu.error.reason).toMatch(/43 presidents/u);
    const quorum = runSettings({ minClients: 10, maxClients: 5 });
    expect(!quorum.ok && quorum.error.reason).toMatch(/--min-clients/u);
  });
});
