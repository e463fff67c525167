import { describe, expect, it } from "vitest";
import { PRESETS } from "../config/model-config";
import { classifierFeatureWidth } from "../transformer/classifier-features";
import { adapterSpecFor, parseLoraTargets } from "./lora-targets";

const config = PRESETS.nano;

describe("adapterSpecFor", () => {
  it("puts q and v of every layer under LoRA by default, with the LoRA scale alpha / r = 2", () => {
    const spec = adapterSpecFor(config, { rank: 4, head: { kind: "lm" } });
    expect(spec.modules.map((m) => m.name)).toEqual(
      Array.from({ length: config.nLayer }, (_, l) => [`h.${String(l)}.attn.q`, `h.${String(l)}.attn.v`]).flat(),
    );
    expect(spec.alpha / 4).toBe(2);
    expect(spec.dense).toEqual([]);
  });

  it("shapes each target as W (d x k): the embedding reads the vocabulary, the MLP widens four times", () => {
    const spec = adapterSpecFor(config, { rank: 3, targets: ["emb", "o", "mlp"], head: { kind: "lm" } });
    const n = config.nEmbd;
    const shapes = new Map(spec.modules.map((m) => [m.name, [m.d, m.k, m.rank]]));
    expect(shapes.get("wte")).toEqual([n, config.vocabSize, 3]);
    expect(shapes.get("h.0.attn.o")).toEqual([n, n, 3]);
    expect(shapes.get("h.0.mlp.fc")).toEqual([4 * n, n, 3]);
    expect(shapes.get("h.0.mlp.proj")).toEqual([n, 4 * n, 3]);
    expect(spec.modules.length).toBe(1 + 3 * config.nLayer);
  });

  it("gives a classifier a dense head over the classifier features", () => {
    const spec = adapterSpecFor(config, { rank: 2, head: { kind: "classifier", classes: 3 } });
    expect(spec.dense).toEqual([
      { name: "head.weight", shape: [classifierFeatureWidth(config), 3] },
      { name: "head.bias", shape: [3] },
    ]);
  });
});

describe("parseLoraTargets", () => {
  it("reads a comma-separated list in its order and refuses a name that is not a target", () => {
    expect(parseLoraTargets("emb,q,v")).toEqual({ ok: true, value: ["emb", "q", "v"] });
    const bad = parseLoraTargets("q,attn");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.reason).toContain('"attn"');
  });
});
