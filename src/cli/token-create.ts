// npm run token:create -- --name NAME --scopes content:read,content:write [--expires-in-days 30]
// Creates an API token and prints its secret once: on stdout alone, so `$(npm run -s token:create -- ...)` captures it.
import { parseArgs } from 'node:util';
import { createToken, SCOPES, type Scope } from '../modules/tokens/service.js';
import { describeTarget, fail, UsageError, withDatabase } from './common.js';

const USAGE = `Usage: npm run token:create -- --name NAME --scopes SCOPE[,SCOPE...] [--expires-in-days DAYS]
Scopes: ${SCOPES.join(', ')} (or "all")`;

function parse(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        name: { type: 'string' },
        scopes: { type: 'string' },
        'expires-in-days': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }

  const name = values.name?.trim();
  if (!name) throw new UsageError(`--name is required.\n${USAGE}`);
  if (name.length > 100 || /[\p{Cc}]/u.test(name)) throw new UsageError('--name must be at most 100 characters, without control characters.');

  if (!values.scopes) throw new UsageError(`--scopes is required.\n${USAGE}`);
  const requested = values.scopes.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = requested.filter((s) => s !== 'all' && !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new UsageError(`Unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Valid scopes: ${SCOPES.join(', ')}.`);
  if (!requested.length) throw new UsageError(`--scopes needs at least one scope.\n${USAGE}`);
  const scopes: Scope[] = requested.includes('all') ? [...SCOPES] : [...new Set(requested as Scope[])];

  let expiresAt: Date | null = null;
  const days = values['expires-in-days'];
  if (days !== undefined) {
    if (!/^[0-9]+$/.test(days) || Number(days) < 1 || Number(days) > 3650) {
      throw new UsageError(`--expires-in-days must be a whole number of days from 1 to 3650, not "${days}".`);
    }
    expiresAt = new Date(Date.now() + Number(days) * 86_400_000);
  }
  return { name, scopes, expiresAt };
}

let input: ReturnType<typeof parse>;
try {
  input = parse(process.argv.slice(2));
} catch (err) {
  fail((err as Error).message);
}

await withDatabase(async (database, config) => {
  const { id, secret } = await createToken(database.db, input);
  process.stderr.write(
    `Created token "${input.name}" (id ${id}) in ${describeTarget(config)}\n` +
      `  scopes:  ${input.scopes.join(', ')}\n` +
      `  expires: ${input.expiresAt ? input.expiresAt.toISOString() : 'never'}\n` +
      `The secret below is shown only this once (only its hash is stored). Send it as "Authorization: Bearer <secret>".\n`,
  );
  process.stdout.write(`${secret}\n`);
});
