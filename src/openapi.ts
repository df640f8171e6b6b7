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
      { name: 'categories', description: 'Sections of the site, as a tree.' },
      { name: 'tags', description: 'Keywords attached to articles.' },
      { name: 'authors', description: 'People credited on articles.' },
      { name: 'sources', description: 'Agencies and outlets an article relies on.' },
      { name: 'site', description: 'Site-wide settings: locales, time zone, footer.' },
      { name: 'health', description: 'Liveness and readiness probes.' },
    ],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http' as const, scheme: 'bearer', description: 'An API token created with `npm run token:create`.' },
      },
    },
  };
}
