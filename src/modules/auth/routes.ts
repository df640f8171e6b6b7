// /v1/auth: log in with email and password for a short-lived session token; log out.
import type { App } from '../../app.js';
import { secretResponse } from '../../http/auth.js';
import { AppError, forbidden, unauthorized } from '../../http/errors.js';
import { requestContext } from '../../http/context.js';
import { ItemEnvelope, problemResponses, ref, WRITE_ERRORS } from '../../http/schemas.js';
import { LoginRequest, Session } from './schemas.js';
import { login, logout } from './service.js';
import { verifyAgainstDummy } from '../users/passwords.js';

const tags = ['auth'];

export default async function authRoutes(app: App) {
  // The dummy hash for unknown emails is made once; make it before the first login so that one is not slower.
  app.addHook('onReady', async () => {
    await verifyAgainstDummy('warm-up');
  });

  app.post(
    '/login',
    {
      onRequest: secretResponse,
      schema: {
        operationId: 'login',
        summary: 'Log in',
        description:
          'Returns a session token (`Authorization: Bearer dls_...`) valid for SESSION_TTL_MINUTES; its scopes follow the ' +
          'user\'s role. A wrong password, an unknown email and a deactivated account get the same 401. Too many failures ' +
          'for one email (LOGIN_MAX_FAILURES_PER_ACCOUNT) or from one IP (LOGIN_MAX_FAILURES_PER_IP) within ' +
          'LOGIN_FAILURE_WINDOW_MINUTES get a 429 with Retry-After, without checking the password. ' +
          'Idempotency-Key is ignored here: the response holds a secret, which is never stored for replay.',
        tags,
        // No credential needed.
        security: [],
        body: ref(LoginRequest),
        response: { 200: ItemEnvelope(ref(Session)), ...problemResponses(...WRITE_ERRORS.filter((s) => s !== 403), 429) },
      },
    },
    async (request, reply) => {
      try {
        return { data: await login(app.db, request.body, loginOptions(app), requestContext(request, app.now())) };
      } catch (err) {
        if (err instanceof AppError && err.status === 429) reply.header('retry-after', String(err.extra?.retryAfter ?? 1));
        throw err;
      }
    },
  );

  app.post(
    '/logout',
    {
      onRequest: async (request) => {
        if (!request.principal) throw unauthorized();
        if (request.principal.kind !== 'session') {
          throw forbidden('Logout ends a login session; API tokens are revoked with POST /v1/tokens/{id}/revoke.');
        }
      },
      schema: {
        operationId: 'logout',
        summary: 'Log out',
        description: 'Revokes the session whose token authenticates this request; it stops working at once. 403 for API tokens.',
        tags,
        security: [{ bearerAuth: [] }],
        response: { 204: { type: 'null', description: 'Logged out.' }, ...problemResponses(400, 401, 403, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      await logout(app.db, request.principal!.id, requestContext(request, app.now()));
      return reply.code(204).send(null);
    },
  );
}

const loginOptions = (app: App) => ({ limits: app.config.loginLimits, ttlMinutes: app.config.sessionTtlMinutes });
