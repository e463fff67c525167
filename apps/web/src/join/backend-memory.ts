// The timed backend choice costs seconds (tens of them where WebGPU compiles its shaders on a software adapter), so
// a device remembers what it chose and takes it again on the next join, untimed, for a week: a reload or a rejoin
// is then as quick as a forced `?backend=`. It is keyed by the browser's user agent (a browser update times again);
// `?backend=auto` times again now. A remembered backend that no longer works is timed against the others as usual.
import { BackendName } from "@airlora/protocol";

const KEY = "airlora.backend-choice";
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

interface Remembered {
  readonly backend: BackendName;
  readonly at: number;
  readonly userAgent: string;
}

export function recallBackend(now: number, userAgent: string): Remembered | undefined {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? "null");
    if (typeof raw !== "object" || raw === null) return undefined;
    const { backend, at, userAgent: agent } = raw as Record<string, unknown>;
    const name = BackendName.safeParse(backend);
    if (!name.success || typeof at !== "number" || agent !== userAgent || now - at > MAX_AGE_MS || at > now) {
      return undefined;
    }
    return { backend: name.data, at, userAgent };
  } catch {
    return undefined; // storage off or a damaged entry: time again
  }
}

export function rememberBackend(backend: BackendName, now: number, userAgent: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ backend, at: now, userAgent } satisfies Remembered));
  } catch {
    // without storage the next join simply times again
  }
}
