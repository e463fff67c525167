// Keeps the screen on while a round trains: a phone that sleeps suspends the tab, and its round runs late. The
// browser releases the lock whenever the tab is hidden, so it is asked for again each time `wanted` becomes true.
import { useEffect, useState } from "preact/hooks";

export interface WakeLockStatus {
  readonly state: "idle" | "held" | "refused" | "unsupported";
  readonly text: string;
}

interface SentinelLike {
  readonly released: boolean;
  release(): Promise<void>;
  addEventListener(type: "release", listener: () => void): void;
}

export function useWakeLock(wanted: boolean): WakeLockStatus {
  const [status, setStatus] = useState<WakeLockStatus>({ state: "idle", text: "not needed between rounds" });
  useEffect(() => {
    const wakeLock = (navigator as { wakeLock?: { request(type: "screen"): Promise<SentinelLike> } }).wakeLock;
    if (wakeLock === undefined) {
      setStatus({
        state: "unsupported",
        text: "this browser cannot keep the screen on (no Wake Lock here): keep it awake while a round trains",
      });
      return;
    }
    if (!wanted) {
      setStatus({ state: "idle", text: "not needed between rounds" });
      return;
    }
    let sentinel: SentinelLike | undefined;
    let cancelled = false;
    wakeLock.request("screen").then(
      (lock) => {
        if (cancelled) {
          void lock.release();
          return;
        }
        sentinel = lock;
        setStatus({ state: "held", text: "kept on while this round trains" });
        lock.addEventListener("release", () => {
          if (!cancelled) setStatus({ state: "idle", text: "released" });
        });
      },
      (error: unknown) => {
        if (cancelled) return;
        const reason = error instanceof Error ? error.message : String(error);
        setStatus({ state: "refused", text: `could not keep the screen on (${reason}): keep it awake yourself` });
      },
    );
    return () => {
      cancelled = true;
      if (sentinel !== undefined && !sentinel.released) void sentinel.release();
    };
  }, [wanted]);
  return status;
}
