// The `dateline` admin command, run as a user runs it (a child process) against a database of its own:
// a PGlite data directory, or a throwaway PostgreSQL database when TEST_DATABASE_URL is set.
import t from 'tap';
import { authenticateToken } from '../src/modules/tokens/service.js';
import { cliDatabase } from './helpers/cli.js';

t.test('dateline CLI', async (t) => {
  const { run, inspect } = await cliDatabase(t);

  const migrated = await run(['migrate']);
  t.equal(migrated.code, 0, migrated.stderr);
  t.match(migrated.stdout, /Migrations are up to date/);

  const badScope = await run(['token', 'create', '--name', 'ci', '--scopes', 'content:read,nope']);
  t.equal(badScope.code, 1);
  t.match(badScope.stderr, /^Unknown scope: nope\. Valid scopes: content:read/);
  t.equal(badScope.stdout, '', 'nothing on stdout');

  const created = await run(['token', 'create', '--name', 'ci', '--scopes', 'content:read,content:write']);
  t.equal(created.code, 0, created.stderr);
  const secret = created.stdout.trim();
  t.match(created.stdout, /^dl_\S+\n$/, 'the secret alone on stdout, for $(dateline token create ...)');
  t.match(created.stderr, /scopes: {2}content:read, content:write/);

  const shortPassword = await run(['user', 'create', '--email', 'lan@example.com', '--name', 'Lan Pham', '--role', 'editor', '--password-stdin'], 'short\n');
  t.equal(shortPassword.code, 1);
  t.match(shortPassword.stderr, /password must be 12 to 256 characters/);
  const user = await run(['user', 'create', '--email', 'Lan@Example.com', '--name', 'Lan Pham', '--role', 'editor', '--password-stdin'], 'correct horse battery staple\n');
  t.equal(user.code, 0, user.stderr);
  t.match(user.stderr, /Created editor lan@example\.com/);
  t.equal(user.stdout, '', 'a password from stdin is not printed');
  const again = await run(['user', 'create', '--email', 'lan@example.com', '--name', 'Lan', '--role', 'author']);
  t.equal(again.code, 1);
  t.match(again.stderr, /already exists/);

  const listed = await run(['token', 'list']);
  t.equal(listed.code, 0, listed.stderr);
  const rows = listed.stdout.trim().split('\n').map((line) => line.split('\t'));
  t.same(rows[0].slice(0, 4), ['id', 'name', 'kind', 'scopes']);
  t.same(rows.slice(1).map((r) => [r[1], r[2], r[3]]), [['ci', 'api', 'content:read,content:write']], 'the refused token was never created');
  t.ok(await inspect((d) => authenticateToken(d.db, secret)), 'the printed secret authenticates');

  const revoked = await run(['token', 'revoke', rows[1][0]]);
  t.equal(revoked.code, 0, revoked.stderr);
  t.equal(await inspect((d) => authenticateToken(d.db, secret)), null, 'a revoked token stops working');
  t.equal((await run(['token', 'list'])).stdout.trim().split('\n').length, 1, 'only the header: revoked tokens are hidden');
  t.match((await run(['token', 'list', '--all'])).stdout, /\tci\tapi\t/);

  const seeded = await run(['seed', 'demo']);
  t.equal(seeded.code, 0, seeded.stderr);
  t.match(seeded.stdout, /Demo content added/);
  t.match((await run(['seed', 'demo'])).stdout, /Nothing seeded/, 'seeding twice adds nothing');

  const unknown = await run(['frobnicate']);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /Unknown command "frobnicate"/);
  t.match((await run(['help'])).stdout, /^Usage: dateline <command>/);
});
