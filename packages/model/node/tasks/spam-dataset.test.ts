import { describe, expect, it } from "vitest";
import { NEAR_MIN_CHARS, NEAR_PREFIX_CHARS } from "../../src/tasks/dedupe-emails";
import { splitSpam } from "../../src/tasks/prepare-spam";
import { loadSpamEmails } from "./spam-dataset";

describe("spam corpus split", () => {
  it(
    "shares no email text and no opening body between train, validation and test, on the real corpus",
    { timeout: 60_000 },
    () => {
      const emails = loadSpamEmails();
      const split = splitSpam(emails, 0);
      const norm = (s: string): string => s.toLowerCase().replace(/\s+/gu, " ").trim();
      const opening = (text: string): string | undefined => {
        const body = norm(text.slice(text.indexOf("\n\n") + 2));
        return text.includes("\n\n") && body.length >= NEAR_MIN_CHARS ? body.slice(0, NEAR_PREFIX_CHARS) : undefined;
      };
      const keys = (indices: readonly number[]) =>
        new Set(indices.flatMap((i) => [norm(emails[i]?.text ?? ""), opening(emails[i]?.text ?? "") ?? []].flat()));
      const train = keys(split.train);
      for (const part of [split.validation, split.test]) {
        const leaked = [...keys(part)].filter((key) => train.has(key));
        expect(leaked).toEqual([]);
      }
      const validation = keys(split.validation);
      expect([...keys(split.test)].filter((key) => validation.has(key))).toEqual([]);
      // Before deduplication 33 test emails had an exact copy in training and 179 shared their opening body.
      const { exact, near, conflicting } = split.duplicates;
      expect(exact).toBeGreaterThan(100);
      expect(near).toBeGreaterThan(400);
      expect(split.train.length + split.validation.length + split.test.length).toBe(
        emails.length - exact - near - conflicting,
      );
      expect(split.test.length / (emails.length - exact - near - conflicting)).toBeCloseTo(0.2, 2);
    },
  );
});
