// buildApp: the whole API as a Fastify instance (plugins, error handling, modules); never listens.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import scalar from '@scalar/fastify-api-reference';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { Config } from './config.js';
import { type Database, type Db, openDatabase } from './db/client.js';
import { registerAuth } from './http/auth.js';
import { registerCaching } from './http/caching.js';
import { BODY_VALIDATION, makeAjv, QUERY_VALIDATION } from './http/validation.js';
import { documentIdempotency, registerIdempotency } from './http/idempotency.js';
import { registerResponseCache } from './http/response-cache.js';
import { badRequest } from './http/errors.js';
import { clientErrorProblem, problemBody, problemFromError, sendProblem } from './http/problem.js';
import { sharedSchemas } from './http/schemas.js';
import { articleSchemas } from './modules/articles/schemas.js';
import searchRoutes from './modules/search/routes.js';
import { searchSchemas } from './modules/search/schemas.js';
import { auditSchemas } from './modules/audit/schemas.js';
import { changeSchemas } from './modules/changes/schemas.js';
import { revisionSchemas } from './modules/revisions/schemas.js';
import { authorSchemas } from './modules/authors/schemas.js';
import { categorySchemas } from './modules/categories/schemas.js';
import { siteSchemas } from './modules/site/schemas.js';
import { sourceSchemas } from './modules/sources/schemas.js';
import { tagSchemas } from './modules/tags/schemas.js';
import { authSchemas } from './modules/auth/schemas.js';
import { tokenSchemas } from './modules/tokens/schemas.js';
import { webhookSchemas } from './modules/webhooks/schemas.js';
import { userSchemas } from './modules/users/schemas.js';
import { findTextProblem } from './http/text-guard.js';
import articleRoutes from './modules/articles/routes.js';
import auditRoutes from './modules/audit/routes.js';
import changeRoutes from './modules/changes/routes.js';
import revisionRoutes from './modules/revisions/routes.js';
import relatedRoutes from './modules/articles/related-routes.js';
import feedRoutes from './modules/feeds/routes.js';
import sitemapRoutes from './modules/sitemaps/routes.js';
import { JsonFeed } from './modules/feeds/schemas.js';
import { RelatedArticle } from './modules/articles/related.js';
import previewRoutes from './modules/articles/preview-routes.js';
import workflowRoutes from './modules/articles/workflow-routes.js';
import { workflowSchemas } from './modules/articles/workflow-schemas.js';
import authorRoutes from './modules/authors/routes.js';
import categoryRoutes from './modules/categories/routes.js';
import healthRoutes from './modules/health/routes.js';
import siteRoutes from './modules/site/routes.js';
import sourceRoutes from './modules/sources/routes.js';
import tagRoutes from './modules/tags/routes.js';
import authRoutes from './modules/auth/routes.js';
import tokenRoutes from './modules/tokens/routes.js';
import webhookRoutes from './modules/webhooks/routes.js';
import userRoutes from './modules/users/routes.js';
import { openApiInfo } from './openapi.js';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    /** A read replica (the next in turn) or the primary: use dbFor(request), which picks the right one. */
    readDb: () => Db;
    database: Database;
    config: Config;
    /** The clock used for visibility and timestamps; tests replace it. */
    now: () => Date;
  }
}

export interface BuildOptions {
  config: Config;
  /** An already-open database (tests); otherwise one is opened from config and closed with the app. */
  database?: Database;
  /** pino options or false; tests pass false. */
  logger?: boolean | object;
  /** Clock for visibility checks; tests pass a controllable one. */
  now?: () => Date;
}

