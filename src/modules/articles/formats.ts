// One article in other vocabularies: schema.org NewsArticle (JSON-LD) for search engines, IPTC ninjs for partners.
// Pure mappings from the API article; the route loads the data and picks the format.
import { pickLocale } from '../../http/localize.js';
import type { SiteSettings } from '../site/schemas.js';
import type { NewsArticle, Ninjs } from './format-schemas.js';
import { frontendHome, frontendUrl } from './public.js';
import type { ArticleFields } from './queries.js';
import { type Article, ARTICLE_FORMATS, type ArticleFormat } from './schemas.js';
import type { ImageValue } from '../../db/schema/index.js';

export const MEDIA_TYPES: Record<ArticleFormat, string> = {
  json: 'application/json',
  jsonld: 'application/ld+json',
  ninjs: 'application/vnd.iptc.ninjs+json',
};

/** The relations the alternative formats map; their shape is fixed, so include and fields do not apply to them. */
export const FORMAT_INCLUDE = 'category,tags,authors,sources';

/** The ninjs version emitted, and the official schema it validates against (vendored in test/fixtures/ninjs). */
export const NINJS_VERSION = '2.1';
const NINJS_SCHEMA = 'http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json';

/**
 * The format to answer with: an explicit ?format wins; else the Accept media type with the highest q among ours.
 * Wildcards (and anything we do not serve) mean JSON, as before formats existed: no 406 for an odd Accept.
 */
export function negotiateFormat(format: ArticleFormat | undefined, accept: string | undefined): ArticleFormat {
  if (format) return format;
  if (!accept) return 'json';
  const q: Record<ArticleFormat, number> = { json: 0, jsonld: 0, ninjs: 0 };
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const weight = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(weight)) continue;
    if (type === '*/*' || type === 'application/*') q.json = Math.max(q.json, weight);
    for (const f of ARTICLE_FORMATS) if (type === MEDIA_TYPES[f]) q[f] = Math.max(q[f], weight);
  }
  // Ties go to the earlier format in ARTICLE_FORMATS, so plain JSON stays the default.
  let best: ArticleFormat = 'json';
  for (const f of ARTICLE_FORMATS) if (q[f] > q[best]) best = f;
  return q[best] > 0 ? best : 'json';
}

export interface FormatContext {
  /** FRONTEND_URL_PATTERN: where readers find articles. */
  frontendUrlPattern: string;
  /** PUBLIC_BASE_URL: the API's own address, for category and tag URIs. */
  publicBaseUrl: string;
  site: SiteSettings;
}

const pageUrl = (pattern: string, a: Pick<ArticleFields, 'locale' | 'slug' | 'category'>) =>
  frontendUrl(pattern, { locale: a.locale ?? '', slug: a.slug ?? '', category: a.category?.slug ?? null });

const siteName = (ctx: FormatContext, locale: string) => pickLocale(ctx.site.name, locale, ctx.site.defaultLocale);

/** Google shows at most 110 characters of a headline; cut by code point so no emoji is split. */
export const HEADLINE_MAX = 110;
function headline(title: string): string {
  const chars = Array.from(title);
  return chars.length <= HEADLINE_MAX ? title : chars.slice(0, HEADLINE_MAX - 1).join('').trimEnd() + '…';
}

const firstPublished = (a: Pick<ArticleFields, 'firstPublishedAt' | 'publishedAt'>) => a.firstPublishedAt ?? a.publishedAt ?? null;

/**
 * The original of a translation group is its version published first (ties: the older row, as UUID v7 ids sort by
 * creation). originalStory cannot tell: a translation copies it from its source, and it may name a story outside
 * Dateline. Only the versions passed in compete, so the route passes the public ones and a draft never counts.
 */
function originalOf<T extends Pick<ArticleFields, 'id' | 'firstPublishedAt' | 'publishedAt'>>(versions: T[]): T {
  const time = (a: T) => {
    const at = firstPublished(a);
    return at ? Date.parse(at) : Number.POSITIVE_INFINITY;
  };
  return versions.reduce((best, a) => (time(a) < time(best) || (time(a) === time(best) && a.id < best.id) ? a : best));
}

/**
 * schema.org NewsArticle for `article` (loaded with FORMAT_INCLUDE). `publicVersions` are the versions of its
 * translation group the public may see, with their category (it may be this article too): only they are linked.
 */
