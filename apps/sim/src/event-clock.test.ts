import { describe, expect, it } from "vitest";
import { createEventClock } from "./event-clock";

describe("event clock", () => {
  it("fires sleeps in time order, equal times in the order they were asked, and jumps between them", async () => {
    const clock = createEventClock(1000);
    const seen: string[] = [];
    const sleeper = async (name: string, ms: number) => {
      await clock.sleep(ms);
      seen.push(`${name}@${String(clock.now())}`);
    };
    void sleeper("b", 50);
    void sleeper("a", 10);
    void sleeper("c", 50);
    expect(await clock.run(() => seen.length === 3)).toBe(true);
    expect(seen).toEqual(["a@1010", "b@1050", "c@1050"]);
  });

  it("holds time still while tracked work runs, however long it takes for real", async () => {
    const clock = createEventClock();
    const seen: number[] = [];
    clock.at(5, () => seen.push(clock.now()));
    void clock.track(
      new Promise<void>((resolve) => {
        setTimeout(() => {
          seen.push(clock.now());
          resolve();
        }, 30);
      }),
    );
    await clock.run(() => seen.length === 2);
    expect(seen).toEqual([0, 5]);
  });

  it("skips cancelled events and says when it ran dry before done", async () => {
    const clock = createEventClock();
    let fired = 0;
    const handle = clock.at(10, () => (fired += 1));
    clock.at(20, () => (fired += 10));
    clock.cancel(handle);
    expect(await clock.run(() => false)).toBe(false);
    expect(fired).toBe(10);
    expect(clock.now()).toBe(20);
  });
});
