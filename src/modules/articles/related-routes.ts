// GET /v1/articles/{id}/related: the related list shown under an article.
import Type from 'typebox';
import type { App } from '../../app.js';
import { canPreview, canReadDrafts } from '../../http/auth.js';
import { IdParams, NOT_MODIFIED, problemResponses, READ_ERRORS, ref } from '../../http/schemas.js';
import { dbFor } from '../../http/read-db.js';
import { listRelatedArticles, RelatedArticle, RelatedQuery } from './related.js';
import { surrogateKeys } from '../../http/caching.js';

export default async function relatedRoutes(app: App) {
  app.get(
    '/:id/related',
    {
      schema: {
        operationId: 'listRelatedArticles',
        summary: 'Related articles',
        description:
          'Published articles in the same locale as this one, never itself: the same category newest first, then those sharing the most tags ' +
          '(ties: newest first). The list is what the public page shows, so it holds only published articles even for a token that can read drafts; ' +
          'the article itself must be visible to the caller (404 otherwise).',
        tags: ['articles'],
        params: IdParams,
        querystring: RelatedQuery,
        response: {
          200: Type.Object({ data: Type.Array(ref(RelatedArticle), { maxItems: 50 }) }, { description: 'The related articles, best first.' }),
          ...NOT_MODIFIED,
          ...problemResponses(...READ_ERRORS, 404),
        },
      },
    },
    async (request, reply) => {
      const caller = { canReadDrafts: canReadDrafts(request), canPreview: canPreview(request), now: app.now() };
      const data = await listRelatedArticles(dbFor(request), request.params.id, request.query.limit ?? 10, caller, app.config.frontendUrlPattern);
      surrogateKeys(reply, ['articles', `article:${request.params.id}`, ...data.map((a) => `article:${a.id}`)]);
      return { data };
    },
  );
}
