// Reads and writes models/tokenizer/tokenizer.json. Writing goes through prettier so the committed file is
// byte-identical to what `build-vocab` produces (and `prettier --check .` stays green).
import { readFileSync, writeFileSync } from "node:fs";
import { format } from "prettier";
import { type Result, fail } from "@airlora/core";
import { type TokenizerVocab, parseTokenizerVocab, tokenizerFile } from "../src/tokenizer/tokenizer-vocab";
import { TOKENIZER_PATH } from "./repo-paths";

export function readTokenizerVocab(path: string = TOKENIZER_PATH): Result<TokenizerVocab> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return fail({ code: "unreadable-tokenizer", reason: `${path}: ${String(error)}` });
  }
  return parseTokenizerVocab(json);
}

export async function tokenizerJson(vocab: TokenizerVocab, source: string): Promise<string> {
  return format(JSON.stringify(tokenizerFile(vocab, source)), { parser: "json", printWidth: 120 });
}

export async function writeTokenizerVocab(vocab: TokenizerVocab, source: string, path: string): Promise<void> {
  writeFileSync(path, await tokenizerJson(vocab, source));
}
