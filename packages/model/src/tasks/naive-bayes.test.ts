import { describe, expect, it } from "vitest";
import { naiveBayesAccuracy, naiveBayesScores, predictNaiveBayes, trainNaiveBayes, wordsOf } from "./naive-bayes";

const corpus = [
  { text: "cheap pills buy now", label: 1 },
  { text: "buy cheap watches now now", label: 1 },
  { text: "meeting notes for tomorrow", label: 0 },
  { text: "lunch tomorrow with the team", label: 0 },
  { text: "notes from the team meeting", label: 0 },
];

describe("multinomial naive Bayes", () => {
  it("splits lowercased words of letters and digits, keeping inner apostrophes", () => {
    expect(wordsOf("Don't BUY 2 pills!! Émigré-ready")).toEqual(["don't", "buy", "2", "pills", "émigré", "ready"]);
  });

  it("computes Laplace-smoothed log posteriors exactly", () => {
    const model = trainNaiveBayes(corpus);
    // |V| = 14 words; class 1 has 9 word tokens, class 0 has 14; priors (2+1)/(5+2) and (3+1)/(5+2).
    const scores = naiveBayesScores(model, "cheap team unknownword");
    const v = 14;
    expect(scores[1]).toBeCloseTo(Math.log(3 / 7) + Math.log((2 + 1) / (9 + v)) + Math.log((0 + 1) / (9 + v)), 12);
    expect(scores[0]).toBeCloseTo(Math.log(4 / 7) + Math.log((0 + 1) / (14 + v)) + Math.log((2 + 1) / (14 + v)), 12);
  });

  it("classifies a tiny corpus whose answer is known", () => {
    const model = trainNaiveBayes(corpus);
    expect(predictNaiveBayes(model, "buy cheap pills")).toBe(1);
    expect(predictNaiveBayes(model, "team meeting tomorrow")).toBe(0);
    expect(predictNaiveBayes(model, "")).toBe(0); // the prior decides
    expect(naiveBayesAccuracy(model, [...corpus, { text: "now now buy", label: 1 }])).toBe(1);
  });

  it("breaks exact ties towards the lower class", () => {
    const balanced = trainNaiveBayes([
      { text: "a", label: 0 },
      { text: "b", label: 1 },
    ]);
    expect(predictNaiveBayes(balanced, "")).toBe(0);
    expect(predictNaiveBayes(balanced, "a b")).toBe(0);
  });

  it("refuses labels outside the classes", () => {
    expect(() => trainNaiveBayes([{ text: "x", label: 2 }])).toThrow(RangeError);
  });
});
