import { networkInterfaces } from "node:os";

/** The address phones on the same network should use: the first external IPv4, else loopback. */
export function lanAddress(): string {
  const candidates = Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => address.family === "IPv4" && !address.internal);
  // Prefer private ranges (home/lab Wi-Fi) over anything else a machine may carry.
  const isPrivate = (ip: string): boolean => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/u.test(ip);
  const best = candidates.find((address) => isPrivate(address.address)) ?? candidates[0];
  return best?.address ?? "127.0.0.1";
}

/** Host to print in URLs for a server bound to `host`. */
export function publicHost(host: string): string {
  return host === "0.0.0.0" || host === "::" ? lanAddress() : host;
}
