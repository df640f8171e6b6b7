// What the sitemaps list: months with public articles, one month's URLs with their translations, the last 48 hours.
import { and, asc, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.js';
import { articles, categories } from '../../db/schema/index.js';
import { notFound } from '../../http/errors.js';
import { pickLocale } from '../../http/localize.js';
import { loadAlternates } from '../articles/alternates.js';
import { frontendUrl, publicViewer } from '../articles/public.js';
import { visibleTo } from '../articles/visibility.js';
import { getSiteSettings } from '../site/service.js';

/**
 * URLs per article sitemap. The protocol allows 50,000 and 50 MB; with hreflang alternates a URL can
 * take a kilobyte or more, so 10,000 keeps a file small, quick to build and well inside both limits.
 * A month with more is split into pages (?page=2, ...), each listed in the index.
 */
export const SITEMAP_PAGE_SIZE = 10_000;
/** Google News reads articles from the last two days, at most 1,000 per sitemap. */
export const NEWS_WINDOW_MS = 48 * 3_600_000;
export const NEWS_MAX_URLS = 1_000;

export interface SitemapMonth {
  /** yyyy-mm, in UTC. */
  month: string;
  pages: number;
  lastmod: Date;
}

/**
 * Every month (UTC) that has public articles, oldest first: one GROUP BY over the
 * (status, published_at) index, whatever the number of articles.
 */
export async function listSitemapMonths(db: Db, now: Date, pageSize = SITEMAP_PAGE_SIZE): Promise<SitemapMonth[]> {
  const rows = await queryRows<{ month: string; n: number; lastmod: Date | string }>(db, sql`
    SELECT to_char(date_trunc('month', articles.published_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
           count(*)::int AS n,
           max(greatest(articles.updated_at, articles.published_at)) AS lastmod
    FROM articles
    WHERE ${visibleTo(publicViewer(now))}
    GROUP BY 1
    ORDER BY 1`);
  return rows.map((r) => ({ month: r.month, pages: Math.ceil(Number(r.n) / pageSize), lastmod: new Date(r.lastmod) }));
}

export interface SitemapAlternate {
  /** A locale code, or x-default for the site default locale's version. */
  hreflang: string;
  url: string;
}

export interface SitemapUrl {
  url: string;
  lastmod: Date;
  /** Every public version of the story, this one included; empty when it has no public translation. */
  alternates: SitemapAlternate[];
}

export interface MonthOptions {
  year: number;
  month: number;
  page: number;
  now: Date;
  frontendUrlPattern: string;
  /** Tests pass a small one to exercise paging. */
  pageSize?: number;
}

/** The URLs of one page of one month, in two queries: the month's articles, then their translation groups. */
export async function loadMonthSitemap(db: Db, o: MonthOptions): Promise<SitemapUrl[]> {
  const visible = visibleTo(publicViewer(o.now));
  const start = new Date(Date.UTC(o.year, o.month - 1, 1));
  const end = new Date(Date.UTC(o.year, o.month, 1));
  const pageSize = o.pageSize ?? SITEMAP_PAGE_SIZE;
  // A range scan on the (status, published_at, id) index, bounded by the month. OFFSET only ever
  // skips rows of this month (at most a few pages).
  const rows = await db
    .select({ id: articles.id, group: articles.translationGroupId, publishedAt: articles.publishedAt, updatedAt: articles.updatedAt })
    .from(articles)
    .where(and(visible, gte(articles.publishedAt, start), lt(articles.publishedAt, end)))
    .orderBy(asc(articles.publishedAt), asc(articles.id))
    .offset((o.page - 1) * pageSize)
    .limit(pageSize);
  if (!rows.length) throw notFound(o.page > 1 ? `Page ${o.page} of this sitemap` : 'A sitemap for this month');

  const { settings } = await getSiteSettings(db);
  // Every public version of these stories, the month's own articles included, so each URL lists itself
  // and its siblings (reciprocal hreflang) from one query.
  const byGroup = await loadAlternates(db, rows.map((r) => r.group), {
    now: o.now,
    frontendUrlPattern: o.frontendUrlPattern,
    defaultLocale: settings.defaultLocale,
  });

  return rows.map((r) => {
    const group = byGroup.get(r.group) ?? [];
    // Only missing if the article was unpublished between the two queries: leave it out next time.
    const url = group.find((m) => m.id === r.id && m.hreflang !== 'x-default')?.url ?? '';
    // A story in one language has no alternates (its list is itself plus x-default).
    const alternates: SitemapAlternate[] = group.length > 2 ? group.map((m) => ({ hreflang: m.hreflang, url: m.url })) : [];
    const publishedAt = r.publishedAt as Date;
    return { url, lastmod: r.updatedAt > publishedAt ? r.updatedAt : publishedAt, alternates };
  }).filter((u) => u.url);
}

export interface NewsUrl {
  url: string;
  title: string;
  publishedAt: Date;
  /** Google News language code (see newsLanguage). */
  language: string;
  /** The site name in the article's locale. */
  publication: string;
}

/**
 * Google News wants ISO 639 codes, except zh-cn and zh-tw for Chinese scripts. Our locales are
 * BCP 47 tags, so the primary subtag is kept and Chinese is mapped by script or region.
 */
export function newsLanguage(locale: string): string {
  const lower = locale.toLowerCase();
  if (/^zh-(hant|tw|hk|mo)\b/.test(lower)) return 'zh-tw';
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-cn';
  return lower.split('-')[0];
}

/** Public articles of the last 48 hours, newest first: a short range scan on (status, published_at). */
export async function loadNewsSitemap(db: Db, now: Date, frontendUrlPattern: string): Promise<NewsUrl[]> {
  const where: Array<SQL | undefined> = [visibleTo(publicViewer(now)), gte(articles.publishedAt, new Date(now.getTime() - NEWS_WINDOW_MS))];
  const [rows, { settings }] = await Promise.all([
    db
      .select({ locale: articles.locale, slug: articles.slug, title: articles.title, publishedAt: articles.publishedAt, category: categories.slug })
      .from(articles)
      .leftJoin(categories, eq(categories.id, articles.categoryId))
      .where(and(...where))
      .orderBy(desc(articles.publishedAt), desc(articles.id))
      .limit(NEWS_MAX_URLS),
    getSiteSettings(db),
  ]);
  return rows.map((r) => ({
    url: frontendUrl(frontendUrlPattern, { locale: r.locale, category: r.category, slug: r.slug }),
    title: r.title,
    publishedAt: r.publishedAt as Date,
    language: newsLanguage(r.locale),
    publication: pickLocale(settings.name, r.locale, settings.defaultLocale),
  }));
}
