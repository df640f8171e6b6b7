// GET /v1/changes: every change to the public view of articles, in order, for partners who mirror the site.
import Type from 'typebox';
import type { App } from '../../app.js';
import { NOT_MODIFIED, problemResponses, READ_ERRORS, ref } from '../../http/schemas.js';
import { dbFor } from '../../http/read-db.js';
import { ArticleChange, ChangesQuery } from './schemas.js';
import { listChanges } from './service.js';

/**
 * The same public answer whoever asks, so a shared cache may keep it, but only briefly: partners poll the
 * tail, and an upsert turns into a delete when its article stops being public. Five seconds lets a CDN
 * absorb many partners polling the same cursor while delaying a takedown by no more than that.
 */
const CHANGES_CACHE_CONTROL = 'public, max-age=5';

const description =
  'Every publish, update, unpublish and delete of a public article, oldest first, so a partner can mirror the public content ' +
  'incrementally. The same public view whoever asks: drafts, scheduled and embargoed articles never appear, not even their ids; ' +
  'an article enters the feed when it becomes public (an embargo lifting is reported within one scheduler pass).\n\n' +
  'To mirror: call without `since` to start from the beginning; store `meta.next` and pass it as `since` on the next call ' +
  '(it is always present, and stays the same while nothing new happened, so you can poll with it). While `meta.hasMore` is true, ' +
  'call again at once. For each entry in order: on `upsert`, GET `links.self` (/v1/articles/{id}) and store it; on `delete`, remove ' +
  'the article from your mirror. Deletes are idempotent: an upsert whose article is no longer public when you read the feed is ' +
  'reported as a delete (its own tombstone follows). `filter[locale]` limits the feed to one language. ' +
  'A cursor that this feed did not hand out is a 400 pointing at /query/since.';

export default async function changeRoutes(app: App) {
  app.get(
    '/',
    {
      schema: {
        operationId: 'listChanges',
        summary: 'List changes to public articles (partner sync feed)',
        description,
        tags: ['changes'],
        querystring: ChangesQuery,
        response: {
          200: Type.Object(
            {
              data: Type.Array(ref(ArticleChange)),
              meta: Type.Object({
                next: Type.String({ description: 'Pass as `since` next time; equal to `since` when nothing new happened.' }),
                hasMore: Type.Boolean({ description: 'More entries are waiting: call again with `since=meta.next` at once.' }),
              }),
              links: Type.Object({
                self: Type.String(),
                next: Type.String({ description: 'This request with `since=meta.next`: the next page, or the URL to poll.' }),
              }),
            },
            { description: 'The entries after `since`, oldest first.' },
          ),
          ...NOT_MODIFIED,
          ...problemResponses(...READ_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const { since, limit = 100, 'filter[locale]': locale } = request.query;
      const page = await listChanges(dbFor(request), { since, limit, locale, now: app.now() });
      const self = new URL(request.url, 'http://x');
      const next = new URL(self);
      next.searchParams.set('since', page.next);
      const nextLink = next.pathname + next.search;
      reply.header('cache-control', CHANGES_CACHE_CONTROL);
      // Only while there is more: a generic client that follows rel="next" to the end must stop at the tail.
      if (page.hasMore) reply.header('link', `<${app.config.publicBaseUrl}${nextLink}>; rel="next"`);
      return {
        data: page.items,
        meta: { next: page.next, hasMore: page.hasMore },
        links: { self: self.pathname + self.search, next: nextLink },
      };
    },
  );
}
