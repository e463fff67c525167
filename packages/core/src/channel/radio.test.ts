import { describe, expect, it } from "vitest";
import { dbToLinear, dbmToWatts, linearToDb, pathLossDb, snrLinear } from "./radio";

describe("radio link budget", () => {
  it("gives the 3GPP path loss at known distances", () => {
    expect(pathLossDb(1000)).toBeCloseTo(128.1, 10);
    expect(pathLossDb(100)).toBeCloseTo(90.5, 10);
    expect(pathLossDb(500)).toBeCloseTo(116.781, 3);
  });

  it("converts decibels and dBm both ways", () => {
    expect(dbToLinear(30)).toBeCloseTo(1000, 9);
    expect(linearToDb(dbToLinear(-7.25))).toBeCloseTo(-7.25, 12);
    expect(dbmToWatts(30)).toBeCloseTo(1, 12);
    expect(dbmToWatts(23.0103)).toBeCloseTo(0.2, 5);
  });

  it("puts a 0.2 W client 124 dB minus its path loss above the noise of a 20 MHz band", () => {
    const n0 = dbmToWatts(-174);
    const snrAt = (distanceM: number): number =>
      linearToDb(snrLinear(0.2, dbToLinear(-pathLossDb(distanceM)), n0, 20e6));
    expect(snrAt(100)).toBeCloseTo(33.5, 3);
    expect(snrAt(500)).toBeCloseTo(7.219, 3);
    expect(snrAt(1000)).toBeCloseTo(-4.1, 3);
  });
});
