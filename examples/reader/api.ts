// What the reader asks the Dateline API, all through the typed client (clients/typescript): the site with its
// navigation, one article with what its page shows, the related list, and the article lists of home and
// section pages. Answers become plain data or one of two errors the server turns into a 404 or a 502 page.
import { createDatelineClient, type Article, type DatelineClient, type Schemas } from '../../clients/typescript/src/index.js';

export type Site = Schemas['SiteView'];
export type Category = Schemas['CategoryNode'];
export type Related = Schemas['RelatedArticle'];
export type Teaser = Schemas['ArticleListItem'];
export type Tag = Schemas['Tag'];
export type Author = Schemas['Author'];
export type { Article };

/** The page does not exist for readers: unknown locale, section or slug, or an article that is not public. */
export class NotFound extends Error {}

/** The API failed or could not be reached: the reader answers 502 and logs this message. */
export class Unavailable extends Error {}

interface Answer<T> {
  data?: T;
  error?: { status: number; title: string; detail?: string };
  response: Response;
}

/** The data of an answer; a 404 (and a 400, which the API gives for a locale the site does not have) is NotFound. */
async function take<T>(what: string, call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (err) {
    throw new Unavailable(`${what}: ${(err as Error).message}`);
  }
  if (answer.data !== undefined) return answer.data;
  const status = answer.response.status;
  if (status === 404 || status === 400) throw new NotFound(`${what}: ${status}`);
  throw new Unavailable(`${what}: ${status} ${answer.error?.title ?? answer.response.statusText}`);
}

export interface ReaderApiOptions {
  /** Where the API answers, e.g. http://127.0.0.1:3000. */
  apiUrl: string;
  /** A public read key (dlp_...); anonymous without one. */
  publicKey?: string;
}

export type ReaderApi = ReturnType<typeof readerApi>;

export function readerApi(options: ReaderApiOptions) {
  // Only a public read key: it sees exactly what anonymous readers see. An API token could read drafts,
  // and this site must never show one.
  if (options.publicKey !== undefined && !options.publicKey.startsWith('dlp_')) {
    throw new Error('DATELINE_PUBLIC_KEY must be a public read key (dlp_...), not an API token');
  }
  const client: DatelineClient = createDatelineClient({ baseUrl: options.apiUrl, token: options.publicKey });

  /** Site settings in the reader's language, with the category tree for the navigation. */
  async function site(locale: string): Promise<Site> {
    const body = await take('site', client.GET('/v1/site', { params: { query: { locale, include: 'navigation' } } }));
    if (!body.data.locales.some((l) => l.code === locale)) throw new NotFound(`locale ${locale} is not one of the site's`);
    return body.data;
  }

  /** The 20 newest public articles of a locale matching `filters`, with what a teaser shows. */
  async function latest(locale: string, filters: { 'filter[category][descendants]'?: string; 'filter[tag]'?: string; 'filter[author]'?: string }) {
    const list = await take(
      'articles',
      client.GET('/v1/articles', {
        params: {
          query: {
            'filter[locale]': locale,
            ...filters,
            include: 'category',
            fields: 'title,slug,locale,lead,publishedAt,coverImage,category',
            'page[size]': 20,
          },
        },
      }),
    );
    return list.data;
  }

  return {
    site,

    /** The site in its default locale (for pages outside any locale: the root redirect, unknown paths). */
    async defaultSite(): Promise<Site> {
      const body = await take('site', client.GET('/v1/site', { params: { query: { include: 'navigation' } } }));
      return body.data;
    },

    /** An article page: the site, the article with every relation and its JSON-LD, then its related list. */
    async articlePage(locale: string, slug: string) {
      const [siteView, body] = await Promise.all([
        site(locale),
        take(
          'article',
          client.GET('/v1/articles/by-slug/{locale}/{slug}', {
            params: { path: { locale, slug }, query: { include: 'category,tags,authors,sources,jsonld' } },
          }),
        ),
      ]);
      // No sparse fieldset was asked for, so every field is there (the spec types by-slug answers as partial).
      const article = body.data as Article;
      const related = await take(
        'related',
        client.GET('/v1/articles/{id}/related', { params: { path: { id: article.id }, query: { limit: 10 } } }),
      );
      return { site: siteView, article, related: related.data };
    },

    /** The newest articles of a locale, or of a section and its subsections, with what a teaser shows. */
    async listPage(locale: string, section?: string) {
      const [siteView, articles] = await Promise.all([site(locale), latest(locale, section ? { 'filter[category][descendants]': section } : {})]);
      return { site: siteView, articles };
    },

    /** A tag's page: the tag (name in this locale) and its newest articles in this locale. */
    async tagPage(locale: string, slug: string) {
      const [siteView, tags, articles] = await Promise.all([
        site(locale),
        take('tag', client.GET('/v1/tags', { params: { query: { locale, 'filter[slug]': slug } } })),
        latest(locale, { 'filter[tag]': slug }),
      ]);
      if (!tags.data[0]) throw new NotFound(`no tag ${slug}`);
      return { site: siteView, tag: tags.data[0], articles };
    },

    /** An author's page (the byline's link, and the author URL the API puts in JSON-LD): the profile and their newest articles. */
    async authorPage(locale: string, slug: string) {
      const [siteView, authors, articles] = await Promise.all([
        site(locale),
        take('author', client.GET('/v1/authors', { params: { query: { locale, 'filter[slug]': slug } } })),
        latest(locale, { 'filter[author]': slug }),
      ]);
      if (!authors.data[0]) throw new NotFound(`no author ${slug}`);
      return { site: siteView, author: authors.data[0], articles };
    },
  };
}

/** A category of the navigation tree by slug, with its parent chain (root first). */
export function findSection(tree: Category[], slug: string, parents: Category[] = []): { section: Category; parents: Category[] } | undefined {
  for (const node of tree) {
    if (node.slug === slug) return { section: node, parents };
    const below = findSection(node.children ?? [], slug, [...parents, node]);
    if (below) return below;
  }
  return undefined;
}
