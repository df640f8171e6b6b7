// npm run openapi:write — regenerates openapi/openapi.json from the route schemas.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeError, fail } from './common.js';
import { buildSpecApp, formatSpec, SPEC_FILE } from './spec.js';

try {
  const { app, close } = await buildSpecApp();
  const text = formatSpec(app.swagger());
  await close();
  mkdirSync(path.dirname(SPEC_FILE), { recursive: true });
  writeFileSync(SPEC_FILE, text);
  const spec = JSON.parse(text) as { paths: Record<string, object> };
  const operations = Object.values(spec.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  console.log(`Wrote ${path.relative(process.cwd(), SPEC_FILE)}: ${Object.keys(spec.paths).length} paths, ${operations} operations.`);
} catch (err) {
  fail(`Could not write the spec: ${describeError(err)}`);
}
