// The calls clients/typescript/README.md shows, as a module: test/client.test.ts runs them against a live API
// and checks that the README prints this file's code unchanged.
import type { ArticleCreate, DatelineClient } from './src/index.js';

/** Turns a problem answer (RFC 9457) into an Error that names what went wrong. */
function fail(error: { status: number; title: string; detail?: string }): never {
  throw new Error(`${error.status} ${error.title}${error.detail ? `: ${error.detail}` : ''}`);
}

/** A section page: the latest articles of a category and its subcategories, with what a teaser shows. */
export async function latestInSection(client: DatelineClient, section: string) {
  const { data, error } = await client.GET('/v1/articles', {
    params: {
      query: {
        'filter[category][descendants]': section,
        include: 'category,tags,authors',
        fields: 'title,slug,locale,lead,publishedAt,coverImage,category,tags,authors',
        'page[size]': 10,
      },
    },
  });
  if (error) fail(error);
  return { articles: data.data, next: data.links.next };
}

/** An article page: one article by its locale and slug, with every relation and the language versions. */
export async function articlePage(client: DatelineClient, locale: string, slug: string) {
  const { data, error } = await client.GET('/v1/articles/by-slug/{locale}/{slug}', {
    params: { path: { locale, slug }, query: { include: 'category,tags,authors,sources,translations' } },
  });
  if (error) fail(error);
  return data.data;
}

/**
 * An editorial tool (a token with content:write and content:publish): create a draft, submit it, approve it.
 * Each workflow step names the version it acts on with If-Match, from the previous answer's ETag.
 */
export async function createAndPublish(client: DatelineClient, article: ArticleCreate) {
  const created = await client.POST('/v1/articles', { body: article });
  if (created.error) fail(created.error);
  const id = created.data.data.id;
  const submitted = await client.POST('/v1/articles/{id}/submit', {
    params: { path: { id }, header: { 'if-match': created.response.headers.get('etag') ?? '' } },
    body: {},
  });
  if (submitted.error) fail(submitted.error);
  const approved = await client.POST('/v1/articles/{id}/approve', {
    params: { path: { id }, header: { 'if-match': submitted.response.headers.get('etag') ?? '' } },
    body: {},
  });
  if (approved.error) fail(approved.error);
  return approved.data.data;
}
