// What every reader may see, and where readers find it: the anonymous viewer and front-end URLs.
import type { Viewer } from './visibility.js';

/**
 * The anonymous viewer. Feeds, sitemaps and related lists are public documents, so they are built
 * for it whoever asks: a token with content:read must not pull drafts into a feed a CDN then keeps.
 */
export const publicViewer = (now: Date): Viewer => ({ canReadDrafts: false, now });

/** Stands in for {category} when an article has none (WordPress's convention, so front ends can route it). */
export const NO_CATEGORY_SEGMENT = 'uncategorized';

export interface FrontendUrlParts {
  locale: string;
  slug: string;
  /** The category slug, or null for an uncategorized article. */
  category: string | null;
}

/**
 * The reader-facing URL of an article from FRONTEND_URL_PATTERN: {locale}, {category} and {slug} are
 * replaced (each URL-encoded, though slugs and locale codes are ASCII already).
 */
export function frontendUrl(pattern: string, parts: FrontendUrlParts): string {
  const values: Record<string, string> = {
    locale: parts.locale,
    category: parts.category ?? NO_CATEGORY_SEGMENT,
    slug: parts.slug,
  };
  return pattern.replace(/\{(locale|category|slug)\}/g, (_m, name: string) => encodeURIComponent(values[name]));
}

/**
 * The front end's home page for a locale: the pattern up to the segment holding {locale}
 * (https://site/{locale}/{category}/{slug} → https://site/en/), else its origin.
 */
export function frontendHome(pattern: string, locale: string): string {
  const origin = new URL(pattern.replace(/\{[a-z]+\}/g, 'x')).origin + '/';
  const at = pattern.indexOf('{locale}');
  if (at < 0) return origin;
  const slash = pattern.indexOf('/', at);
  const head = (slash < 0 ? pattern + '/' : pattern.slice(0, slash + 1)).replaceAll('{locale}', encodeURIComponent(locale));
  // A pattern such as https://site/{category}/{locale}/{slug} has no per-locale home before {locale}.
  return /\{[a-z]+\}/.test(head) ? origin : head;
}
