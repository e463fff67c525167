import { emptyRegistry, type Registry } from "./registry";

/** The one mutable cell around the registry: the socket layer swaps in each new value and observers hear of it. */
export interface ClientStore {
  get(): Registry;
  set(next: Registry): void;
  onChange(listener: (registry: Registry) => void): void;
}

export function createClientStore(): ClientStore {
  let current = emptyRegistry();
  const listeners: ((registry: Registry) => void)[] = [];
  return {
    get: () => current,
    set(next) {
      if (next === current) return;
      current = next;
      for (const listener of listeners) listener(current);
    },
    onChange: (listener) => {
      listeners.push(listener);
    },
  };
}
