import { describe, expect, it } from "vitest";
import { planLoraRound, roundDeadlineMs, stage2Input } from "./schedule";
import { smallSpec, testConfig } from "./test-run";
import type { Participant } from "./state";

function participant(clientId: string, uplinkBps: number, msPerStep = 100): Participant {
  return {
    clientId,
    connected: true,
    backend: "wasm",
    dataWeight: 100,
    uplinkBps,
    msPerStep,
    downloadMs: 50,
    spectrum: undefined,
    readyAt: 0,
  };
}

describe("round schedule", () => {
  // 8 modules of rank 8 and a 4-second budget over a 100 kbit/s uplink: sending everything does not fit.
  const spec = {
    ...smallSpec(8),
    modules: Array.from({ length: 8 }, (_, i) => ({ name: `m${i}`, d: 32, k: 32, rank: 8 })),
  };
  const config = testConfig({ uplinkBps: 100_000, latencyBudgetMs: 4000, overrideRank: 8, specs: [spec] });

  it("gives a participant with a slow uplink a smaller budget or share than the others once the queue bites", () => {
    const members = [
      participant("c-000000000001", 100_000),
      participant("c-000000000002", 100_000),
      participant("c-000000000003", 10_000),
    ];
    const plan = planLoraRound(config, spec, 3, members, 5, 100);
    const fast = plan.members.get("c-000000000001");
    const slow = plan.members.get("c-000000000003");
    if (fast === undefined || slow === undefined) throw new Error("missing plans");
    expect(slow.byteBudget < fast.byteBudget || slow.bandwidthShare < fast.bandwidthShare).toBe(true);
    const shares = [...plan.members.values()].reduce((s, p) => s + p.bandwidthShare, 0);
    expect(shares).toBeLessThanOrEqual(1 + 1e-9);
  });

  it("keeps the quorum by weighing latency less, adding back the quick members and leaving a straggler out", () => {
    const quorumConfig = testConfig({ ...config, minClients: 3 });
    const quick = [100, 120, 140, 160].map((ms, n) => participant(`c-00000000000${String(n + 1)}`, 100_000, ms));
    const straggler = participant("c-000000000009", 100_000, 20_000);
    const members = [...quick, straggler];
    // With a long backlog and V small, TSFA alone would keep fewer than three.
    const alone = planLoraRound(quorumConfig, spec, 3, members, 500, 100);
    const plan = planLoraRound({ ...quorumConfig, penaltyWeight: 0.01 }, spec, 3, members, 500, 100);
    const included = [...plan.members.entries()].filter(([, p]) => !p.excluded).map(([id]) => id);
    expect(included.length).toBeGreaterThanOrEqual(3);
    expect(plan.members.get(straggler.clientId)?.excluded).toBe(true);
    expect(plan.note).toMatch(/planned with Q weighted 0\.\d+ to keep the quorum/u);
    expect(
      Math.max(...[...plan.members.values()].filter((p) => !p.excluded).map((p) => p.expectedLatencyMs)),
    ).toBeLessThan(straggler.msPerStep ?? 0);
    expect(alone.members.size).toBe(5);
  });

  it("sends everything while the virtual queue is empty", () => {
    const members = [participant("c-000000000001", 100_000), participant("c-000000000002", 100_000)];
    const input = stage2Input(config, spec, "soft", members, 0, 100);
    const plan = planLoraRound(config, spec, 1, members, 0, 100);
    const components = input.participants[0]?.components ?? [];
    const everything = input.overheadBytes + components.reduce((s, c) => s + c.bytes, 0);
    for (const p of plan.members.values()) expect(p.byteBudget).toBe(everything);
  });

  it("gives the fixed scheduler equal shares and the same kept ratio to everyone", () => {
    const fixed = testConfig({ ...config, scheduler: "fixed", fixedKeptRatio: 0.5 });
    const members = [participant("c-000000000001", 100_000), participant("c-000000000002", 10_000)];
    const plan = planLoraRound(fixed, spec, 1, members, 9, 100);
    const plans = [...plan.members.values()];
    expect(plans.map((p) => p.bandwidthShare)).toEqual([0.5, 0.5]);
    expect(plans[0]?.byteBudget).toBe(plans[1]?.byteBudget);
  });

  it("waits at least the latency budget before compute times are measured", () => {
    expect(roundDeadlineMs(config, 1000, false)).toBe(4000 + 2000);
    expect(roundDeadlineMs(config, 1000, true)).toBe(1000 + 1000);
  });
});
