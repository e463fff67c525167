// `npm run bench -- core`: the codec's encode/decode throughput and the aggregation time of 100 client updates of
// the `tiny` adapter, each next to a plain memory copy of the same bytes on this machine (the ratio is the figure),
// the energy top-k and SOFT lose at equal byte budgets on a synthetic first-round update, and TSFA stage 2's solve
// time at N = 10, 100, 1,000 with budgets that bind (`--no-tsfa` skips that part).
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import {
  aggregationRule,
  buildDenseUpdate,
  buildSoftUpdate,
  buildTopkUpdate,
  componentBytes,
  createRng,
  initAdapter,
  CHANNEL_SCENARIO_NAMES,
  solveStage2,
  type AdapterState,
  type AdapterUpdate,
  type Contribution,
  type Precision,
  type Stage2Schedule,
} from "@airlora/core";
import { PRESETS, adapterSpecFor } from "@airlora/model";
import { decodeUpdate, encodeUpdate, encodedSize, softOverheadBytes, topkOverheadBytes } from "@airlora/protocol";
import {
  TINY_COMPONENT_BYTES,
  TINY_COMPONENTS,
  TINY_OVERHEAD_BYTES,
  tinyProfileInstance,
} from "../../packages/core/src/tsfa/tiny-profile-instance";
import { machineLine, printTable } from "./table";

const CLIENTS = 100;
const quick = process.argv.includes("--quick");
const repeats = quick ? 3 : 15;
const spec = adapterSpecFor(PRESETS.tiny, { rank: 8, head: { kind: "classifier", classes: 2 } });
const global = initAdapter(spec, 1);
const rng = createRng(2);

/** A client's state after local training: every factor moved a little. */
function localState(): AdapterState {
  const jitter = (x: Float32Array, std: number): Float32Array => x.map((v) => v + rng.normal() * std);
  return {
    modules: global.modules.map((m) => ({ a: jitter(m.a, 0.01), b: jitter(m.b, 0.01) })),
    dense: global.dense.map((t) => jitter(t, 0.01)),
  };
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: { reason: string } }): T {
  if (!result.ok) throw new Error(result.error.reason);
  return result.value;
}

