// Where the committed artefacts live, from this file's location (scripts run from any working directory).
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const TOKENIZER_PATH = fileURLToPath(new URL("../../../models/tokenizer/tokenizer.json", import.meta.url));
