// UTF-8 via the TextEncoder/TextDecoder that browsers, workers and Node all provide. This package compiles without
// DOM or Node types on purpose, so the globals are reached through a typed view of globalThis.
interface Platform {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };
}

const platform = globalThis as unknown as Platform;
const encoder = new platform.TextEncoder();
const strictDecoder = new platform.TextDecoder("utf-8", { fatal: true });
const lenientDecoder = new platform.TextDecoder("utf-8", { fatal: false });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8; `strict` throws on malformed input (callers catch it), otherwise U+FFFD replaces bad bytes. */
export function utf8Decode(bytes: Uint8Array, strict = false): string {
  return (strict ? strictDecoder : lenientDecoder).decode(bytes);
}
