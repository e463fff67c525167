import { describe, expect, it } from "vitest";
import { emailToText } from "./email-text";

const plain = [
  "From someone@example.com  Thu Aug 22 13:17:22 2002",
  "Received: from localhost",
  "\tby example.com with SMTP",
  "Subject: Re: lunch",
  "\ttomorrow?",
  "Content-Type: text/plain",
  "",
  "Sure,   see you\tat noon.",
  "",
  "",
  "",
  "Bob",
].join("\n");

const multipart = [
  "Subject: WIN =?big?= money",
  'Content-Type: multipart/mixed; boundary="XX"',
  "",
  "This is a multi-part message in MIME format.",
  "--XX",
  'Content-Type: multipart/alternative; boundary="YY"',
  "",
  "--YY",
  "Content-Type: text/plain; charset=us-ascii",
  "Content-Transfer-Encoding: quoted-printable",
  "",
  "Act now=2C it's =",
  "free=21",
  "--YY",
  "Content-Type: text/html",
  "",
  "<p>Act now, it's free!</p>",
  "--YY--",
  "--XX",
  "Content-Type: text/html",
  "Content-Transfer-Encoding: base64",
  "",
  // base64 of <html><head><style>p{color:red}</style></head><body><p>Click&nbsp;<b>here</b> &amp; &#36;</p></body></html>
  "PGh0bWw+PGhlYWQ+PHN0eWxlPnB7Y29sb3I6cmVkfTwvc3R5bGU+PC9oZWFkPjxib2R5PjxwPkNsaWNrJm5ic3A7PGI+aGVyZTwvYj4gJmFtcDsgJiMzNjs8L3A+PC9ib2R5PjwvaHRtbD4=",
  "--XX",
  "Content-Type: application/octet-stream",
  "",
  "AAAAAAAAAAAAAAAA",
  "--XX--",
].join("\n");

describe("email text", () => {
  it("keeps the unfolded subject and the body, drops every header and collapses whitespace", () => {
    expect(emailToText(plain)).toBe("Re: lunch tomorrow?\n\nSure, see you at noon.\n\nBob");
  });

  it("walks MIME: decodes quoted-printable and base64, prefers text/plain alternatives, strips HTML, drops attachments", () => {
    expect(emailToText(multipart)).toBe("WIN =?big?= money\n\nAct now, it's free!\n\nClick here & $");
  });

  it("turns HTML without a declared type into text and handles CRLF line ends", () => {
    expect(emailToText("Subject: x\r\n\r\n<html><body>Hello<br>world</body></html>")).toBe("x\n\nHello\nworld");
  });

  it("cuts the body to the first characters, without splitting a surrogate pair", () => {
    expect(emailToText("Subject: s\n\nabcdef", 3)).toBe("s\n\nabc");
    expect(emailToText("Subject: s\n\nab\u{1F40B}c", 3)).toBe("s\n\nab");
  });

  it("gives an empty body for a message without one", () => {
    expect(emailToText("Subject: only headers")).toBe("only headers\n\n");
  });
});
