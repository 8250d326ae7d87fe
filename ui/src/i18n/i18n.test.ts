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

  it("have a label for every channel and category code the core writes", () => {
    const channels = ["hotline", "website", "wechat", "app", "store", "regulator_referral", "letter_email", "media", "other"];
    const categories = [
      "product_quality",
      "after_sales",
      "price_charges",
      "misleading_advertising",
      "contract_terms",
      "delivery_logistics",
      "service_attitude",
      "safety_harm",
      "personal_information",
      "other",
    ];
    for (const m of Object.values(MESSAGES)) {
      for (const c of channels) expect(m.labels.channel[c], c).toBeTruthy();
      for (const c of categories) expect(m.labels.category[c], c).toBeTruthy();
    }
  });

  it("is Chinese by default", () => {
    expect(MESSAGES["zh-CN"].nav.ledger).toBe("台账");
    expect(MESSAGES.en.nav.ledger).toBe("Ledger");
  });
});
