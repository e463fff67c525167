import { newToken } from "./auth/tokens";
import type { ResumePoint } from "./run/resume";
import type { AccessLimits } from "./security/access-guard";
import type { TlsMaterial } from "./tls/certificate";
import type { RunSettings } from "./run/run-settings";

export interface CoordinatorConfig {
  readonly port: number;
  readonly host: string;
  /** Secret in the join URL/QR; every participant presents it in the socket.io handshake. */
  readonly joinToken: string;
  /** Secret for the dashboard and admin API. */
  readonly adminToken: string;
  /** Folder with the Vite-built pages. */
  readonly webRoot: string;
  /** The federated run this coordinator drives. */
  readonly run: RunSettings;
  /** Per-address limits (wrong-token backoff, connection caps); the defaults of security/access-guard.ts if absent. */
  readonly accessLimits?: AccessLimits;
  /** `--https`: serve pages, API and sockets over TLS with this certificate. */
  readonly tls?: TlsMaterial;
  /** `--resume`: carry on a run from its directory instead of starting one. */
  readonly resume?: ResumePoint;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = "0.0.0.0";

export function defaultConfig(run: RunSettings, overrides: Partial<CoordinatorConfig> = {}): CoordinatorConfig {
  return {
    run,
    port: DEFAULT_PORT,
    host: DEFAULT_HOST,
    joinToken: newToken(),
    adminToken: newToken(),
    webRoot: new URL("../../web/dist", import.meta.url).pathname,
    ...overrides,
  };
}
