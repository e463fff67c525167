// The text of a raw email for the spam task (docs/model-and-data.md section 4.1): the subject, a blank line, then the
// readable body with every header stripped. MIME is walked crudely: multipart bodies are split at their boundary,
// text parts are decoded (quoted-printable, base64), HTML is turned into text, other parts (attachments) are
// dropped, and of a multipart/alternative only the text/plain part is kept when there is one. Whitespace runs
// are collapsed; the body is cut to its first `maxBodyChars` characters.

import { htmlToText } from "./html-text";
import { decodeBase64, decodeQuotedPrintable } from "./transfer-encoding";

export const DEFAULT_MAX_BODY_CHARS = 1500;
const MAX_DEPTH = 8;

interface Part {
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

/** Headers (names lowercased, folded lines joined) and the body after the first blank line. */
function splitPart(raw: string): Part {
  const blank = raw.search(/\n[ \t]*\n/u);
  const head = blank < 0 ? raw : raw.slice(0, blank);
  const body = blank < 0 ? "" : raw.slice(raw.indexOf("\n", blank + 1) + 1);
  const headers = new Map<string, string>();
  let last = "";
  for (const line of head.split("\n")) {
    if (/^[ \t]/u.test(line) && last !== "") headers.set(last, `${headers.get(last) ?? ""} ${line.trim()}`);
    else {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      if (!headers.has(last)) headers.set(last, line.slice(colon + 1).trim());
    }
  }
  return { headers, body };
}

function boundaryOf(contentType: string): string | null {
  const match = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/iu.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

function partText(part: Part, depth: number): string {
  const contentType = (part.headers.get("content-type") ?? "text/plain").toLowerCase();
  if (contentType.startsWith("multipart/")) {
    const boundary = boundaryOf(part.headers.get("content-type") ?? "");
    if (boundary === null || depth >= MAX_DEPTH) return "";
    const pieces = part.body.split(`--${boundary}`).slice(1);
    const parts = pieces.filter((p) => !p.startsWith("--")).map((p) => splitPart(p.replace(/^[ \t]*\n/u, "")));
    if (contentType.startsWith("multipart/alternative")) {
      const plain = parts.find((p) =>
        (p.headers.get("content-type") ?? "text/plain").toLowerCase().startsWith("text/plain"),
      );
      if (plain !== undefined) return partText(plain, depth + 1);
    }
    return parts.map((p) => partText(p, depth + 1)).join("\n");
  }
  if (!contentType.startsWith("text/")) return "";
  const encoding = (part.headers.get("content-transfer-encoding") ?? "").toLowerCase();
  const decoded =
    encoding === "quoted-printable"
      ? decodeQuotedPrintable(part.body)
      : encoding === "base64"
        ? decodeBase64(part.body)
        : part.body;
  return contentType.startsWith("text/html") || /<(html|body)\b/iu.test(decoded) ? htmlToText(decoded) : decoded;
}

function tidy(text: string): string {
  return text
    .replace(/\r/gu, "")
    .replace(/[ \t\f\v\u00a0]+/gu, " ")
    .replace(/ ?\n ?/gu, "\n")
    .replace(/\n{3,}/gu, "\n\n")
    .trim();
}

/** The first `n` UTF-16 units, one fewer if the cut would split a surrogate pair. */
function truncate(text: string, n: number): string {
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

export function emailToText(raw: string, maxBodyChars: number = DEFAULT_MAX_BODY_CHARS): string {
  const message = splitPart(raw.replace(/\r\n?/gu, "\n"));
  const subject = tidy(message.headers.get("subject") ?? "");
  const body = truncate(tidy(partText(message, 0)), maxBodyChars);
  return `${subject}\n\n${body}`;
}
