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

  it("lets time move on while work due later runs, and waits for it only when it falls due", async () => {
    const clock = createEventClock();
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const slow = new Promise<string>((resolve) => {
      release = () => {
        resolve("result");
      };
    });
    void clock.dueAfter(100, slow).then((value) => seen.push(`${value}@${String(clock.now())}`));
    clock.at(40, () => seen.push("other@40"));
    clock.at(150, () => seen.push("later@150"));
    // Released only after the event at 40 fired: time did not wait for the work to get there.
    clock.at(41, () => {
      setTimeout(release, 30);
    });
    expect(await clock.run(() => seen.length === 3)).toBe(true);
    expect(seen).toEqual(["other@40", "result@100", "later@150"]);
  });

  it("keeps a failure of work due later until it falls due", async () => {
    const clock = createEventClock();
    const failing = Promise.reject(new Error("thread died"));
    const due = clock.dueAfter(10, failing);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const outcome = due.then(
      () => "resolved",
      (error: unknown) => `rejected@${String(clock.now())}: ${(error as Error).message}`,
    );
    await clock.run(() => false);
    expect(await outcome).toBe("rejected@10: thread died");
  });
});