/** Best-of-`repeats` seconds for fn. */
function time(fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < repeats; i += 1) {
    const started = performance.now();
    fn();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

/** Best of `repeats` rounds of what returning fresh bytes costs at the least: a new buffer per update, the update's
 * bytes copied in (first touch of fresh memory, which the warm memcpy below never pays). */
function freshCopySeconds(encoded: readonly Uint8Array[]): number {
  let kept: Uint8Array[] = [];
  const seconds = time(() => {
    kept = encoded.map((e) => {
      const fresh = new Uint8Array(e.length);
      fresh.set(e);
      return fresh;
    });
  });
  return kept.length === encoded.length ? seconds : Number.NaN; // the copies stay reachable: none is optimised away
}

/** Best of 25 copies (a copy takes well under a millisecond, so a few repeats would mostly time the scheduler). */
function memcpySeconds(bytes: number): number {
  const source = new Uint8Array(bytes).fill(7);
  const target = new Uint8Array(bytes);
  let best = Infinity;
  for (let i = 0; i < 25; i += 1) {
    const started = performance.now();
    target.set(source);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

const locals = Array.from({ length: CLIENTS }, localState);
const rows: string[][] = [];
const mbps = (bytes: number, seconds: number): string => (bytes / seconds / 1e6).toFixed(0);

interface CodecCase {
  readonly label: string;
  readonly precision: Precision;
  readonly makeUpdate: (local: AdapterState) => AdapterUpdate;
}
/** Half of all rank components, at fp16. */
const halfBudget = spec.modules.reduce((sum, m) => sum + m.rank * componentBytes(m, "fp16"), 0) / 2;
const codecCases: CodecCase[] = [
  { label: "dense fp32", precision: "fp32", makeUpdate: (l) => unwrap(buildDenseUpdate(spec, global, l, 1)).update },
  { label: "dense fp16", precision: "fp16", makeUpdate: (l) => unwrap(buildDenseUpdate(spec, global, l, 1)).update },
  {
    label: "soft fp16, half the ranks",
    precision: "fp16",
    makeUpdate: (l) => unwrap(buildSoftUpdate(spec, global, l, 1, halfBudget, "fp16")).update,
  },
];
for (const { label, precision, makeUpdate } of codecCases) {
  const updates = locals.map(makeUpdate);
  let encoded: Uint8Array[] = [];
  const encodeSeconds = time(() => {
    encoded = updates.map((u) => unwrap(encodeUpdate(spec, u, precision)));
  });
  const bytes = encoded.reduce((sum, e) => sum + e.length, 0);
  const decodeSeconds = time(() => {
    for (const e of encoded) unwrap(decodeUpdate(spec, e));
  });
  const copy = memcpySeconds(bytes);
  const fresh = freshCopySeconds(encoded);
  const percent = (base: number): string =>
    `${((base / encodeSeconds) * 100).toFixed(1)}% / ${((base / decodeSeconds) * 100).toFixed(1)}%`;
  rows.push([
    label,
    (bytes / CLIENTS / 1024).toFixed(1),
    mbps(bytes, encodeSeconds),
    mbps(bytes, decodeSeconds),
    mbps(bytes, copy),
    percent(copy),
    mbps(bytes, fresh),
    percent(fresh),
  ]);
}
printTable(
  `Update codec, ${String(CLIENTS)} updates of the tiny adapter (rank 8 on q,v + head; ${machineLine()}, ${cpus()[0]?.model ?? ""})`,
  [
    "update",
    "KiB each",
    "encode MB/s",
    "decode MB/s",
    "memcpy MB/s",
    "encode, decode vs memcpy",
    "fresh copy MB/s",
    "vs fresh copy",
  ],
  rows,
);
console.log(`(soft overhead per update: ${String(softOverheadBytes(spec, "fp16"))} bytes)`);

const aggregationRows: string[][] = [];
for (const [rule, build] of [
  ["fedit", (local: AdapterState) => unwrap(buildDenseUpdate(spec, global, local, 1)).update],
  [
    "soft",
    (local: AdapterState) => unwrap(buildSoftUpdate(spec, global, local, 1, Number.MAX_SAFE_INTEGER, "fp32")).update,
  ],
] as const) {
  const contributions: Contribution[] = locals.map((local, i) => ({ update: build(local), weight: 1 + (i % 7) }));
  const seconds = time(() => {
    unwrap(aggregationRule(rule).aggregate(spec, global, contributions));
  });
  const adapterBytes = 4 * global.modules.reduce((sum, m) => sum + m.a.length + m.b.length, 0);
  const copy = memcpySeconds(adapterBytes * CLIENTS);
  aggregationRows.push([
    rule,
    (seconds * 1000).toFixed(1),
    (copy * 1000).toFixed(2),
    `${(seconds / copy).toFixed(0)}x`,
  ]);
}
printTable(
  `Aggregation of ${String(CLIENTS)} client updates (all ranks sent), next to copying the same fp32 bytes once`,
  ["rule", "aggregate ms", "memcpy ms", "aggregate / memcpy"],
  aggregationRows,
);

// Top-k against SOFT at equal byte budgets (fp16), on a synthetic first-round update of the tiny adapter: B = 0 before;
// after, component i of module m has |b'_i| |a'_i| proportional to 0.7^i (the prior TSFA starts from) times a
// log-normal module scale (sigma 1), near-orthogonal columns (random directions in d = 128), and A moved by 1% noise.
const firstRound: AdapterState = (() => {
  const r2 = createRng(11);
  return {
    modules: global.modules.map((g, index) => {
      const { d, k, rank: r } = spec.modules[index] ?? { d: 0, k: 0, rank: 0 };
      const scale = Math.exp(r2.normal());
      const b = new Float32Array(d * r);
      for (let i = 0; i < r; i += 1) {
        for (let row = 0; row < d; row += 1) b[row * r + i] = (r2.normal() * scale * 0.7 ** i) / Math.sqrt(d);
      }
      return { a: g.a.map((v) => v + (r2.normal() * 0.01) / Math.sqrt(k)), b };
    }),
    dense: global.dense.map((t) => t.map((v) => v + r2.normal() * 0.01)),
  };
})();
const energyRows: string[][] = [];
for (const kib of [6, 8, 12, 16, 24, 32]) {
  const budget = kib * 1024;
  const soft = unwrap(buildSoftUpdate(spec, global, firstRound, 1, budget - softOverheadBytes(spec, "fp16"), "fp16"));
  const topk = unwrap(buildTopkUpdate(spec, global, firstRound, 1, budget - topkOverheadBytes(spec, "fp16"), "fp16"));
  const kept = topk.update.modules.reduce((n, m) => n + m.aIndex.length + m.bIndex.length, 0);
  // Before issue 14 each element took a u32 index and its value: 8 bytes of counts per module, 6 B per element.
  const u32Kept = Math.max(0, Math.floor((budget - topkOverheadBytes(spec, "fp16") + spec.modules.length) / 6));
  energyRows.push([
    `${String(kib)} KiB`,
    `${String(soft.update.modules.reduce((n, m) => n + m.ranks.length, 0))} of 64`,
    soft.energyLostExact.toFixed(3),
    String(kept),
    String(u32Kept),
    topk.energyLost.toFixed(3),
    `${String(encodedSize(spec, soft.update, "fp16"))} / ${String(encodedSize(spec, topk.update, "fp16"))}`,
  ]);
}
printTable(
  "Energy lost at equal budgets, fp16, synthetic first-round update of the tiny adapter (64 components of 512 B; 16,384 LoRA elements)",
  ["budget", "SOFT kept", "SOFT lost", "topk kept", "(u32 indices)", "topk lost", "bytes soft / topk"],
  energyRows,
);

// TSFA stage 2 at scale: the tiny adapter's profile, Shannon rates, a band narrow enough that budgets bind.
const stage2Rows: string[][] = [];
for (const clients of process.argv.includes("--no-tsfa") ? [] : quick ? [10, 100] : [10, 100, 1000]) {
  const input = tinyProfileInstance(clients, "design", { hzPerClient: 20e3 });
  let schedule: Stage2Schedule | undefined;
  const seconds = time(() => {
    schedule = unwrap(solveStage2(input));
  });
  if (schedule === undefined) throw new Error("stage 2 did not run");
  const everything = TINY_OVERHEAD_BYTES + TINY_COMPONENTS * TINY_COMPONENT_BYTES;
  const included = schedule.clients.filter((c) => !c.excluded);
  stage2Rows.push([
    String(clients),
    (seconds * 1000).toFixed(1),
    String(schedule.evaluations),
    String(included.filter((c) => c.byteBudget < everything).length),
    String(clients - included.length),
    schedule.roundLatencySec.toFixed(3),
    schedule.weightedEnergyLost.toFixed(3),
    (1 - schedule.clients.reduce((s, c) => s + c.bandwidthShare, 0)).toExponential(1),
  ]);
}
printTable(
  "TSFA stage 2 (tiny adapter: 64 components of 512 B + 5,156 B overhead; Shannon rates, 20 kHz of band per client, V = 1, Q = 0.5)",
  ["N", "solve ms", "knapsacks", "sparsified", "left out", "T s", "energy lost", "1 - sum of shares"],
  stage2Rows,
);

// Which channel scenario makes TSFA matter (docs/algorithms.md section 6.5): N = 100, the same profile, a 2 s budget.
if (!process.argv.includes("--no-tsfa")) {
  const everything = TINY_OVERHEAD_BYTES + TINY_COMPONENTS * TINY_COMPONENT_BYTES;
  printTable(
    "Channel scenarios at N = 100 (tiny adapter's profile, round 1's fading, V = 1, Q = 0.5)",
    ["scenario", "sparsified", "left out", "T s", "energy lost"],
    CHANNEL_SCENARIO_NAMES.map((scenario) => {
      const schedule = unwrap(solveStage2(tinyProfileInstance(100, scenario)));
      const included = schedule.clients.filter((c) => !c.excluded);
      return [
        scenario,
        String(included.filter((c) => c.byteBudget < everything).length),
        String(100 - included.length),
        schedule.roundLatencySec.toFixed(3),
        schedule.weightedEnergyLost.toFixed(3),
      ];
    }),
  );
}
