// UTF-8 via the TextEncoder/TextDecoder that browsers, workers and Node all provide. This package compiles without
// DOM or Node types on purpose, so the globals are reached through a typed view of globalThis.
interface Platform {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };
}

const platform = globalThis as unknown as Platform;
const encoder = new platform.TextEncoder();
const lenientDecoder = new platform.TextDecoder("utf-8", { fatal: false });
const strictDecoder = new platform.TextDecoder("utf-8", { fatal: true });

/** UTF-8 bytes of `text`; a lone surrogate becomes U+FFFD (EF BF BD), as in every TextEncoder. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Lenient decoding: each malformed sequence becomes U+FFFD, so any byte string decodes. */
export function decodeUtf8(bytes: Uint8Array): string {
  return lenientDecoder.decode(bytes);
}

/** Strict decoding: throws a TypeError on malformed UTF-8 (callers that must refuse bad input catch it). */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  return strictDecoder.decode(bytes);
}
