// GET /v1/search: ranked full-text search over published articles in one language.
import type { App } from '../../app.js';
import { canPreview, canReadDrafts } from '../../http/auth.js';
import { listReply } from '../../http/list.js';
import { dbFor } from '../../http/read-db.js';
import { ListEnvelope, NOT_MODIFIED, problemResponses, READ_ERRORS, ref } from '../../http/schemas.js';
import { SearchQuery, SearchResult } from './schemas.js';
import { searchArticles } from './service.js';
import { surrogateKeys } from '../../http/caching.js';

export default async function searchRoutes(app: App) {
  app.get(
    '/',
    {
      schema: {
        operationId: 'searchArticles',
        summary: 'Search articles',
        description:
          'Full-text search on title, lead and body of published articles in one locale, best match first (or sort=-publishedAt), ' +
          'with the title and a snippet marked up with <mark>. Relevance ranks the newest 1,000 matches (SEARCH_RANK_WINDOW), so a common word ' +
          'costs the same in any archive; sort=-publishedAt and meta=total reach every match, and filters narrow the window. ' +
          'Takes the article list filters. Only published articles are searched, ' +
          'whoever asks. A query made only of stop words or punctuation finds nothing (200, empty list).',
        tags: ['search'],
        querystring: SearchQuery,
        response: { 200: ListEnvelope(ref(SearchResult)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS) },
      },
    },
    async (request, reply) => {
      const viewer = { canReadDrafts: canReadDrafts(request), canPreview: canPreview(request), now: app.now() };
      const page = await searchArticles(dbFor(request), request.query, request.url, viewer, app.config.searchRankWindow);
      surrogateKeys(reply, ['articles', ...page.items.map((a) => `article:${a.id}`)]);
      return listReply(reply, page, app.config.publicBaseUrl);
    },
  );
}
