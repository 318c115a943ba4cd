import { describe, expect, it } from "vitest";
import { linearFit, median, table } from "../../tools/lib/benchStats";

describe("median", () => {
  it("takes the middle value, or the mean of the two middle values", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it("fails when there are no values", () => {
    expect(() => median([])).toThrow("median of no values");
  });
});

describe("linearFit", () => {
  it("recovers an exact line", () => {
    expect(linearFit([1, 10, 50], [130, 400, 1600])).toEqual({ slope: 30, intercept: 100, r2: 1 });
  });
  it("reports a poor fit for quadratic growth", () => {
    expect(linearFit([1, 10, 50], [1, 100, 2500]).r2).toBeLessThan(0.99);
  });
  it("fails with fewer than two points", () => {
    expect(() => linearFit([1], [1])).toThrow("linearFit needs two or more (x, y) pairs");
  });
});

describe("table", () => {
  it("left-aligns the first column and right-aligns the others", () => {
    expect(
      table(
        ["a", "bb"],
        [
          ["xyz", "1"],
          ["q", "100"],
        ],
      ),
    ).toBe("a     bb\n---  ---\nxyz    1\nq    100");
  });
});
