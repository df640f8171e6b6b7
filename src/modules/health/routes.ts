// Liveness (the process answers) and readiness (the database answers) probes.
import Type from 'typebox';
import type { App } from '../../app.js';
import { problemResponses } from '../../http/schemas.js';

const Health = Type.Object({ status: Type.Literal('ok') });

export default async function healthRoutes(app: App) {
  app.get(
    '/live',
    {
      schema: {
        operationId: 'getLiveness',
        summary: 'The process is up',
        tags: ['health'],
        // 401: a malformed or unknown bearer token is refused on every route, probes included.
        response: { 200: Health, ...problemResponses(400, 401, 500) },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { status: 'ok' as const };
    },
  );
  app.get(
    '/ready',
    {
      schema: {
        operationId: 'getReadiness',
        summary: 'The database answers',
        tags: ['health'],
        response: { 200: Health, ...problemResponses(400, 401, 500, 503) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        await app.database.ping();
      } catch (err) {
        request.log.error({ err }, 'readiness check failed');
        throw Object.assign(new Error('database unavailable'), { statusCode: 503 });
      }
      return { status: 'ok' as const };
    },
  );
}