export function toNewsArticle(article: Article, publicVersions: ArticleFields[], ctx: FormatContext): NewsArticle {
  const url = pageUrl(ctx.frontendUrlPattern, article);
  const name = siteName(ctx, article.locale);
  const origin = new URL(frontendHome(ctx.frontendUrlPattern, article.locale)).origin;
  const person = (a: Article['authors'][number]) => ({
    '@type': 'Person' as const,
    name: a.name ?? '',
    url: `${origin}/authors/${encodeURIComponent(a.slug ?? a.id)}`,
  });
  // schema.org separates who wrote the story from who translated or edited it; the byline order is kept.
  const writers = article.authors.filter((a) => a.role !== 'translator' && a.role !== 'editor').map(person);
  const translators = article.authors.filter((a) => a.role === 'translator').map(person);
  const editors = article.authors.filter((a) => a.role === 'editor').map(person);
  const images = [...new Set([article.coverImage?.url, article.seo.ogImageUrl].filter((u): u is string => Boolean(u)))];
  const description = article.seo.description || article.lead;
  const datePublished = firstPublished(article);
  const keywords = article.tags.map((t) => t.name ?? '').filter(Boolean);
  const publisher: NewsArticle['publisher'] = { '@type': 'Organization', name, url: frontendHome(ctx.frontendUrlPattern, article.locale) };
  if (ctx.site.logoUrl) publisher.logo = { '@type': 'ImageObject', url: ctx.site.logoUrl };

  const out: NewsArticle = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    url,
    mainEntityOfPage: url,
    headline: headline(article.title),
    ...(description ? { description } : {}),
    ...(images.length ? { image: images } : {}),
    ...(datePublished ? { datePublished } : {}),
    dateModified: article.updatedAt,
    // Google wants an author; agency copy without a byline is the publisher's.
    author: writers.length ? writers : [{ '@type': 'Organization', name, url: publisher.url }],
    ...(translators.length ? { translator: translators } : {}),
    ...(editors.length ? { editor: editors } : {}),
    publisher,
    inLanguage: article.locale,
    ...(article.category?.name ? { articleSection: article.category.name } : {}),
    ...(keywords.length ? { keywords } : {}),
    ...(article.datelinePlace ? { dateline: article.datelinePlace } : {}),
    ...(article.originalStory ? { isBasedOn: article.originalStory.url } : {}),
  };

  const others = publicVersions.filter((v) => v.id !== article.id);
  if (others.length) {
    const ref = (v: ArticleFields) => ({ '@type': 'NewsArticle' as const, url: pageUrl(ctx.frontendUrlPattern, v), inLanguage: v.locale ?? '' });
    const original = originalOf<ArticleFields>([article, ...others]);
    if (original.id === article.id) out.workTranslation = others.map(ref);
    else out.translationOfWork = ref(original);
  }
  return out;
}

const IMAGE_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
};

/** The media type told by the file extension; omitted when unknown rather than guessed. */
function imageType(url: string): string | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(new URL(url).pathname)?.[1];
  return ext ? IMAGE_TYPES[ext.toLowerCase()] : undefined;
}

type ImageFields = ImageValue;

type NinjsPicture = NonNullable<Ninjs['associations']>[number];

function picture(name: string, image: ImageFields): NinjsPicture {
  const descriptions = [
    ...(image.caption ? [{ role: 'caption', contenttype: 'text/plain', value: image.caption }] : []),
    ...(image.alt ? [{ role: 'alt', contenttype: 'text/plain', value: image.alt }] : []),
  ];
  const contenttype = imageType(image.url);
  return {
    name,
    // An image has no id in Dateline: its URL is what identifies it.
    uri: image.url,
    type: 'picture',
    // ninjs 2.x has no credit-line property; `by` is its "statement about the creator" (TT's examples put credits there).
    ...(image.credit ? { by: image.credit } : {}),
    ...(descriptions.length ? { descriptions } : {}),
    renditions: [
      {
        name: 'original',
        href: image.url,
        ...(contenttype ? { contenttype } : {}),
        ...(image.width ? { width: image.width } : {}),
        ...(image.height ? { height: image.height } : {}),
      },
    ],
  };
}

/** IPTC ninjs 2.1 for `article` (loaded with FORMAT_INCLUDE); `version` is its row version. */
export function toNinjs(article: Article, version: number, ctx: FormatContext): Ninjs {
  const copyright = pickLocale(ctx.site.copyright, article.locale, ctx.site.defaultLocale);
  const api = ctx.publicBaseUrl;
  const subjects = [
    ...(article.category ? [{ name: article.category.name ?? '', uri: `${api}/v1/categories/${article.category.id}`, literal: article.category.slug }] : []),
    ...article.tags.map((t) => ({ name: t.name ?? '', uri: `${api}/v1/tags/${t.id}`, literal: t.slug })),
  ];
  const infosources = article.sources.map((s) => ({
    name: s.fullName ?? s.shortName ?? '',
    ...(s.url ? { uri: s.url } : {}),
    ...(s.slug ? { literal: s.slug } : {}),
  }));
  const bodyImages = article.body.filter((b): b is Extract<Article['body'][number], { type: 'image' }> => b.type === 'image');
  const associations = [
    ...(article.coverImage ? [picture('featureimage', article.coverImage)] : []),
    ...bodyImages.map((b, i) => picture(`image${i + 1}`, b)),
  ];
  const byline = article.authors.map((a) => a.name ?? '').filter(Boolean).join(', ');

  return {
    // The same id as in the feeds: it survives slug and category changes.
    uri: `urn:uuid:${article.id}`,
    standard: { name: 'ninjs', version: NINJS_VERSION, schema: NINJS_SCHEMA },
    type: 'text',
    representationtype: 'full',
    version: String(version),
    // A partner's first version of the story is its first publication; the draft before it was never sent.
    firstcreated: firstPublished(article) ?? article.createdAt,
    versioncreated: article.updatedAt,
    ...(article.embargoUntil ? { embargoed: article.embargoUntil } : {}),
    ...(article.unpublishAt ? { expires: article.unpublishAt } : {}),
    pubstatus: article.status === 'published' ? 'usable' : 'withheld',
    copyrightholder: siteName(ctx, article.locale),
    ...(copyright ? { copyrightnotice: copyright } : {}),
    language: article.locale,
    slugline: article.slug,
    headlines: [{ role: 'main', value: article.title }],
    ...(article.lead ? { descriptions: [{ role: 'summary', contenttype: 'text/plain', value: article.lead }] } : {}),
    bodies: [{ role: 'main', contenttype: 'text/html', value: article.bodyHtml }],
    ...(byline ? { by: byline } : {}),
    ...(article.datelinePlace ? { located: article.datelinePlace } : {}),
    ...(subjects.length ? { subjects } : {}),
    ...(infosources.length ? { infosources } : {}),
    renditions: [{ name: 'web', href: pageUrl(ctx.frontendUrlPattern, article), contenttype: 'text/html', title: article.title }],
    ...(associations.length ? { associations } : {}),
    altids: [{ role: 'translationgroup', value: article.translationGroupId }],
  };
}
