// Numbers as a person reads them on a small screen.
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${String(Math.round(bytes))} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

export function formatPercent(fraction: number): string {
  return `${(100 * fraction).toFixed(fraction >= 0.995 || fraction < 0.1 ? 1 : 0)}%`;
}

export function formatBps(bps: number): string {
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} Mbit/s` : `${(bps / 1e3).toFixed(0)} kbit/s`;
}
