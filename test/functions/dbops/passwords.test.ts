import { describe, expect, it } from "vitest";
import { isColumnKey, newColumnKey } from "../../../functions/dbops/columnKey";
import { generatePassword } from "../../../functions/dbops/passwords";
import { PASSWORD_ALPHABET, PASSWORD_LENGTH } from "../../../spec/databaseOps";

describe("generatePassword", () => {
  it("gives 40 letters and digits by default", () => {
    const p = generatePassword();
    expect(p).toHaveLength(PASSWORD_LENGTH);
    expect(p).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(generatePassword()).not.toBe(p);
  });

  it("rejects bytes at or above 248 (62 x 4) so no character is favoured", () => {
    // 248, 255 and 250 are skipped; 247 % 62 = 61 → "9", 0 and 62 → "A", 61 → "9", then 1 → "B".
    const bytes = Buffer.from([248, 255, 247, 0, 250, 62, 61, 1]);
    let calls = 0;
    const random = (n: number) => {
      calls++;
      return calls === 1 ? bytes : Buffer.alloc(n, 1);
    };
    expect(generatePassword(6, PASSWORD_ALPHABET, random)).toBe("9AA9BB");
  });

  it("draws every character of the alphabet about equally often", () => {
    const counts = new Map<string, number>();
    const text = generatePassword(62_000);
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(800);
      expect(n).toBeLessThan(1200);
    }
  });

  it("fails when the length is not positive or the alphabet repeats a character", () => {
    expect(() => generatePassword(0)).toThrow(/length: 0 is not a positive whole number/);
    expect(() => generatePassword(8, "aab")).toThrow(/alphabet: 3 characters, or some repeated/);
  });
});

describe("column key", () => {
  it("is base64 of exactly 32 bytes", () => {
    const k = newColumnKey();
    expect(Buffer.from(k, "base64")).toHaveLength(32);
    expect(isColumnKey(k)).toBe(true);
  });

  it("refuses anything else: 16 bytes, non-canonical base64, empty", () => {
    expect(isColumnKey(Buffer.alloc(16).toString("base64"))).toBe(false);
    expect(isColumnKey(`${Buffer.alloc(32).toString("base64")}==`)).toBe(false);
    expect(isColumnKey("")).toBe(false);
  });
});
