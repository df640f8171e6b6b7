// /v1/audit: the append-only log of writes and logins, for admins. There are no write routes, by design.
import type { App } from '../../app.js';
import { requireScope } from '../../http/auth.js';
import { listReply } from '../../http/list.js';
import { ListEnvelope, NOT_MODIFIED, problemResponses, READ_ERRORS, ref } from '../../http/schemas.js';
import { AuditEntry, AuditListQuery } from './schemas.js';
import { listAudit } from './service.js';

export default async function auditRoutes(app: App) {
  app.get(
    '/',
    {
      onRequest: requireScope('users:manage'),
      schema: {
        operationId: 'listAudit',
        summary: 'List audit log entries',
        description:
          'Every write (articles, categories, tags, authors, sources, site settings, users, tokens...) and every login attempt: ' +
          'who (`actor`), what (`action`, `resourceType`, `resourceId`, `details`), when (`at`) and from where (`ip`, `requestId`). ' +
          'Newest first unless `sort=at`. Filters are ANDed. Needs the users:manage scope (admins have it). ' +
          'Entries are written in the same transaction as the change, so a refused or failed write leaves none. ' +
          'Secrets (tokens, passwords) and their hashes are never recorded.',
        tags: ['audit'],
        security: [{ bearerAuth: [] }],
        querystring: AuditListQuery,
        response: { 200: ListEnvelope(ref(AuditEntry)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 403) },
      },
    },
    async (request, reply) => listReply(reply, await listAudit(app.db, request.query, request.url), app.config.publicBaseUrl),
  );
}
