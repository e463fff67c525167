import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { selectComponents, selectionOrder } from "./select-components";

describe("selection order", () => {
  it("fills a budget along the order exactly as the client's rule does", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            energy: fc.oneof(fc.constant(0), fc.constant(-1), fc.double({ min: 0.001, max: 10, noNaN: true })),
            bytes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
          }),
          { maxLength: 10 },
        ),
        fc.integer({ min: 0, max: 120 }),
        (items, byteBudget) => {
          const kept = items.map(() => false);
          let used = 0;
          for (const i of selectionOrder(items)) {
            const bytes = items[i]?.bytes ?? Infinity;
            if (used + bytes > byteBudget) continue;
            kept[i] = true;
            used += bytes;
          }
          expect(kept).toEqual(selectComponents(items, byteBudget).kept);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("visits by energy per byte, ties by index, and leaves out what can never be kept", () => {
    const items = [
      { energy: 2, bytes: 4 },
      { energy: 0, bytes: 1 },
      { energy: 3, bytes: 3 },
      { energy: 1, bytes: 2 },
      { energy: 5, bytes: 0 },
    ];
    expect(selectionOrder(items)).toEqual([2, 0, 3]);
  });
});
