// The OpenAPI document's header: info, servers, tags, security schemes, and the webhooks Dateline sends.
import type { Config } from './config.js';
import { DELIVERED_TYPES, type DeliveredType, eventPayloadExample, eventPayloadSchema } from './modules/webhooks/schemas.js';

export const API_VERSION = '0.1.0';

export function openApiInfo(config: Config) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Dateline API',
      version: API_VERSION,
      summary: 'Headless CMS for multilingual newsrooms.',
      description:
        'Articles, categories, tags, authors, sources and translations as JSON. ' +
        'Anonymous requests see published content only; writes need `Authorization: Bearer <token>`. ' +
        'Errors are RFC 9457 problem details (`application/problem+json`).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: config.publicBaseUrl }],
    // Any request may carry a token (it then sees drafts); operations that need one override this.
    security: [{}, { bearerAuth: [] }] as Array<Record<string, string[]>>,
    tags: [
      { name: 'articles', description: 'News articles and their translations.' },
      {
        name: 'workflow',
        description:
          'Editorial states and their actions (draft → in_review → scheduled → published → unpublished, plus archived), corrections and preview links.',
      },
      { name: 'revisions', description: 'The history of an article: numbered snapshots, field-level diffs, restore as a new edit.' },
      { name: 'categories', description: 'Sections of the site, as a tree.' },
      { name: 'tags', description: 'Keywords attached to articles.' },
      { name: 'authors', description: 'People credited on articles.' },
      { name: 'sources', description: 'Agencies and outlets an article relies on.' },
      {
        name: 'search',
        description: 'Ranked full-text search of published articles: English stemmed, Vietnamese accent-insensitive, Chinese by character bigrams.',
      },
      { name: 'feeds', description: 'RSS, Atom and JSON Feed of the latest public articles, per locale.' },
      { name: 'changes', description: 'The partner sync feed: every change to public articles, in order, with tombstones.' },
      { name: 'sitemaps', description: 'XML sitemaps for search engines, with hreflang alternates, and a Google News sitemap.' },
      { name: 'site', description: 'Site-wide settings: locales, time zone, footer.' },
      { name: 'auth', description: 'Log in with email and password for a short-lived session token; log out.' },
      { name: 'users', description: 'Newsroom accounts and their roles (admin only).' },
      { name: 'tokens', description: 'API tokens and public read keys (tokens:manage).' },
      {
        name: 'webhooks',
        description:
          'Endpoints that receive signed events when content changes, and their delivery log (webhooks:manage). The events and their payloads are in the webhooks section of this document.',
      },
      { name: 'audit', description: 'The append-only log of every write and login: who, what, when, from where (admin only).' },
      { name: 'health', description: 'Liveness and readiness probes.' },
    ],
    webhooks: webhookEvents(),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http' as const,
          scheme: 'bearer',
          description:
            'An API token (`dl_...`, from `POST /v1/tokens` or `npm run token:create`), a public read key (`dlp_...`), ' +
            'or a session token (`dls_...`) from `POST /v1/auth/login`.',
        },
      },
    },
  };
}

/** The Standard Webhooks headers on every delivery (https://www.standardwebhooks.com). */
const WEBHOOK_HEADERS = [
  {
    in: 'header',
    name: 'webhook-id',
    required: true,
    description: 'The event id, as in the body: the same on every retry and redelivery. Keep the ids you processed and skip repeats (delivery is at least once).',
    schema: { type: 'string', format: 'uuid' },
  },
  {
    in: 'header',
    name: 'webhook-timestamp',
    required: true,
    description: 'Unix time, in seconds, when this attempt was signed. Refuse messages more than a few minutes from your clock: that stops replays.',
    schema: { type: 'string', pattern: '^[0-9]{1,12}$' },
    example: '1755172920',
  },
  {
    in: 'header',
    name: 'webhook-signature',
    required: true,
    description:
      'v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">, keyed with the base64-decoded part of the secret after whsec_. ' +
      'During the grace period after a secret rotation there are two, space-separated (new and old secret): accept the message when any one matches. ' +
      'Compare in constant time, over the raw body as received.',
    schema: { type: 'string', pattern: '^v1,[A-Za-z0-9+/]+={0,2}( v1,[A-Za-z0-9+/]+={0,2})*$' },
    example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  },
];

/** operationId of an event's entry: article.published → articlePublishedEvent. */
const eventOperationId = (type: DeliveredType) => type.replace(/[._*](\w)/g, (_, c: string) => c.toUpperCase()) + 'Event';

/**
 * The OpenAPI 3.1 webhooks section: one entry per event type (and ping), the POST Dateline makes to a subscribed
 * endpoint. @fastify/swagger copies this section as is, so schemas are plain JSON with full $ref paths to the
 * payload components (src/modules/webhooks/schemas.ts).
 */
function webhookEvents() {
  return Object.fromEntries(
    DELIVERED_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: eventOperationId(type),
          summary: type,
          description: (eventPayloadSchema(type) as { description?: string }).description,
          tags: ['webhooks'],
          // Dateline calls the receiver: no bearer token, the webhook-signature header proves the sender.
          security: [],
          parameters: WEBHOOK_HEADERS,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                // JSON round trip: the document gets plain objects, not TypeBox's.
                schema: JSON.parse(JSON.stringify(eventPayloadSchema(type))) as Record<string, unknown>,
                example: eventPayloadExample(type),
              },
            },
          },
          responses: {
            '2XX': {
              description:
                'Received: the delivery is done. Answer within WEBHOOK_TIMEOUT_MS (10 s by default) and do slow work afterwards. Any other answer, a redirect or a timeout is retried with backoff for about a day.',
            },
          },
        },
      },
    ]),
  );
}
