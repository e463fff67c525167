import { describe, expect, it } from "vitest";
import { SOTU_PRESIDENTS, presidentsOf, sotuHeldOutAddresses } from "../../src/tasks/sotu-partition";
import { loadSotuAddresses } from "./sotu-dataset";

describe("sotu dataset", () => {
  it("has 233 addresses by 43 presidents in year order, and 14 held out for test and 14 for validation", () => {
    const addresses = loadSotuAddresses();
    expect(addresses).toHaveLength(233);
    expect(presidentsOf(addresses)).toHaveLength(43);
    expect(SOTU_PRESIDENTS).toBe(43);
    expect(addresses.every((a, i) => i === 0 || (addresses[i - 1]?.year ?? 0) <= a.year)).toBe(true);
    const held = sotuHeldOutAddresses(addresses);
    const years = (indices: readonly number[]) => indices.map((i) => addresses[i]?.year);
    expect(years(held.test)).toEqual([
      1808, 1816, 1824, 1836, 1876, 1896, 1908, 1920, 1945, 1953, 1961, 2000, 2008, 2016,
    ]);
    expect(years(held.validation)).toEqual([
      1807, 1815, 1823, 1835, 1875, 1895, 1907, 1919, 1944, 1952, 1960, 1999, 2007, 2015,
    ]);
  });
});
