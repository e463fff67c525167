import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdapterSpec, SoftModuleUpdate } from "@airlora/core";
import { checkCodecSpec } from "./check-spec";
import { decodeUpdate } from "./decode-update";
import { encodeUpdate } from "./encode-update";
import { KINDS, PRECISIONS, caseArb, fullUpdate, specArb, updateValueBytes } from "./update-arbitraries";
import {
  encodedSize,
  maxDecodedBytes,
  maxEncodedSize,
  softComponentBytes,
  softOverheadBytes,
  topkOverheadBytes,
} from "./update-size";

describe("update sizes", () => {
  it("encodedSize is exactly the encoded length, and never above maxEncodedSize for that kind", () => {
    fc.assert(
      fc.property(caseArb, ({ spec, update, precision }) => {
        const encoded = encodeUpdate(spec, update, precision);
        expect(encoded.ok && encoded.value.length).toBe(encodedSize(spec, update, precision));
        expect(encodedSize(spec, update, precision)).toBeLessThanOrEqual(maxEncodedSize(spec, precision, update.kind));
        expect(encodedSize(spec, update, precision)).toBeLessThanOrEqual(maxEncodedSize(spec, precision));
      }),
      { numRuns: 400 },
    );
  });

  it("a topk update costs topkOverheadBytes, each factor's smaller position encoding, and one value per element", () => {
    fc.assert(
      fc.property(caseArb, ({ spec, update, precision }) => {
        if (update.kind !== "topk") return;
        let bytes = topkOverheadBytes(spec, precision);
        for (const [m, { d, k, rank: r }] of spec.modules.entries()) {
          const mu = update.modules[m];
          const aIndex = [...(mu?.aIndex ?? [])];
          const bIndex = [...(mu?.bIndex ?? [])];
          // Positions: a bitmask of the factor, or one varint per gap, whichever is smaller (ties: the bitmask).
          const gaps = (index: number[]) =>
            index.reduce((n, p, j) => n + (p - (j === 0 ? -1 : (index[j - 1] ?? 0)) - 1 < 128 ? 1 : 2), 0);
          bytes += Math.min(Math.ceil((r * k) / 8), gaps(aIndex)) + Math.min(Math.ceil((d * r) / 8), gaps(bIndex));
          bytes += (aIndex.length + bIndex.length) * (precision === "fp16" ? 2 : 4);
        }
        const encoded = encodeUpdate(spec, update, precision);
        expect(encoded.ok && encoded.value.length).toBe(bytes);
      }),
      { numRuns: 400 },
    );
    const spec = { modules: [{ name: "q", d: 2, k: 3, rank: 1 }], dense: [{ name: "h", shape: [3] }], alpha: 1 };
    expect(topkOverheadBytes(spec, "fp16")).toBe(24 + 9 + 6);
  });

  it("a soft update costs softOverheadBytes plus exactly (d + k) * bytesPerValue per kept component", () => {
    fc.assert(
      fc.property(caseArb, ({ spec, update, precision }) => {
        if (update.kind !== "soft") return;
        const components = update.modules.reduce(
          (sum, module: SoftModuleUpdate, m) =>
            sum +
            module.ranks.length * softComponentBytes(spec.modules[m] ?? { name: "", d: 0, k: 0, rank: 0 }, precision),
          0,
        );
        const encoded = encodeUpdate(spec, update, precision);
        expect(encoded.ok && encoded.value.length).toBe(softOverheadBytes(spec, precision) + components);
      }),
      { numRuns: 400 },
    );
    const module = { name: "q", d: 768, k: 768, rank: 8 };
    expect([softComponentBytes(module, "fp16"), softComponentBytes(module, "fp32")]).toEqual([3072, 6144]);
  });

  it("maxEncodedSize is attained by the full update of each kind, and overall by topk with every index", () => {
    fc.assert(
      fc.property(specArb, fc.constantFrom(...PRECISIONS), (spec, precision) => {
        const full = KINDS.map((kind) => {
          const encoded = encodeUpdate(spec, fullUpdate(spec, kind), precision);
          return encoded.ok ? encoded.value.length : -1;
        });
        expect(full).toEqual(KINDS.map((kind) => maxEncodedSize(spec, precision, kind)));
        expect(maxEncodedSize(spec, precision)).toBe(Math.max(...full));
        expect(maxEncodedSize(spec, precision)).toBe(maxEncodedSize(spec, precision, "topk"));
      }),
      { numRuns: 200 },
    );
  });

  it("maxDecodedBytes is what the full topk update decodes to, and bounds every decoded update", () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const encoded = encodeUpdate(spec, fullUpdate(spec, "topk"), "fp16");
        const decoded = encoded.ok ? decodeUpdate(spec, encoded.value) : encoded;
        expect(decoded.ok && updateValueBytes(decoded.value.update)).toBe(maxDecodedBytes(spec));
        for (const kind of KINDS)
          expect(updateValueBytes(fullUpdate(spec, kind))).toBeLessThanOrEqual(maxDecodedBytes(spec));
      }),
      { numRuns: 200 },
    );
  });
});

describe("specs the codec refuses", () => {
  const ok: AdapterSpec = {
    modules: [{ name: "q", d: 4, k: 4, rank: 2 }],
    dense: [{ name: "h", shape: [2] }],
    alpha: 8,
  };
  const cases: [string, AdapterSpec, string][] = [
    [
      "rank 0",
      { ...ok, modules: [{ name: "q", d: 4, k: 4, rank: 0 }] },
      "module 0 (q): rank=0 is not a positive integer",
    ],
    [
      "a fractional d",
      { ...ok, modules: [{ name: "q", d: 1.5, k: 4, rank: 2 }] },
      "module 0 (q): d=1.5 is not a positive integer",
    ],
    [
      "a negative dense dimension",
      { ...ok, dense: [{ name: "h", shape: [2, -1] }] },
      "dense tensor 0 (h): shape [2, -1] is not a list of sizes",
    ],
    ["a NaN alpha", { ...ok, alpha: NaN }, "alpha=NaN is not finite"],
    [
      "a module too large to encode",
      { ...ok, modules: [{ name: "q", d: 2 ** 28, k: 2 ** 28, rank: 8 }] },
      "the largest update would take",
    ],
  ];

  it.each(cases)("%s, in checkCodecSpec, encodeUpdate and decodeUpdate alike", (_, spec, reason) => {
    expect(checkCodecSpec(ok).ok).toBe(true);
    const results = [
      checkCodecSpec(spec),
      encodeUpdate(spec, fullUpdate(ok, "dense"), "fp32"),
      decodeUpdate(spec, new Uint8Array(64)),
    ];
    for (const result of results) {
      expect(result.ok ? "" : `${result.error.code}: ${result.error.reason}`).toContain(`bad-spec: ${reason}`);
    }
  });
});
