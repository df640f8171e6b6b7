// buildApp: the whole API as a Fastify instance (plugins, error handling, modules); never listens.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import scalar from '@scalar/fastify-api-reference';
import { Ajv, type Options as AjvOptions } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { Config } from './config.js';
import { type Database, type Db, openDatabase } from './db/client.js';
import { registerAuth } from './http/auth.js';
import { badRequest } from './http/errors.js';
import { problemBody, problemFromError, sendProblem } from './http/problem.js';
import { sharedSchemas } from './http/schemas.js';
import { siteSchemas } from './modules/site/schemas.js';
import { tagSchemas } from './modules/tags/schemas.js';
import { findTextProblem } from './http/text-guard.js';
import articleRoutes from './modules/articles/routes.js';
import authorRoutes from './modules/authors/routes.js';
import categoryRoutes from './modules/categories/routes.js';
import healthRoutes from './modules/health/routes.js';
import siteRoutes from './modules/site/routes.js';
import sourceRoutes from './modules/sources/routes.js';
import tagRoutes from './modules/tags/routes.js';
import { openApiInfo } from './openapi.js';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
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

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function makeAjv(options: AjvOptions) {
  const ajv = new Ajv({ allErrors: false, strict: false, ...options });
  addFormats.default(ajv);
  for (const schema of componentSchemas) ajv.addSchema(schema);
  return ajv;
}

/** Every schema with an $id: validated by reference and published under components.schemas. */
const componentSchemas = [...sharedSchemas, ...siteSchemas, ...tagSchemas];

export async function buildApp(options: BuildOptions): Promise<App> {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel, redact: ['req.headers.authorization'] },
    bodyLimit: config.bodyLimit,
    maxParamLength: 200,
    return503OnClosing: true,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Fastify's router fails some requests before any route runs; they get problems too.
    frameworkErrors: (error, request, reply) => {
      const status = error.code === 'FST_ERR_BAD_URL' ? 400 : (error.statusCode ?? 400);
      sendProblem(reply, problemBody(request, status, 'BAD_URL', 'The URL is malformed (bad percent-encoding or too long a segment).'));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Bodies are validated strictly (no type coercion, unknown fields rejected by the schemas);
  // query strings and params arrive as text, so they are coerced.
  const bodyAjv = makeAjv({ coerceTypes: false, useDefaults: true, removeAdditional: false });
  const queryAjv = makeAjv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? bodyAjv.compile(schema) : queryAjv.compile(schema),
  );
  for (const schema of componentSchemas) app.addSchema(schema);

  const database = options.database ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }));
  app.decorate('database', database);
  app.decorate('db', database.db);
  app.decorate('config', config);
  app.decorate('now', options.now ?? (() => new Date()));
  if (!options.database) app.addHook('onClose', async () => database.close());

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
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
    exposedHeaders: ['ETag', 'Link', 'x-request-id', 'Content-Language', 'Last-Modified'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'x-request-id'],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    maxAge: 600,
  });
  await app.register(swagger, {
    openapi: openApiInfo(config),
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });

  registerAuth(app);

  await app.register(healthRoutes, { prefix: '/health' });
  await app.register(siteRoutes, { prefix: '/v1/site' });
  await app.register(categoryRoutes, { prefix: '/v1/categories' });
  await app.register(tagRoutes, { prefix: '/v1/tags' });
  await app.register(authorRoutes, { prefix: '/v1/authors' });
  await app.register(sourceRoutes, { prefix: '/v1/sources' });
  await app.register(articleRoutes, { prefix: '/v1/articles' });

  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(scalar, { routePrefix: '/docs', configuration: { url: '/v1/openapi.json', title: 'Dateline API' } });

  return app;
}
