// The public language versions of stories, as readers and search engines need them: hreflang
// alternates with absolute front-end URLs. Used by article reads and the sitemaps.
import { and, asc, eq, sql } from 'drizzle-orm';
import Type, { type Static } from 'typebox';
import type { Db } from '../../db/client.js';
import { articles, categories } from '../../db/schema/index.js';
import { frontendUrl, publicViewer } from './public.js';
import { visibleTo } from './visibility.js';

export const Alternate = Type.Object(
  {
    hreflang: Type.String({ description: 'The locale code (BCP 47), or x-default for the version shown to readers of other languages.' }),
    locale: Type.String({ description: 'The locale of the version this entry points to (for x-default: the default version).' }),
    url: Type.String({ description: 'Absolute front-end URL, from FRONTEND_URL_PATTERN.' }),
    id: Type.String({ format: 'uuid' }),
    slug: Type.String(),
    title: Type.String(),
  },
  {
    $id: 'Alternate',
    description: 'A public version of the story: for <link rel="alternate" hreflang> tags, sitemaps and the language switch.',
  },
);
export type Alternate = Static<typeof Alternate>;

export interface AlternateOptions {
  now: Date;
  frontendUrlPattern: string;
  /** The site default locale: its version is x-default. */
  defaultLocale: string;
}

/**
 * Every public version of each translation group, in one query, as hreflang alternates: one entry per
 * locale (the article itself included: hreflang sets must be reciprocal and self-referencing), then
 * x-default pointing at the default locale's version, or at the first public version when the story has
 * none in the default locale. Drafts, scheduled and embargoed versions never appear, whoever asks.
 */
export async function loadAlternates(db: Db, groupIds: string[], o: AlternateOptions): Promise<Map<string, Alternate[]>> {
  const result = new Map<string, Alternate[]>();
  if (!groupIds.length) return result;
  // One array parameter, however many groups (a sitemap page has thousands).
  const groups = `{${[...new Set(groupIds)].join(',')}}`;
  const rows = await db
    .select({ id: articles.id, group: articles.translationGroupId, locale: articles.locale, slug: articles.slug, title: articles.title, category: categories.slug })
    .from(articles)
    .leftJoin(categories, eq(categories.id, articles.categoryId))
    .where(and(sql`${articles.translationGroupId} = ANY(${groups}::uuid[])`, visibleTo(publicViewer(o.now))))
    .orderBy(asc(articles.translationGroupId), asc(articles.locale));
  const byGroup = new Map<string, AlternateVersion[]>();
  for (const r of rows) {
    const list = byGroup.get(r.group) ?? [];
    list.push(r);
    byGroup.set(r.group, list);
  }
  for (const [group, versions] of byGroup) result.set(group, alternatesOf(versions, o));
  return result;
}

/** A public version of a story, as loaded for alternates. */
export interface AlternateVersion {
  id: string;
  locale: string;
  slug: string;
  title: string;
  /** The category slug, for the front-end URL. */
  category: string | null;
}

/** One group's public versions (ordered by locale) as hreflang alternates, x-default last. */
export function alternatesOf(versions: AlternateVersion[], o: Pick<AlternateOptions, 'frontendUrlPattern' | 'defaultLocale'>): Alternate[] {
  const list: Alternate[] = versions.map((v) => ({
    hreflang: v.locale,
    locale: v.locale,
    url: frontendUrl(o.frontendUrlPattern, { locale: v.locale, category: v.category, slug: v.slug }),
    id: v.id,
    slug: v.slug,
    title: v.title,
  }));
  if (!list.length) return list;
  const fallback = list.find((a) => a.locale === o.defaultLocale) ?? list[0];
  list.push({ ...fallback, hreflang: 'x-default' });
  return list;
}
