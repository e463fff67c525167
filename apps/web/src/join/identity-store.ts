// Where a participant keeps its resumeToken. sessionStorage survives a reload of this tab; localStorage lets the
// device come back as the same client after its tab was closed. A second tab of the same browser must not take
// the first one's identity, so only the tab holding the device lock reads and writes localStorage.
const KEY = "airlora.resumeToken";
const DEVICE_LOCK = "airlora.device-identity";

export interface IdentityStore {
  load(): string | undefined;
  save(resumeToken: string): void;
}

export async function openIdentityStore(): Promise<IdentityStore> {
  const ownsDevice = await claimDeviceIdentity();
  return {
    load: () => read(sessionStorage) ?? (ownsDevice ? read(localStorage) : undefined),
    save: (resumeToken) => {
      write(sessionStorage, resumeToken);
      if (ownsDevice) write(localStorage, resumeToken);
    },
  };
}

/** Holds the device lock for this tab's lifetime if no other tab holds it. Without Web Locks (no secure context) a
 * tab simply assumes it is the only one. */
function claimDeviceIdentity(): Promise<boolean> {
  const locks = (navigator as Partial<Navigator>).locks;
  if (locks === undefined) return Promise.resolve(true);
  return new Promise((resolve) => {
    void locks.request(DEVICE_LOCK, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      // Returning a promise that never settles keeps the lock until the tab goes away.
      return lock === null ? undefined : new Promise<never>(() => undefined);
    });
  });
}

function read(storage: Storage): string | undefined {
  try {
    return storage.getItem(KEY) ?? undefined;
  } catch {
    return undefined; // storage can be disabled (private mode); then the client just joins afresh
  }
}

function write(storage: Storage, value: string): void {
  try {
    storage.setItem(KEY, value);
  } catch {
    // see read(): losing persistence costs a fresh identity after reload, nothing more
  }
}
