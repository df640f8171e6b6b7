// /v1/sitemaps: the index, one article sitemap per month, and the Google News sitemap.
import Type from 'typebox';
import type { App } from '../../app.js';
import { dbFor } from '../../http/read-db.js';
import { NOT_MODIFIED, problemResponses, READ_ERRORS } from '../../http/schemas.js';
import { renderNewsSitemap, renderSitemapIndex, renderUrlSet } from './render.js';
import { listSitemapMonths, loadMonthSitemap, loadNewsSitemap, SITEMAP_PAGE_SIZE } from './service.js';

const tags = ['sitemaps'];
const XML = 'application/xml; charset=utf-8';
const xmlResponse = (what: string, example: string) => ({
  200: { description: what, content: { 'application/xml': { schema: Type.String({ description: `${what} (XML).`, examples: [example] }) } } },
});
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const INDEX_EXAMPLE = `${DECLARATION}
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://api.news.example/v1/sitemaps/news.xml</loc></sitemap>
<sitemap><loc>https://api.news.example/v1/sitemaps/articles/2025-08.xml</loc><lastmod>2025-08-14T12:02:00.000Z</lastmod></sitemap>
</sitemapindex>`;
const MONTH_EXAMPLE = `${DECLARATION}
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
<url><loc>https://news.example/en/world/flood-crest</loc><lastmod>2025-08-14T12:02:00.000Z</lastmod><xhtml:link rel="alternate" hreflang="en" href="https://news.example/en/world/flood-crest"/><xhtml:link rel="alternate" hreflang="zh" href="https://news.example/zh/world/flood-crest-zh"/><xhtml:link rel="alternate" hreflang="x-default" href="https://news.example/en/world/flood-crest"/></url>
</urlset>`;
const NEWS_EXAMPLE = `${DECLARATION}
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/en/world/flood-crest</loc><news:news><news:publication><news:name>Dateline</news:name><news:language>en</news:language></news:publication><news:publication_date>2025-08-14T12:02:00.000Z</news:publication_date><news:title>River towns brace for a record flood crest</news:title></news:news></url>
</urlset>`;
const publicOnly =
  'Lists only what anonymous readers see, whoever asks: no draft, scheduled, embargoed or taken-down article, and no such translation as an alternate. ' +
  'URLs follow FRONTEND_URL_PATTERN.';

const MonthParams = Type.Object(
  {
    year: Type.String({ pattern: '^[1-9][0-9]{3}$', description: 'Four-digit year (UTC).', examples: ['2025'] }),
    month: Type.String({ pattern: '^(0[1-9]|1[0-2])$', description: 'Two-digit month (UTC).', examples: ['08'] }),
  },
  { additionalProperties: false },
);
const PageQuery = Type.Object(
  { page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1, description: `Page of a month with more than ${SITEMAP_PAGE_SIZE} articles; the index lists every page.` })) },
  { additionalProperties: false },
);
const NoQuery = Type.Object({}, { additionalProperties: false });

export default async function sitemapRoutes(app: App) {
  app.get(
    '/index.xml',
    {
      schema: {
        operationId: 'getSitemapIndex',
        summary: 'Sitemap index',
        description: `The news sitemap, then one article sitemap per month (UTC) with public articles, newest month first, with lastmod. ${publicOnly}`,
        tags,
        querystring: NoQuery,
        response: { ...xmlResponse('A sitemap index', INDEX_EXAMPLE), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS) },
      },
    },
    async (request, reply) => {
      const months = await listSitemapMonths(dbFor(request), app.now());
      return reply.header('cache-control', app.config.publicCacheControl).type(XML).send(renderSitemapIndex(app.config.publicBaseUrl, months));
    },
  );

  app.get(
    '/articles/:year-:month.xml',
    {
      schema: {
        operationId: 'getArticleSitemap',
        summary: 'Article sitemap for one month',
        description:
          `Public articles published in that month (UTC), oldest first, ${SITEMAP_PAGE_SIZE} per page, each with lastmod and, when it has public translations, ` +
          `an xhtml:link hreflang alternate for every public version (itself included) plus x-default for the site default locale. 404 for a month or page with none. ${publicOnly}`,
        tags,
        params: MonthParams,
        querystring: PageQuery,
        response: { ...xmlResponse('A sitemap', MONTH_EXAMPLE), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const urls = await loadMonthSitemap(dbFor(request), {
        year: Number(request.params.year),
        month: Number(request.params.month),
        page: request.query.page ?? 1,
        now: app.now(),
        frontendUrlPattern: app.config.frontendUrlPattern,
      });
      return reply.header('cache-control', app.config.publicCacheControl).type(XML).send(renderUrlSet(urls));
    },
  );

  app.get(
    '/news.xml',
    {
      schema: {
        operationId: 'getNewsSitemap',
        summary: 'Google News sitemap',
        description:
          'Public articles published in the last 48 hours, newest first (at most 1,000), with news:publication (site name in the article locale, language), ' +
          `news:publication_date and news:title. ${publicOnly}`,
        tags,
        querystring: NoQuery,
        response: { ...xmlResponse('A Google News sitemap', NEWS_EXAMPLE), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS) },
      },
    },
    async (request, reply) => {
      const urls = await loadNewsSitemap(dbFor(request), app.now(), app.config.frontendUrlPattern);
      return reply.header('cache-control', app.config.publicCacheControl).type(XML).send(renderNewsSitemap(urls));
    },
  );
}
