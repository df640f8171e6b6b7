// The committed spec's recipe, shared by `npm run openapi:write` and the drift test: the app on an empty
// in-memory PGlite with a fixed config, so the document never depends on the machine or its environment.
import { fileURLToPath } from 'node:url';
import { type App, buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';

export const SPEC_FILE = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url));

/** The app whose /v1/openapi.json is committed; close() also drops its database. */
export async function buildSpecApp(): Promise<{ app: App; close(): Promise<void> }> {
  const database = await openDatabase({});
  const config = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'http://localhost:3000' });
  const app = await buildApp({ config, database, logger: false });
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** The file's exact text: two-space JSON and a trailing newline. */
export const formatSpec = (spec: unknown) => JSON.stringify(spec, null, 2) + '\n';
