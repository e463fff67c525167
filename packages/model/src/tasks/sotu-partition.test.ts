import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "@airlora/core";
import { type Address, splitSotu, sotuHeldOutAddresses } from "./sotu-partition";

/** Presidents p0..pn with the given numbers of addresses, in year order. */
function addresses(counts: readonly number[]): Address[] {
  let year = 1790;
  return counts.flatMap((n, p) => Array.from({ length: n }, () => ({ year: year++, president: `p${p}`, text: "" })));
}

describe("sotu split", () => {
  it("holds out the last (test) and second-last (validation) address of each president with at least 8", () => {
    const list = addresses([8, 3, 9, 1]);
    expect(sotuHeldOutAddresses(list)).toEqual({ validation: [6, 18], test: [7, 19] });
  });

  it("never puts a held-out address on a client, puts every other address on exactly one, every president on one client", () => {
    const cases = fc.tuple(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 20 }), fc.integer());
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 20 }), ([counts, seed], clients) => {
        const list = addresses(counts);
        const split = splitSotu(list, clients, createRng(seed));
        if (!split.ok) {
          expect(clients).toBeGreaterThan(counts.length);
          return;
        }
        const held = new Set([...split.value.validation, ...split.value.test]);
        const assigned = split.value.clients.flatMap((c) => c.addresses);
        expect(assigned.some((i) => held.has(i))).toBe(false);
        expect([...assigned, ...held].sort((a, b) => a - b)).toEqual(list.map((_, i) => i));
        expect(split.value.clients.every((c) => c.presidents.length >= 1)).toBe(true);
        const presidents = split.value.clients.flatMap((c) => c.presidents);
        expect(new Set(presidents).size).toBe(presidents.length);
        for (const c of split.value.clients) {
          expect(c.addresses.every((i) => c.presidents.includes(list[i]?.president ?? ""))).toBe(true);
        }
      }),
    );
  });

  it("replays for a seed and refuses more clients than presidents", () => {
    const list = addresses([4, 4, 4, 4, 4]);
    expect(splitSotu(list, 3, createRng(9))).toEqual(splitSotu(list, 3, createRng(9)));
    expect(splitSotu(list, 6, createRng(9)).ok).toBe(false);
  });
});