/** Credentials never reach the log: pino censors these paths before a line is written. */
const LOG_REDACT = {
  paths: [
    'req.headers.authorization',
    'req.headers.cookie',
    'headers.authorization',
    'headers.cookie',
    'res.headers["set-cookie"]',
    '*.password',
    '*.secret',
    '*.token',
  ],
  censor: '[redacted]',
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Every schema with an $id: validated by reference and published under components.schemas. */
const componentSchemas = [...sharedSchemas, ...siteSchemas, ...categorySchemas, ...tagSchemas, ...authorSchemas, ...sourceSchemas, ...articleSchemas, ...auditSchemas, ...revisionSchemas, RelatedArticle, JsonFeed, ...workflowSchemas, ...userSchemas, ...authSchemas, ...tokenSchemas, ...searchSchemas, ...changeSchemas, ...webhookSchemas];

export async function buildApp(options: BuildOptions): Promise<App> {
  const { config } = options;
  const app = Fastify({
    // Redaction applies whatever logger options the caller passes (tests capture logs with their own stream).
    logger: options.logger === false ? false : { level: config.logLevel, ...(typeof options.logger === 'object' ? options.logger : {}), redact: LOG_REDACT },
    bodyLimit: config.bodyLimit,
    // request.ip (rate limits, login limits, the audit log) is the client's, not the proxy's, behind TRUST_PROXY_HOPS proxies.
    trustProxy: config.trustProxyHops ? (_address: string, hop: number) => hop < config.trustProxyHops : false,
    routerOptions: { maxParamLength: 200 },
    // Requests arriving while closing get a 503 problem from the onRequest hook below instead of Fastify's plain JSON.
    return503OnClosing: false,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Fastify's router fails some requests before any route or hook runs (bad percent-encoding 400,
    // over-long path segment 414); they get problems and a request id too.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      sendProblem(reply, problemFromError(error, request));
    },
    clientErrorHandler: clientErrorProblem,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const bodyAjv = makeAjv(componentSchemas, BODY_VALIDATION);
  const queryAjv = makeAjv(componentSchemas, QUERY_VALIDATION);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? bodyAjv.compile(schema) : queryAjv.compile(schema),
  );
  for (const schema of componentSchemas) app.addSchema(schema);

  const database = options.database ?? (await openDatabase({ url: config.databaseUrl, readUrls: config.databaseReadUrls, directUrl: config.databaseDirectUrl, dataDir: config.dataDir }));
  app.decorate('database', database);
  app.decorate('db', database.db);
  app.decorate('readDb', () => database.readDb());
  app.decorate('config', config);
  app.decorate('now', options.now ?? (() => new Date()));
  if (!options.database) app.addHook('onClose', async () => database.close());

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) {
      reply.header('connection', 'close');
      throw Object.assign(new Error('The server is shutting down.'), { statusCode: 503 });
    }
  });
  // Fastify parses text/plain by default; every body here is JSON, so anything else is a 415.
  app.removeContentTypeParser('text/plain');
  // PostgreSQL cannot store NUL, and lone surrogates are not valid UTF-8: refuse both up front.
  app.addHook('preValidation', async (request) => {
    const problem = findTextProblem(request.body, '/body');
    if (problem) throw badRequest([problem]);
  });

  app.setErrorHandler((error, request, reply) => {
    const body = problemFromError(error, request);
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code, status: body.status }, 'request rejected');
    if (body.status === 429 || body.status === 503) reply.header('retry-after', reply.getHeader('retry-after') ?? '1');
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problemBody(request, 404, 'NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}.`)),
  );

  await app.register(helmet, {
    // The /docs page runs inline scripts; the JSON API itself serves no HTML.
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  await app.register(cors, {
    origin: config.corsOrigins === '*' ? '*' : config.corsOrigins,
    exposedHeaders: ['ETag', 'Link', 'x-request-id', 'Content-Language', 'Last-Modified', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'x-request-id'],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    maxAge: 600,
  });
  await app.register(swagger, {
    openapi: openApiInfo(config),
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    // A module's collection route is '/' under its prefix; the API's URL for it has no trailing slash.
    transform: ({ schema, url, route }) => ({
      schema: documentIdempotency(route.method, schema as Record<string, unknown>) as typeof schema,
      url: url.length > 1 ? url.replace(/\/$/, '') : url,
    }),
  });

  await registerAuth(app);
  registerCaching(app);
  registerIdempotency(app);
  // After auth (its hook serves hits once the caller and rate limits are known) and caching (it stores the final headers).
  if (config.responseCache.maxEntries > 0) registerResponseCache(app);

  await app.register(healthRoutes, { prefix: '/health' });
  await app.register(siteRoutes, { prefix: '/v1/site' });
  await app.register(categoryRoutes, { prefix: '/v1/categories' });
  await app.register(tagRoutes, { prefix: '/v1/tags' });
  await app.register(authorRoutes, { prefix: '/v1/authors' });
  await app.register(sourceRoutes, { prefix: '/v1/sources' });
  await app.register(articleRoutes, { prefix: '/v1/articles' });
  await app.register(revisionRoutes, { prefix: '/v1/articles' });
  await app.register(relatedRoutes, { prefix: '/v1/articles' });
  await app.register(feedRoutes, { prefix: '/v1/feeds' });
  await app.register(sitemapRoutes, { prefix: '/v1/sitemaps' });
  await app.register(changeRoutes, { prefix: '/v1/changes' });
  await app.register(searchRoutes, { prefix: '/v1/search' });
  await app.register(workflowRoutes, { prefix: '/v1/articles' });
  await app.register(previewRoutes, { prefix: '/v1' });
  await app.register(authRoutes, { prefix: '/v1/auth' });
  await app.register(userRoutes, { prefix: '/v1/users' });
  await app.register(tokenRoutes, { prefix: '/v1/tokens' });
  await app.register(webhookRoutes, { prefix: '/v1/webhooks' });
  await app.register(auditRoutes, { prefix: '/v1/audit' });

  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(scalar, { routePrefix: '/docs', configuration: { url: '/v1/openapi.json', title: 'Dateline API' } });

  return app;
}
