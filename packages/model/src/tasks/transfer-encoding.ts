// Undoing the two MIME content-transfer-encodings the SpamAssassin emails use. Crude on purpose: the result feeds
// a tokenizer, so undecodable bytes become U+FFFD (bytes are read as UTF-8, the most common charset here).
import { decodeUtf8 } from "../text-codec";

const HEX = /^[0-9A-Fa-f]{2}$/u;

/** Quoted-printable: "=\n" soft line breaks vanish, "=XX" is byte XX. */
export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=[ \t]*\n/gu, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i += 1) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === "=" && HEX.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else pushUtf8(bytes, joined.codePointAt(i) ?? 0xfffd, () => (i += 1));
  }
  return decodeUtf8(Uint8Array.from(bytes));
}

/** The UTF-8 bytes of one code point; `skipLow` is called when it took two UTF-16 units. */
function pushUtf8(bytes: number[], cp: number, skipLow: () => void): void {
  if (cp < 0x80) bytes.push(cp);
  else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else {
    bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    skipLow();
  }
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Base64, ignoring whitespace and anything outside the alphabet; stops at the first "=". */
export function decodeBase64(text: string): string {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of text) {
    if (c === "=") break;
    const v = BASE64.indexOf(c);
    if (v < 0) continue;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return decodeUtf8(Uint8Array.from(bytes));
}
