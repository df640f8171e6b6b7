// Preview links: POST /v1/articles/{id}/preview-links signs a short-lived token; GET /v1/preview/{token}
// reads that one article, whatever its state, without a bearer token (conventions: signed preview URLs).
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { canPreview, canReadDrafts, secretResponse } from '../../http/auth.js';
import { PRIVATE_CACHE_CONTROL } from '../../http/caching.js';
import { forbidden, unauthorized } from '../../http/errors.js';
import { IdParams, ItemEnvelope, NOT_MODIFIED, problemResponses, READ_ERRORS, ref } from '../../http/schemas.js';
import { getArticle, getArticleForPreview } from './queries.js';
import { signPreviewToken, verifyPreviewToken } from './preview.js';
import { ArticleListItem, ArticleReadQuery } from './schemas.js';
import { PreviewLink, PreviewParams } from './workflow-schemas.js';

/** Editors (content:write) and partners (preview:read) may make links; each only for articles it may read itself. */
async function requirePreviewScope(request: FastifyRequest) {
  const p = request.principal;
  if (!p) throw unauthorized();
  if (p.kind === 'public') throw forbidden('A public read key only reads published content; preview links need "preview:read" or "content:write".');
  if (!p.scopes.includes('content:write') && !p.scopes.includes('preview:read')) {
    throw forbidden('The token lacks the "preview:read" or "content:write" scope.');
  }
}

export default async function previewRoutes(app: App) {
  let secret = app.config.previewSecret;
  if (!secret) {
    secret = randomBytes(32).toString('base64url');
    app.log.warn('PREVIEW_SECRET is not set: preview links are signed with a random key, so they stop working on restart and on other instances.');
  }
  const key = secret;
  const ttlMs = app.config.previewTtlSeconds * 1000;

  app.post(
    '/articles/:id/preview-links',
    {
      onRequest: [requirePreviewScope, secretResponse],
      schema: {
        operationId: 'createArticlePreviewLink',
        summary: 'Make a preview link',
        description:
          'A signed URL that lets a front end read this one article (draft or not) without credentials until expiresAt ' +
          `(PREVIEW_TTL_SECONDS, ${app.config.previewTtlSeconds} s here). Needs content:write, or preview:read for scheduled and embargoed articles. No body.`,
        tags: ['workflow'],
        security: [{ bearerAuth: [] }],
        params: IdParams,
        response: { 201: ItemEnvelope(ref(PreviewLink)), ...problemResponses(400, 401, 403, 404, 414, 500) },
      },
    },
    async (request, reply) => {
      const now = app.now();
      // 404 unless the caller could read the article itself: a preview:read partner cannot mint a link to a draft.
      await getArticle(app.db, request.params.id, { fields: 'id' }, { canReadDrafts: canReadDrafts(request), canPreview: canPreview(request), now });
      // Whole seconds: the token carries the expiry in Unix seconds.
      const expiresAt = new Date(Math.floor((now.getTime() + ttlMs) / 1000) * 1000);
      const token = signPreviewToken(key, request.params.id, expiresAt);
      reply.code(201);
      return { data: { token, url: `${app.config.publicBaseUrl}/v1/preview/${token}`, expiresAt: expiresAt.toISOString() } };
    },
  );

  app.get(
    '/preview/:token',
    {
      schema: {
        operationId: 'getArticlePreview',
        summary: 'Read an article through a preview link',
        description:
          'The article named by the token, whatever its state; `include` and `fields` work as on GET /v1/articles/{id}, and included ' +
          'translations are the published ones only. 401 when the token is invalid, tampered with or expired. Never cached.',
        tags: ['workflow'],
        security: [],
        params: PreviewParams,
        querystring: ArticleReadQuery,
        response: { 200: ItemEnvelope(ref(ArticleListItem)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const now = app.now();
      const check = verifyPreviewToken(key, request.params.token, now);
      if (!check.ok) throw unauthorized(check.reason === 'expired' ? 'The preview link has expired.' : 'The preview link is not valid.');
      // The token grants this article only: its relations are read as the public sees them.
      const { article, row } = await getArticleForPreview(app.db, check.articleId, request.query, { canReadDrafts: false, now });
      reply.header('cache-control', PRIVATE_CACHE_CONTROL).header('content-language', row.locale).header('x-robots-tag', 'noindex');
      return { data: article };
    },
  );
}
