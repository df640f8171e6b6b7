// Picks the text for a reader's locale from a { locale: text } map.
import type { Localized } from '../db/schema/index.js';

/** The value for `locale`, else the site default, else any; '' when the map is empty. */
export function pickLocale(values: Localized, locale: string | undefined, defaultLocale: string): string {
  if (locale && values[locale] !== undefined) return values[locale];
  if (values[defaultLocale] !== undefined) return values[defaultLocale];
  const first = Object.values(values)[0];
  return first ?? '';
}
