import { describe, expect, it } from "vitest";
import { NEAR_PREFIX_CHARS, dedupeEmails } from "./dedupe-emails";

const body = (seed: string, length = 260): string => Array.from({ length }, (_, i) => seed[i % seed.length]).join("");
const email = (subject: string, text: string, label = 1) => ({ text: `${subject}\n\n${text}`, label });

describe("dedupeEmails", () => {
  it("keeps the first of exact copies, whitespace and case aside", () => {
    const result = dedupeEmails([
      email("Win now", body("abc ")),
      email("other", body("xyz ")),
      email("WIN   now", body("ABC ").replace(/ /gu, "  ")),
    ]);
    expect(result).toEqual({ kept: [0, 1], exact: 1, near: 0, conflicting: 0 });
  });

  it("drops near copies that share the opening body, whatever their subject and tail", () => {
    const opening = body("cheap toner ", NEAR_PREFIX_CHARS);
    const result = dedupeEmails([
      email("a", `${opening} ends one way`),
      email("b", `${opening} ends another way entirely`),
      email("c", `${body("cheap toner ", NEAR_PREFIX_CHARS - 1)}X and then the same`),
    ]);
    expect(result.kept).toEqual([0, 2]);
    expect(result.near).toBe(1);
  });

  it("never joins emails on a short or empty body alone", () => {
    const result = dedupeEmails([
      email("one", ""),
      email("two", ""),
      email("three", "click here"),
      email("four", "click here"),
    ]);
    expect(result.kept).toEqual([0, 1, 2, 3]);
  });

  it("joins duplicates of duplicates, and drops a group that carries both labels", () => {
    const opening = body("meeting notes ", NEAR_PREFIX_CHARS);
    const result = dedupeEmails([
      email("x", `${opening} one`, 0),
      email("y", body("unrelated ", 300), 0),
      email("z", `${opening} two`, 0),
      email("z", `${opening} two`, 1), // exact copy of 2, which is near 0: the whole group has both labels
    ]);
    expect(result).toEqual({ kept: [1], exact: 0, near: 0, conflicting: 3 });
  });
});
