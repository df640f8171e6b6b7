// /v1/site: the reader view of site settings, and the settings document for editors.
import type { App } from '../../app.js';
import { requireScope } from '../../http/auth.js';
import { requestContext } from '../../http/context.js';
import { dbFor } from '../../http/read-db.js';
import { ItemEnvelope, NOT_MODIFIED, problemResponses, READ_ERRORS, ref, WRITE_ERRORS } from '../../http/schemas.js';
import { listCategoryTree } from '../categories/service.js';
import { SiteQuery, SiteSettings, SiteView } from './schemas.js';
import { getSiteSettings, getSiteView, replaceSiteSettings } from './service.js';
import { surrogateKeys } from '../../http/caching.js';

export default async function siteRoutes(app: App) {
  app.get(
    '/',
    {
      schema: {
        operationId: 'getSite',
        summary: 'Site settings for readers, in one locale',
        description:
          'Name, locales, display time zone, footer contacts, legal links and copyright. `locale` defaults to the site default. ' +
          '`include=navigation` adds the category tree in that locale.',
        tags: ['site'],
        querystring: SiteQuery,
        response: { 200: ItemEnvelope(ref(SiteView)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS) },
      },
    },
    async (request, reply) => {
      const data: SiteView = await getSiteView(dbFor(request), request.query.locale, app.config.frontendUrlPattern);
      reply.header('content-language', data.locale);
      surrogateKeys(reply, ['site', `locale:${data.locale}`]);
      if (request.query.include === 'navigation') {
        data.navigation = (await listCategoryTree(dbFor(request), data.locale)).roots;
        // Categories carry no single modification time to add to the site's, so no Last-Modified: the ETag covers both.
        surrogateKeys(reply, ['categories']);
      } else {
        reply.header('last-modified', new Date(data.updatedAt).toUTCString());
      }
      return { data };
    },
  );

  app.get(
    '/settings',
    {
      onRequest: requireScope('settings:write'),
      schema: {
        operationId: 'getSiteSettings',
        summary: 'The settings document with every locale',
        tags: ['site'],
        security: [{ bearerAuth: [] }],
        response: { 200: ItemEnvelope(ref(SiteSettings)), ...NOT_MODIFIED, ...problemResponses(400, 401, 403, 414, 500) },
      },
    },
    async () => ({ data: (await getSiteSettings(app.db)).settings }),
  );

  app.put(
    '/',
    {
      onRequest: requireScope('settings:write'),
      schema: {
        operationId: 'replaceSiteSettings',
        summary: 'Replace the site settings',
        tags: ['site'],
        security: [{ bearerAuth: [] }],
        body: ref(SiteSettings),
        response: { 200: ItemEnvelope(ref(SiteSettings)), ...problemResponses(...WRITE_ERRORS, 422) },
      },
    },
    async (request) => ({ data: (await replaceSiteSettings(app.db, request.body, requestContext(request, app.now()))).settings }),
  );
}
