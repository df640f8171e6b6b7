// /v1/feeds/{locale}/rss.xml, atom.xml and feed.json: the latest public articles for readers and partners.
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import type { App } from '../../app.js';
import { NOT_MODIFIED, problemResponses, READ_ERRORS, ref } from '../../http/schemas.js';
import { dbFor } from '../../http/read-db.js';
import { renderAtom, renderJsonFeed, renderRss } from './render.js';
import { FeedParams, FeedQuery, JsonFeed } from './schemas.js';
import { FEED_SIZE, loadFeed } from './service.js';
import { surrogateKeys } from '../../http/caching.js';

const tags = ['feeds'];
const description =
  `The ${FEED_SIZE} newest published articles in {locale}, newest first, optionally of one category (with its subcategories), tag or author ` +
  '(ids or slugs; an unknown one is a 404, an unknown parameter a 400). Only what anonymous readers see, whoever asks: no draft, ' +
  'scheduled or embargoed article. Item links follow FRONTEND_URL_PATTERN; ids are urn:uuid:<article id>.';
const errors = problemResponses(...READ_ERRORS, 404);
const xmlResponse = (mediaType: string, what: string, example: string) => ({
  200: { description: what, content: { [mediaType]: { schema: Type.String({ description: `${what} (XML).`, examples: [example] }) } } },
});
const ITEM_URL = 'https://news.example/en/world/river-towns-brace-for-a-record-flood-crest';
const ITEM_ID = 'urn:uuid:0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d5e';
const RSS_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>Dateline</title>
<link>https://news.example/en/</link>
<description>News from the delta</description>
<language>en</language>
<lastBuildDate>Thu, 14 Aug 2025 12:02:00 GMT</lastBuildDate>
<item>
<title>River towns brace for a record flood crest</title>
<link>${ITEM_URL}</link>
<guid isPermaLink="false">${ITEM_ID}</guid>
<pubDate>Thu, 14 Aug 2025 12:02:00 GMT</pubDate>
<description>Officials opened shelters as the water rose overnight.</description>
</item>
</channel>
</rss>`;
const ATOM_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<id>https://api.news.example/v1/feeds/en/atom.xml</id>
<title>Dateline</title>
<updated>2025-08-14T12:02:00.000Z</updated>
<author><name>Dateline</name></author>
<entry>
<id>${ITEM_ID}</id>
<title>River towns brace for a record flood crest</title>
<link rel="alternate" type="text/html" href="${ITEM_URL}"/>
<published>2025-08-14T12:02:00.000Z</published>
<updated>2025-08-14T12:02:00.000Z</updated>
<summary>Officials opened shelters as the water rose overnight.</summary>
</entry>
</feed>`;

export default async function feedRoutes(app: App) {
  const load = async (request: { params: { locale: string }; query: FeedQuery }, reply: FastifyReply) => {
    // Built for the anonymous reader whatever the caller sent, so a shared cache may keep it.
    reply.header('cache-control', app.config.publicCacheControl).header('content-language', request.params.locale);
    const feed = await loadFeed(dbFor(reply.request), {
      locale: request.params.locale,
      query: request.query,
      now: app.now(),
      publicBaseUrl: app.config.publicBaseUrl,
      frontendUrlPattern: app.config.frontendUrlPattern,
    });
    surrogateKeys(reply, ['articles', 'site', `locale:${feed.locale}`, ...feed.items.map((item) => `article:${item.id}`)]);
    return feed;
  };

  app.get(
    '/:locale/rss.xml',
    {
      schema: {
        operationId: 'getRssFeed',
        summary: 'RSS 2.0 feed',
        description,
        tags,
        params: FeedParams,
        querystring: FeedQuery,
        response: { ...xmlResponse('application/rss+xml', 'An RSS 2.0 document', RSS_EXAMPLE), ...NOT_MODIFIED, ...errors },
      },
    },
    async (request, reply) => {
      const feed = await load(request, reply);
      return reply.type('application/rss+xml; charset=utf-8').send(renderRss(feed));
    },
  );

  app.get(
    '/:locale/atom.xml',
    {
      schema: {
        operationId: 'getAtomFeed',
        summary: 'Atom 1.0 feed',
        description,
        tags,
        params: FeedParams,
        querystring: FeedQuery,
        response: { ...xmlResponse('application/atom+xml', 'An Atom 1.0 document (RFC 4287)', ATOM_EXAMPLE), ...NOT_MODIFIED, ...errors },
      },
    },
    async (request, reply) => {
      const feed = await load(request, reply);
      return reply.type('application/atom+xml; charset=utf-8').send(renderAtom(feed));
    },
  );

  app.get(
    '/:locale/feed.json',
    {
      schema: {
        operationId: 'getJsonFeed',
        summary: 'JSON Feed 1.1',
        description,
        tags,
        params: FeedParams,
        querystring: FeedQuery,
        response: {
          200: { description: 'A JSON Feed 1.1 document.', content: { 'application/feed+json': { schema: ref(JsonFeed) } } },
          ...NOT_MODIFIED,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const feed = await load(request, reply);
      return reply.type('application/feed+json; charset=utf-8').send(renderJsonFeed(feed));
    },
  );
}
