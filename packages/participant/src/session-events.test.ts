import { describe, expect, it } from "vitest";
import { createEventStream } from "./session-events";

describe("event stream", () => {
  it("delivers what was pushed before and after the consumer started, in order, and ends when told", async () => {
    const stream = createEventStream<number>();
    stream.push(1);
    const seen: number[] = [];
    const consuming = (async () => {
      for await (const n of stream.iterate()) seen.push(n);
    })();
    stream.push(2);
    await Promise.resolve();
    stream.push(3);
    stream.end();
    stream.push(4); // after the end: dropped
    await consuming;
    expect(seen).toEqual([1, 2, 3]);
  });
});
