// /v1/articles/{id}/revisions: an article's history, diffs between versions, and restoring an old one.
import type { App } from '../../app.js';
import { requireScope } from '../../http/auth.js';
import { requireIfMatch, setVersion } from '../../http/concurrency.js';
import { requestContext } from '../../http/context.js';
import { listReply } from '../../http/list.js';
import { IdParams, IfMatchHeader, ItemEnvelope, ListEnvelope, NOT_MODIFIED, problemResponses, READ_ERRORS, ref, WRITE_ERRORS } from '../../http/schemas.js';
import { getArticle } from '../articles/queries.js';
import { Article } from '../articles/schemas.js';
import { restoreRevision } from './restore.js';
import { DiffQuery, Revision, RevisionDiff, RevisionListQuery, RevisionParams, RevisionSummary } from './schemas.js';
import { diffRevisions, getRevision, listRevisions } from './service.js';

const tags = ['revisions'];
const security = [{ bearerAuth: [] }];
const read = { onRequest: requireScope('content:read') };
const history =
  'Every change to an article (create, edit, relation change, workflow action, restore) stores a numbered revision with a full snapshot, ' +
  'who made it and which fields changed. Revisions are never changed or deleted, and outlive a deleted article. Needs content:read.';

export default async function revisionRoutes(app: App) {
  app.get(
    '/:id/revisions',
    {
      ...read,
      schema: {
        operationId: 'listArticleRevisions',
        summary: 'List the revisions of an article',
        description: `${history} Newest first unless sort=number; the snapshots are left out (read one revision for it).`,
        tags,
        security,
        params: IdParams,
        querystring: RevisionListQuery,
        response: { 200: ListEnvelope(ref(RevisionSummary)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 403, 404) },
      },
    },
    async (request, reply) =>
      listReply(reply, await listRevisions(app.db, request.params.id, request.query, request.url), app.config.publicBaseUrl),
  );

  app.get(
    '/:id/revisions/:rev',
    {
      ...read,
      schema: {
        operationId: 'getArticleRevision',
        summary: 'Get one revision with its snapshot',
        description: history,
        tags,
        security,
        params: RevisionParams,
        response: { 200: ItemEnvelope(ref(Revision)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 403, 404) },
      },
    },
    async (request) => ({ data: await getRevision(app.db, request.params.id, request.params.rev) }),
  );

  app.get(
    '/:id/revisions/:rev/diff',
    {
      ...read,
      schema: {
        operationId: 'diffArticleRevisions',
        summary: 'Compare two revisions field by field',
        description:
          'Lists each top-level field whose value differs, with its value `from` the revision named by `against` ' +
          '(default: the one just before {rev}; for revision 1, nothing) `to` revision {rev}. `against` may be newer than {rev}. ' +
          'Relations (category, tags, authors, sources) compare as ordered id lists. A missing `against` is a 404 pointing at /query/against.',
        tags,
        security,
        params: RevisionParams,
        querystring: DiffQuery,
        response: { 200: ItemEnvelope(ref(RevisionDiff)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 403, 404) },
      },
    },
    async (request) => ({ data: await diffRevisions(app.db, request.params.id, request.params.rev, request.query.against) }),
  );

  app.post(
    '/:id/revisions/:rev/restore',
    {
      onRequest: [requireScope('content:write'), requireIfMatch],
      schema: {
        operationId: 'restoreArticleRevision',
        summary: 'Restore an old revision as a new edit',
        description:
          'Applies the revision\'s content (title, slug, SEO title, lead, body, category, tags, authors with roles, sources, cover image, ' +
          'dateline place, original story, SEO) to the article as a new edit, which is stored as a new revision with reason "restore of {rev}": ' +
          'history is never rewritten. Status and dates are not touched: restoring never publishes or unpublishes. ' +
          'If-Match must hold the article\'s current ETag. A category, tag, author or source the revision uses that has since been deleted ' +
          'is a 422 naming it; a slug now taken by another article is a 409. Answers with the article and `meta.revision`, the new revision\'s number.',
        tags,
        security,
        params: RevisionParams,
        headers: IfMatchHeader,
        response: {
          200: ItemEnvelope(ref(Article), 'The article after the restore; meta.revision is the number of the revision the restore created.'),
          ...problemResponses(...WRITE_ERRORS, 404, 409, 412, 422, 428),
        },
      },
    },
    async (request, reply) => {
      const { id, rev } = request.params;
      const { revision } = await restoreRevision(app.db, id, rev, requestContext(request, app.now()));
      const { article, row } = await getArticle(app.db, id, {}, { canReadDrafts: true, now: app.now() });
      setVersion(reply, row.version);
      return { data: article as Article, meta: { revision } };
    },
  );
}
