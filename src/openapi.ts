// The OpenAPI document's header: info, servers, tags and security schemes.
import type { Config } from './config.js';

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
      { name: 'audit', description: 'The append-only log of every write and login: who, what, when, from where (admin only).' },
      { name: 'health', description: 'Liveness and readiness probes.' },
    ],
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
