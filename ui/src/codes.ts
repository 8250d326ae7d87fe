// The code lists the core accepts for channels and categories (its Channel and Category enums),
// in the order forms offer them. The type checker keeps each entry a valid code.
import type { Category, Channel } from "./api";

export const CHANNELS: Channel[] = ["hotline", "website", "wechat", "app", "store", "regulator_referral", "letter_email", "media", "other"];
export const CATEGORIES: Category[] = [
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
