// The Dateline API client: openapi-fetch over the types generated from openapi/openapi.json (src/schema.ts).
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths };
export type Schemas = components['schemas'];
export type Article = Schemas['Article'];
export type ArticleListItem = Schemas['ArticleListItem'];
export type ArticleCreate = Schemas['ArticleCreate'];
export type Problem = Schemas['Problem'];

/**
 * The media types the client's answers are typed with: the JSON envelope and problem documents. Single-article
 * reads can also answer JSON-LD or ninjs (?format=); feeds and sitemaps are XML: read those with `parseAs: 'text'`.
 */
export type JsonMedia = 'application/json' | 'application/problem+json';

export type DatelineClient = Client<paths, JsonMedia>;

export interface ClientOptions {
  /** Where the API answers, e.g. https://api.example.com (paths start with /v1). */
  baseUrl: string;
  /** An API token (dl_...) or a login session token; sent as a Bearer token. Leave it out for public reads. */
  token?: string;
  /** Another fetch, e.g. one with retries or a test double of the network. */
  fetch?: typeof fetch;
}

/** A client whose paths, parameters, bodies and answers are typed from the spec. */
export function createDatelineClient(options: ClientOptions): DatelineClient {
  return createClient<paths, JsonMedia>({
    baseUrl: options.baseUrl,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : undefined,
    fetch: options.fetch,
  });
}
