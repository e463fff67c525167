// The session tells the coordinator whether its page is hidden: on every change, and again after every welcome
// (a new connection starts without a word), never before it is welcomed.
import { describe, expect, it } from "vitest";
import { fail } from "@airlora/core";
import { PROTOCOL_VERSION, type Welcome } from "@airlora/protocol";
import type { ParticipantCompute } from "./compute";
import { startParticipantSession } from "./session";
import { createSimulatedClock } from "./simulated-clock";
import type { OutgoingEvent, ParticipantTransport, TransportSignal } from "./transport";

function fakeTransport() {
  let listener: ((signal: TransportSignal) => void) | undefined;
  const sent: { event: OutgoingEvent; payload: unknown }[] = [];
  const transport: ParticipantTransport = {
    listen: (next) => {
      listener = next;
    },
    send: (event, payload) => {
      sent.push({ event, payload });
    },
    sendChunk: () => Promise.resolve(fail({ code: "unused", reason: "not in this test" })),
    fetch: () => Promise.resolve(fail({ code: "unused", reason: "not in this test" })),
    close: () => undefined,
  };
  const signal = (s: TransportSignal): void => listener?.(s);
  return { transport, sent, signal };
}

const unusedCompute: ParticipantCompute = {
  load: () => fail({ code: "unused", reason: "not in this test" }),
  specFor: () => fail({ code: "unused", reason: "not in this test" }),
  fitHead: () => Promise.resolve(fail({ code: "unused", reason: "not in this test" })),
  train: () => Promise.resolve(fail({ code: "unused", reason: "not in this test" })),
  dispose: () => undefined,
};

const welcome: Welcome = {
  protocolVersion: PROTOCOL_VERSION,
  clientId: "c-0123456789ab",
  resumeToken: "r".repeat(32),
  resumed: false,
};

describe("participant session visibility", () => {
  it("says hidden only once welcomed, on each change, and again after every welcome", () => {
    const { transport, sent, signal } = fakeTransport();
    const session = startParticipantSession({
      transport,
      clock: createSimulatedClock(),
      compute: unusedCompute,
      identity: { load: () => undefined, save: () => undefined },
      device: { backend: "wasm", probe: [], userAgent: "test" },
    });
    const visibility = () => sent.filter((m) => m.event === "visibility").map((m) => m.payload);

    signal({ kind: "connected" });
    session.setVisibility(true);
    expect(visibility()).toEqual([]); // not joined yet: the coordinator would refuse it
    signal({ kind: "message", event: "welcome", payload: welcome });
    expect(visibility()).toEqual([{ hidden: true }]);
    session.setVisibility(true);
    session.setVisibility(false);
    expect(visibility()).toEqual([{ hidden: true }, { hidden: false }]);

    signal({ kind: "disconnected", reason: "transport close", retrying: true });
    signal({ kind: "connected" });
    session.setVisibility(true);
    expect(visibility()).toHaveLength(2); // this connection is not welcomed yet
    signal({ kind: "message", event: "welcome", payload: { ...welcome, resumed: true } });
    expect(visibility()).toEqual([{ hidden: true }, { hidden: false }, { hidden: true }]);
    expect(sent.filter((m) => m.event === "hello")).toHaveLength(2);
    session.stop();
  });
});
