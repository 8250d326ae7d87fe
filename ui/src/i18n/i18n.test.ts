import { describe, expect, it } from "vitest";

import { MESSAGES } from ".";

/** Every path to a string or function in a messages tree. */
function paths(tree: object, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "object" && value !== null ? paths(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

describe("locale files", () => {
  it("have the same keys in Chinese and English", () => {
    expect(paths(MESSAGES.en).sort()).toEqual(paths(MESSAGES["zh-CN"]).sort());
  });

  it("is Chinese by default", () => {
    expect(MESSAGES["zh-CN"].nav.ledger).toBe("台账");
    expect(MESSAGES.en.nav.ledger).toBe("Ledger");
  });
});
