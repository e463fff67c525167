import type { z } from "zod";
import { fail, ok, type Result } from "@airlora/core";

const MAX_ISSUES_IN_REASON = 3;

/** Validates untrusted input against a schema; never throws. The reason names the offending fields. */
export function parseMessage<S extends z.ZodType>(
  schema: S,
  input: unknown,
): Result<z.infer<S>, { code: "bad-message"; reason: string }> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issues = parsed.error.issues.slice(0, MAX_ISSUES_IN_REASON).map((issue) => {
    const path = issue.path.length === 0 ? "(message)" : issue.path.map(String).join(".");
    return `${path}: ${issue.message}`;
  });
  const more = parsed.error.issues.length - issues.length;
  return fail({
    code: "bad-message",
    reason: issues.join("; ") + (more > 0 ? ` (+${String(more)} more)` : ""),
  });
}
