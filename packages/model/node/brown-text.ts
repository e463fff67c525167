// Readable text from a Brown corpus file: its tokens are POS-tagged ("word/tag"), one sentence per line, and a
// tab-indented line opens a paragraph. Tags are stripped, Penn-style quotes become '"', punctuation is attached
// to its word, the doubled ";" the corpus writes at clause breaks and the sentence stop after an abbreviation
// ("Jr. .") are written once, and paragraphs are separated by a blank line.

const ATTACH_LEFT = new Set([",", ".", ";", ":", "?", "!", ")", "]", "}", "''", "'"]);
const ATTACH_RIGHT = new Set(["(", "[", "{", "``"]);
const QUOTES: Record<string, string> = { "``": '"', "''": '"' };

/** The word of a tagged token: everything before the last "/" (words may contain "/" themselves). */
function untag(token: string): string {
  const slash = token.lastIndexOf("/");
  return slash > 0 ? token.slice(0, slash) : token;
}

function joinWords(words: readonly string[]): string {
  let out = "";
  let glueNext = true;
  let previous = "";
  for (const word of words) {
    if ((word === ";" && previous === ";") || (word === "." && previous.endsWith("."))) continue;
    const glue = glueNext || ATTACH_LEFT.has(word);
    out += (glue ? "" : " ") + (QUOTES[word] ?? word);
    glueNext = ATTACH_RIGHT.has(word);
    previous = word;
  }
  return out;
}

export function brownToText(tagged: string): string {
  const paragraphs: string[][] = [];
  for (const line of tagged.split("\n")) {
    const tokens = line
      .trim()
      .split(/\s+/u)
      .filter((t) => t.length > 0);
    if (tokens.length === 0) continue;
    const current = paragraphs[paragraphs.length - 1];
    if (line.startsWith("\t") || current === undefined) paragraphs.push(tokens.map(untag));
    else current.push(...tokens.map(untag));
  }
  return paragraphs.map(joinWords).join("\n\n");
}
