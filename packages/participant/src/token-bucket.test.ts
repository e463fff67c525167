import { describe, expect, it } from "vitest";
import { createSimulatedClock } from "./simulated-clock";
import { createPacer } from "./token-bucket";

describe("upload pacer", () => {
  it("lets the first chunk go at once and spaces the next ones by their bits at the paced rate", async () => {
    const clock = createSimulatedClock();
    const pacer = createPacer(clock, 8000); // 1,000 bytes per second
    const sentAt: number[] = [];
    const sending = (async () => {
      for (let i = 0; i < 3; i += 1) {
        await pacer.take(500);
        sentAt.push(clock.now());
      }
    })();
    await clock.advance(5000);
    await sending;
    expect(sentAt).toEqual([0, 500, 1000]);
  });

  it("does not make a sender that fell behind wait again for time already spent", async () => {
    const clock = createSimulatedClock();
    const pacer = createPacer(clock, 8000);
    await pacer.take(1000);
    await clock.advance(3000); // the sender was busy elsewhere for 3 s
    const before = clock.now();
    await pacer.take(1000);
    expect(clock.now()).toBe(before);
  });
});
