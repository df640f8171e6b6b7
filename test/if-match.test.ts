import t from 'tap';
import { buildTestApp } from './helpers/app.js';

// Categories, tags, authors and sources: ETags carry the row version, and PATCH/DELETE need a current If-Match.
const RESOURCES = [
  { path: '/v1/tags', create: { names: { en: 'Concurrency tag' } }, edit: (s: string) => ({ names: { en: s } }), read: (d: { names: { en: string } }) => d.names.en },
  { path: '/v1/categories', create: { names: { en: 'Concurrency section' } }, edit: (s: string) => ({ names: { en: s } }), read: (d: { names: { en: string } }) => d.names.en },
  { path: '/v1/authors', create: { name: 'Concurrency Writer' }, edit: (s: string) => ({ name: s }), read: (d: { name: string }) => d.name },
  {
    path: '/v1/sources',
    create: { shortName: 'CCY', fullName: 'Concurrency Wire', kind: 'agency' },
    edit: (s: string) => ({ fullName: s }),
    read: (d: { fullName: string }) => d.fullName,
  },
] as const;

t.test('If-Match on categories, tags, authors and sources', async (t) => {
  const { app, auth, tokenWith } = await buildTestApp(t);
  const reader = { authorization: `Bearer ${await tokenWith(['content:read'])}` };
  const auditCount = async (resourceId: string, action: string) =>
    (await app.inject({ url: `/v1/audit?filter[resourceId]=${resourceId}&filter[action]=${action}&meta=total`, headers: auth })).json().meta.total as number;

  for (const r of RESOURCES) {
    const kind = r.path.split('/')[2];
    await t.test(kind, async (t) => {
      const created = await app.inject({ method: 'POST', url: r.path, headers: auth, payload: r.create });
      t.equal(created.statusCode, 201, created.body);
      const id = created.json().data.id as string;
      const url = `${r.path}/${id}`;
      const get = () => app.inject({ url, headers: auth });
      const patch = (headers: Record<string, string>, value: string) => app.inject({ method: 'PATCH', url, headers: { ...auth, ...headers }, payload: r.edit(value) });
      const current = async () => r.read((await get()).json().data as never);

      t.match(created.headers.etag, /^"v1-[A-Za-z0-9_-]+"$/, 'the create response carries the first ETag');
      const read = await get();
      t.match(read.headers.etag, /^"v1-/, 'so does a read');
      t.notOk('version' in read.json().data || 'version' in created.json().data, 'the version travels in the ETag only');
      const anonymous = await app.inject({ url });
      t.match(anonymous.headers.etag, /^"v1-/, 'anonymous reads are versioned too');
      t.notOk('version' in anonymous.json().data);
      t.equal((await app.inject({ url, headers: { ...auth, 'if-none-match': String(read.headers.etag) } })).statusCode, 304);

      const missing = await patch({}, 'No precondition');
      t.equal(missing.statusCode, 428);
      t.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8');
      t.equal(missing.json().code, 'PRECONDITION_REQUIRED');
      t.equal(missing.json().errors[0].pointer, '/headers/if-match');
      const garbage = await patch({ 'if-match': 'last tuesday' }, 'Bad precondition');
      t.equal(garbage.statusCode, 400);
      t.equal(garbage.json().errors[0].pointer, '/headers/if-match');
      const forbidden = await app.inject({ method: 'PATCH', url, headers: reader, payload: r.edit('No scope') });
      t.equal(forbidden.statusCode, 403, 'the scope is checked before the precondition');

      const first = await patch({ 'if-match': String(created.headers.etag) }, 'First edit');
      t.equal(first.statusCode, 200, first.body);
      t.match(first.headers.etag, /^"v2-/, 'a write answers with the next ETag');

      const stale = await patch({ 'if-match': String(created.headers.etag) }, 'Stale edit');
      t.equal(stale.statusCode, 412);
      t.equal(stale.json().code, 'PRECONDITION_FAILED');
      t.equal(stale.json().etag, '"v2"', 'the problem names the current version');
      t.equal(stale.json().errors[0].pointer, '/headers/if-match');
      t.equal(await current(), 'First edit', 'refused writes change nothing');

      const etag = String(first.headers.etag);
      const results = await Promise.all([patch({ 'if-match': etag }, 'Edit A'), patch({ 'if-match': etag }, 'Edit B')]);
      t.same(results.map((x) => x.statusCode).sort(), [200, 412], 'of two edits of the same version exactly one wins');
      const winner = results.find((x) => x.statusCode === 200)!;
      const loser = results.find((x) => x.statusCode === 412)!;
      t.equal(loser.json().etag, '"v3"');
      t.equal(await current(), r.read(winner.json().data), 'the winner is what is stored');
      t.equal(await auditCount(id, `${kind.replace(/ies$/, 'y').replace(/s$/, '')}.update`), 2, 'only the two successful edits are in the audit log');

      const del = (headers: Record<string, string>) => app.inject({ method: 'DELETE', url, headers: { ...auth, ...headers } });
      t.equal((await del({})).statusCode, 428);
      const staleDelete = await del({ 'if-match': etag });
      t.equal(staleDelete.statusCode, 412);
      t.equal(staleDelete.json().etag, '"v3"');
      t.equal((await get()).statusCode, 200, 'still there');
      t.equal((await del({ 'if-match': String(winner.headers.etag) })).statusCode, 204);
      t.equal((await get()).statusCode, 404);
    });
  }
});
