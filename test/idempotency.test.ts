import t from 'tap';
import { buildTestApp } from './helpers/app.js';

t.test('Idempotency-Key on POST', async (t) => {
  const { app, auth, tokenWith } = await buildTestApp(t);
  const total = async () => (await app.inject({ url: '/v1/articles?meta=total', headers: auth })).json().meta.total as number;
  const post = (key: string, payload: object, headers: Record<string, string> = auth) =>
    app.inject({ method: 'POST', url: '/v1/articles', headers: { ...headers, 'idempotency-key': key }, payload });

  await t.test('a retry replays the first response and writes nothing new', async (t) => {
    const before = await total();
    const first = await post('create-1', { locale: 'en', title: 'Only once' });
    t.equal(first.statusCode, 201);
    const again = await post('create-1', { locale: 'en', title: 'Only once' });
    t.equal(again.statusCode, 201);
    t.equal(again.body, first.body, 'same body');
    t.equal(again.headers.location, first.headers.location, 'same Location');
    t.equal(again.headers['idempotent-replayed'], 'true');
    t.equal(await total(), before + 1, 'one article');
  });

  await t.test('the same key with another body is a 422 and changes nothing', async (t) => {
    const before = await total();
    const res = await post('create-1', { locale: 'en', title: 'Something else' });
    t.equal(res.statusCode, 422);
    t.equal(res.json().code, 'IDEMPOTENCY_KEY_REUSED');
    t.equal(res.json().errors[0].pointer, '/headers/idempotency-key');
    t.equal(await total(), before);
  });

  await t.test('keys belong to one credential', async (t) => {
    const other = await tokenWith(['content:read', 'content:write']);
    const res = await post('create-1', { locale: 'en', title: 'Other caller' }, { authorization: `Bearer ${other}` });
    t.equal(res.statusCode, 201, 'another token may use the same key for its own request');
    t.not(res.json().data.id, undefined);
  });

  await t.test('a key is refused while its first request is still running', async (t) => {
    const [a, b] = await Promise.all([
      post('race-1', { locale: 'en', title: 'Racing request' }),
      post('race-1', { locale: 'en', title: 'Racing request' }),
    ]);
    const statuses = [a.statusCode, b.statusCode].sort();
    // Either the second arrives while the first runs (409), or after it finished (replay).
    t.ok(statuses[0] === 201 && (statuses[1] === 409 || statuses[1] === 201), `statuses ${statuses}`);
    if (statuses[1] === 409) {
      const conflict = a.statusCode === 409 ? a : b;
      t.equal(conflict.json().code, 'IDEMPOTENCY_IN_PROGRESS');
      t.equal(conflict.headers['retry-after'], '1');
    } else {
      t.equal(a.body, b.body);
    }
    t.equal((await app.inject({ url: '/v1/articles?filter[title][contains]=Racing', headers: auth })).json().data.length, 1, 'written once');
  });

  await t.test('failed requests are replayed too, and bad keys are refused', async (t) => {
    const bad = await post('bad-1', { locale: 'en' });
    t.equal(bad.statusCode, 400);
    t.equal((await post('bad-1', { locale: 'en' })).body, bad.body);
    const tooLong = await post('x'.repeat(256), { locale: 'en', title: 'Long key' });
    t.equal(tooLong.statusCode, 400);
    t.equal(tooLong.json().errors[0].pointer, '/headers/idempotency-key');
  });

  await t.test('keys expire after 24 hours', async (t) => {
    const ctx = await buildTestApp(t);
    const first = await ctx.app.inject({ method: 'POST', url: '/v1/articles', headers: { ...ctx.auth, 'idempotency-key': 'day-1' }, payload: { locale: 'en', title: 'Day one' } });
    t.equal(first.statusCode, 201);
    ctx.clock.advance(24 * 3600 * 1000 + 1000);
    const later = await ctx.app.inject({ method: 'POST', url: '/v1/articles', headers: { ...ctx.auth, 'idempotency-key': 'day-1' }, payload: { locale: 'en', title: 'Day one' } });
    t.equal(later.statusCode, 409, 'the key is free again, so the request runs: its slug is now taken');
    t.equal(later.json().errors[0].pointer, '/body/slug');
  });

  await t.test('the spec documents the header on every POST', async (t) => {
    const spec = app.swagger() as unknown as { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; responses: Record<string, unknown> }>> };
    for (const [path, ops] of Object.entries(spec.paths)) {
      const op = ops.post;
      if (!op) continue;
      t.ok(op.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key'), `${path} declares Idempotency-Key`);
      t.ok(op.responses['409'] && op.responses['422'], `${path} declares 409 and 422`);
    }
  });
});
