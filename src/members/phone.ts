import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export interface RegionSource {
  locale: string;
  currency: string;
  settings: Record<string, unknown> | null;
}

/**
 * The region used to read phone numbers typed without a country code
 * ("0812345678" in Thailand). In order: the merchant setting `phoneRegion`
 * (ISO 3166 alpha-2), the region of the merchant locale ("th-TH" → TH), then
 * the currency, whose first two letters are the issuing country for national
 * currencies (THB → TH, GBP → GB); EUR and X… currencies name no country.
 * Without any region only numbers with a leading + are accepted.
 */
export function phoneRegionOf(merchant: RegionSource): CountryCode | undefined {
  const setting = merchant.settings?.phoneRegion;
  if (typeof setting === 'string' && isSupportedCountry(setting.toUpperCase())) return setting.toUpperCase() as CountryCode;
  const localeRegion = /^[a-z]{2,3}[-_](?:[A-Za-z]{4}[-_])?([A-Za-z]{2})\b/.exec(merchant.locale)?.[1]?.toUpperCase();
  if (localeRegion && isSupportedCountry(localeRegion)) return localeRegion as CountryCode;
  const currency = merchant.currency.toUpperCase();
  const currencyRegion = currency.slice(0, 2);
  if (currency !== 'EUR' && !currency.startsWith('X') && isSupportedCountry(currencyRegion)) return currencyRegion as CountryCode;
  return undefined;
}

/** E.164 form of a phone number, or null when it is not a valid number for the region. */
export function normalizePhone(raw: string, region: CountryCode | undefined): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), region);
  return parsed && parsed.isValid() ? parsed.number : null;
}

export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}
