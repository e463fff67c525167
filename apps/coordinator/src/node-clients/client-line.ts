// One participant's state as a short line for `airlora clients`: what it is doing and how its rounds went.
import type { SessionEvent } from "@airlora/participant";

export interface ClientLine {
  readonly clientId: string;
  readonly doing: string;
  readonly submitted: number;
  readonly missed: number;
  readonly lastLoss: number | undefined;
  readonly finished: boolean;
}

export const initialLine: ClientLine = {
  clientId: "(joining)",
  doing: "connecting",
  submitted: 0,
  missed: 0,
  lastLoss: undefined,
  finished: false,
};

/** The line after one more session event. */
export function nextLine(line: ClientLine, event: SessionEvent): ClientLine {
  switch (event.type) {
    case "connection":
      return { ...line, doing: event.state === "connected" ? "connected" : `disconnected (${event.reason ?? "?"})` };
    case "joined":
      return { ...line, clientId: event.clientId, doing: event.resumed ? "rejoined" : "joined" };
    case "preparing":
      return { ...line, doing: `loading ${event.stage}` };
    case "ready":
      return { ...line, doing: `ready (${event.rows} rows, uplink ${(event.uplinkBps / 1e6).toFixed(2)} Mbit/s)` };
    case "round": {
      const progress = event.total > 0 ? ` ${event.done}/${event.total}` : "";
      return {
        ...line,
        doing: `round ${event.round} ${event.stage}${progress}`,
        lastLoss: event.loss ?? line.lastLoss,
      };
    }
    case "assigned":
      return { ...line, doing: `round ${event.round} assigned (budget ${event.byteBudget} B)` };
    case "reported":
      return line;
    case "outcome":
      return event.outcome === "submitted"
        ? { ...line, submitted: line.submitted + 1, doing: `round ${event.round} submitted` }
        : { ...line, missed: line.missed + 1, doing: `round ${event.round} ${event.outcome}: ${event.reason ?? ""}` };
    case "problem":
      return { ...line, doing: `problem ${event.code}: ${event.reason}` };
    case "finished":
      return { ...line, doing: `run finished after ${event.rounds} rounds`, finished: true };
    default:
      return event satisfies never;
  }
}

export function formatLine(index: number, line: ClientLine): string {
  const loss = line.lastLoss === undefined ? "" : ` loss ${line.lastLoss.toFixed(3)}`;
  return `#${String(index).padStart(2, " ")} ${line.clientId} ${line.submitted} ok ${line.missed} missed${loss} | ${line.doing}`;
}
