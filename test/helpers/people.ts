// Users and logged-in sessions for tests: created through the service, logged in over HTTP.
import type { SQL } from 'drizzle-orm';
import type { App } from '../../src/app.js';
import { systemContext } from '../../src/http/context.js';
import type { Role } from '../../src/modules/tokens/service.js';
import type { UserCreate } from '../../src/modules/users/schemas.js';
import { createUser } from '../../src/modules/users/service.js';

let n = 0;
export const PASSWORD = 'correct horse battery staple';

/** A user with a unique email and PASSWORD, unless told otherwise. */
export async function makeUser(app: App, role: Role, over: Partial<UserCreate> = {}) {
  const i = ++n;
  return createUser(app.db, { email: `user${i}.${role}@example.com`, displayName: `${role} ${i}`, role, password: PASSWORD, ...over }, systemContext(app.now()));
}

/** Logs in over HTTP; remoteAddress varies so tests do not share the per-IP failure budget by accident. */
export async function login(app: App, email: string, password = PASSWORD, remoteAddress = '127.0.0.1') {
  return app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress });
}

/** A new user of this role, logged in: its session token and the header to send it. */
export async function sessionAs(app: App, role: Role, over: Partial<UserCreate> = {}) {
  const user = await makeUser(app, role, over);
  const res = await login(app, user.email);
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const token: string = res.json().data.token;
  return { user, token, auth: { authorization: `Bearer ${token}` } };
}

/** Rows of a raw query, for checks on what was stored (hashes, audit entries). */
export async function rows<T = Record<string, unknown>>(app: App, query: SQL): Promise<T[]> {
  return ((await app.db.execute(query)) as unknown as { rows: T[] }).rows;
}
