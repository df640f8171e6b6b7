import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { EVENT_TYPES, emitEvent, type EventType } from '../src/modules/webhooks/outbox.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';
import { rows, sessionAs } from './helpers/people.js';

// example.com's address: a public IP literal passes the SSRF check without asking DNS (tests may run offline).
const TARGET = 'https://93.184.215.14/dateline-hook';
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

interface EndpointRow {
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | string | null;
  version: number;
}

t.test('webhooks management API', async (t) => {
  // Private targets refused, as in production; the worker is not part of buildApp, so deliveries stay as the tests leave them.
  const { app, auth, clock, tokenWith, logs } = await buildTestApp(t, {}, { captureLogs: true });
  const f = factories(app.db);

  const create = (body: object, headers: Record<string, string> = auth) => app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload: body });
  const get = (id: string) => app.inject({ url: `/v1/webhooks/${id}`, headers: auth });
  const endpoint = async (body: object = {}) => {
    const res = await create({ url: TARGET, events: ['tag.*'], ...body });
    if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
    return res.json().data as { id: string; secret: string; [k: string]: unknown };
  };
  const stored = async (id: string) =>
    (await rows<EndpointRow>(app, sql`SELECT secret, previous_secret, previous_secret_expires_at, version FROM webhook_endpoints WHERE id = ${id}`))[0];
  const countEndpoints = async () => (await rows<{ n: number }>(app, sql`SELECT count(*)::int AS n FROM webhook_endpoints`))[0].n;
  const emit = (type: EventType, data: Record<string, unknown>, orderingKey: string, at: Date = clock.now) =>
    app.db.transaction((tx) => emitEvent(tx, { type, data, orderingKey }, at));
  const deliveriesOf = (endpointId: string) =>
    rows<{ id: string; event_id: string; ordering_key: string; status: string }>(
      app,
      sql`SELECT id, event_id, ordering_key, status FROM webhook_deliveries WHERE endpoint_id = ${endpointId} ORDER BY seq`,
    );

  await t.test('the secret is shown once, at creation; lists, reads, the audit log and the log never show it', async (t) => {
    const res = await create(
      { url: TARGET, description: 'Front end rebuild', events: ['article.published', 'tag.*'], locales: ['en'] },
      { ...auth, 'idempotency-key': 'create-webhook-1' },
    );
    t.equal(res.statusCode, 201);
    const hook = res.json().data;
    t.match(hook.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    t.match(hook, {
      url: TARGET,
      description: 'Front end rebuild',
      events: ['article.published', 'tag.*'],
      locales: ['en'],
      categoryIds: null,
      active: true,
      disabledAt: null,
      disabledReason: null,
      consecutiveFailures: 0,
      secretRotatedAt: null,
      previousSecretExpiresAt: null,
      deliveries: { pending: 0, failed: 0 },
    });
    t.equal(res.headers.location, `/v1/webhooks/${hook.id}`);
    t.match(res.headers.etag, /^"v1-/);
    t.equal(res.headers['cache-control'], 'private, no-store');
    t.equal((await stored(hook.id)).secret, hook.secret, 'the secret the response showed is the one that signs');

    const list = await app.inject({ url: '/v1/webhooks', headers: auth });
    const one = await get(hook.id);
    for (const r of [list, one]) {
      t.equal(r.statusCode, 200);
      t.equal(r.headers['cache-control'], 'private, no-store');
      t.notOk(r.body.includes(hook.secret), 'no secret');
      t.notMatch(r.body, /"secret"|previousSecret"/);
    }
    t.ok(list.json().data.some((x: { id: string }) => x.id === hook.id));
    const { secret: _secret, ...withoutSecret } = hook;
    t.same(one.json().data, withoutSecret);

    const audit = JSON.stringify(await rows(app, sql`SELECT * FROM audit_log WHERE resource_id = ${hook.id}`));
    t.match(audit, /webhook\.create/);
    t.notOk(audit.includes(hook.secret), 'not in the audit log');
    const idem = JSON.stringify(await rows(app, sql`SELECT * FROM idempotency_keys`));
    t.notOk(idem.includes(hook.secret), 'not stored for an Idempotency-Key replay');
    const again = await create({ url: TARGET, description: 'Front end rebuild', events: ['article.published', 'tag.*'], locales: ['en'] }, { ...auth, 'idempotency-key': 'create-webhook-1' });
    t.equal(again.statusCode, 201);
    t.not(again.json().data.id, hook.id, 'the key is ignored: a second endpoint, with its own secret');

    // A careless log line with the created endpoint in it: pino's redaction covers the secret field.
    app.log.info({ data: hook }, 'webhook probe');
    const text = logs.join('');
    t.match(text, /webhook probe/, 'the log was captured');
    t.notOk(text.includes(hook.secret), 'not in the log');
    t.notOk(text.includes(again.json().data.secret), 'not in the log');
  });

  await t.test('bad input is refused with a pointer and changes nothing', async (t) => {
    const category = await f.category();
    const before = await countEndpoints();
    const cases: Array<[string, object, number, string, RegExp?]> = [
      ['ftp scheme', { url: 'ftp://93.184.215.14/hook', events: ['*'] }, 400, '/body/url'],
      ['no host', { url: 'https://', events: ['*'] }, 422, '/body/url', /not a valid URL/],
      ['credentials in the URL', { url: 'https://user:pw@93.184.215.14/hook', events: ['*'] }, 422, '/body/url', /user name or password/],
      ['loopback target', { url: 'http://127.0.0.1:8080/hook', events: ['*'] }, 422, '/body/url', /loopback/],
      ['private target', { url: 'http://10.1.2.3/hook', events: ['*'] }, 422, '/body/url', /private/],
      ['metadata service', { url: 'http://169.254.169.254/latest/meta-data', events: ['*'] }, 422, '/body/url', /link-local/],
      ['unknown event', { url: TARGET, events: ['article.published', 'tag.*', 'article.exploded'] }, 400, '/body/events/2', /must be one of/],
      ['no events', { url: TARGET, events: [] }, 400, '/body/events'],
      ['no events field', { url: TARGET }, 400, '/body/events'],
      ['the same event twice', { url: TARGET, events: ['tag.*', 'tag.*'] }, 400, '/body/events'],
      ['unknown category', { url: TARGET, events: ['*'], categoryIds: [category.id, randomUUID()] }, 422, '/body/categoryIds/1'],
      ['not a site locale', { url: TARGET, events: ['*'], locales: ['en', 'fr'] }, 422, '/body/locales/1', /site locale/],
      ['empty locale list', { url: TARGET, events: ['*'], locales: [] }, 400, '/body/locales'],
      ['a secret of its own', { url: TARGET, events: ['*'], secret: 'whsec_mine' }, 400, '/body/secret'],
    ];
    for (const [label, body, status, pointer, detail] of cases) {
      const res = await create(body);
      t.equal(res.statusCode, status, label);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', label);
      t.equal(res.json().errors?.[0]?.pointer, pointer, label);
      if (detail) t.match(res.json().errors[0].detail, detail, label);
    }
    t.equal(await countEndpoints(), before, 'nothing created');

    const ok = await create({ url: TARGET, events: ['article.*'], categoryIds: [category.id], locales: ['en'] });
    t.equal(ok.statusCode, 201, 'existing categories and site locales are accepted');
    t.same(ok.json().data.categoryIds, [category.id]);
  });

  await t.test('401 without a credential, 403 without webhooks:manage, on every route', async (t) => {
    const hook = await endpoint();
    await emit('tag.updated', { id: randomUUID(), slug: 'x', version: 2 }, 'tag:x');
    const [delivery] = await deliveriesOf(hook.id);
    const base = `/v1/webhooks/${hook.id}`;
    const routes: Array<['GET' | 'POST' | 'PATCH' | 'DELETE', string, object?]> = [
      ['GET', '/v1/webhooks'],
      ['POST', '/v1/webhooks', { url: TARGET, events: ['*'] }],
      ['GET', base],
      ['PATCH', base, { active: false }],
      ['DELETE', base],
      ['POST', `${base}/rotate-secret`, {}],
      ['POST', `${base}/test`],
      ['GET', `${base}/deliveries`],
      ['GET', `${base}/deliveries/${delivery.id}`],
      ['POST', `${base}/deliveries/${delivery.id}/redeliver`],
    ];
    const other = await tokenWith(['content:write', 'content:publish', 'settings:write', 'tokens:manage']);
    const editor = await sessionAs(app, 'editor');
    for (const [method, url, payload] of routes) {
      const anonymous = await app.inject({ method, url, payload });
      t.equal(anonymous.statusCode, 401, `${method} ${url} anonymous`);
      const scoped = await app.inject({ method, url, payload, headers: bearer(other) });
      t.equal(scoped.statusCode, 403, `${method} ${url} without the scope`);
      t.match(scoped.json().detail, /webhooks:manage/);
      t.equal((await app.inject({ method, url, payload, headers: editor.auth })).statusCode, 403, `${method} ${url} editor`);
    }
    t.ok(await stored(hook.id), 'still there');
    t.equal((await stored(hook.id)).secret, hook.secret, 'secret unchanged');
  });

  await t.test('PATCH and DELETE need If-Match: 428 without it, 412 when stale', async (t) => {
    const hook = await endpoint({ description: 'Before' });
    const url = `/v1/webhooks/${hook.id}`;
    const etag = String((await get(hook.id)).headers.etag);
    const patch = (payload: object, headers: Record<string, string>) => app.inject({ method: 'PATCH', url, headers: { ...auth, ...headers }, payload });

    const missing = await patch({ description: 'After' }, {});
    t.equal(missing.statusCode, 428);
    t.equal(missing.json().errors[0].pointer, '/headers/if-match');
    const ok = await patch({ description: 'After', events: ['article.*', 'site.updated'], locales: null }, { 'if-match': etag });
    t.equal(ok.statusCode, 200);
    t.match(ok.json().data, { description: 'After', events: ['article.*', 'site.updated'], locales: null });
    t.match(ok.headers.etag, /^"v2-/);
    const stale = await patch({ description: 'Lost update' }, { 'if-match': etag });
    t.equal(stale.statusCode, 412);
    t.equal(stale.json().code, 'PRECONDITION_FAILED');
    t.equal((await get(hook.id)).json().data.description, 'After');

    const fresh = String(ok.headers.etag);
    t.equal((await patch({}, { 'if-match': fresh })).statusCode, 400, 'an empty patch');
    const privateUrl = await patch({ url: 'http://192.168.1.10/hook' }, { 'if-match': fresh });
    t.equal(privateUrl.statusCode, 422);
    t.equal(privateUrl.json().errors[0].pointer, '/body/url');
    t.equal((await get(hook.id)).json().data.url, TARGET, 'url unchanged');
    const moved = await patch({ url: 'https://93.184.215.14/other-path' }, { 'if-match': fresh });
    t.equal(moved.statusCode, 200);
    t.equal(moved.json().data.url, 'https://93.184.215.14/other-path');

    // A delivery, to see it go with the endpoint.
    await emit('site.updated', { updatedAt: clock.now.toISOString() }, 'site');
    t.equal((await deliveriesOf(hook.id)).length, 1);
    const del = (headers: Record<string, string>) => app.inject({ method: 'DELETE', url, headers: { ...auth, ...headers } });
    t.equal((await del({})).statusCode, 428);
    t.equal((await del({ 'if-match': fresh })).statusCode, 412);
    t.equal((await del({ 'if-match': String(moved.headers.etag) })).statusCode, 204);
    t.equal((await get(hook.id)).statusCode, 404);
    t.equal((await deliveriesOf(hook.id)).length, 0, 'its deliveries went with it');
    t.equal((await del({ 'if-match': String(moved.headers.etag) })).statusCode, 404);
    const audit = await rows<{ action: string; details: unknown }>(app, sql`SELECT action, details FROM audit_log WHERE resource_id = ${hook.id} ORDER BY id`);
    t.same(audit.map((a) => a.action), ['webhook.create', 'webhook.update', 'webhook.update', 'webhook.delete']);
  });

  await t.test('active: true re-enables an endpoint that was disabled after failures', async (t) => {
    const hook = await endpoint({ events: ['tag.updated'] });
    await app.db.execute(
      sql`UPDATE webhook_endpoints SET disabled_at = ${clock.now.toISOString()}, disabled_reason = 'HTTP 500, 11 times', consecutive_failures = 50 WHERE id = ${hook.id}`,
    );
    const disabled = await get(hook.id);
    t.match(disabled.json().data, { active: true, disabledAt: clock.now.toISOString(), disabledReason: 'HTTP 500, 11 times', consecutiveFailures: 50 });
    t.equal((await app.inject({ url: '/v1/webhooks?filter[disabled]=true', headers: auth })).json().data.map((w: { id: string }) => w.id).includes(hook.id), true);
    await emit('tag.updated', { id: randomUUID(), slug: 'a', version: 2 }, 'tag:a');
    t.equal((await deliveriesOf(hook.id)).length, 0, 'a disabled endpoint gets nothing new');

    const res = await app.inject({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, headers: { ...auth, 'if-match': String(disabled.headers.etag) }, payload: { active: true } });
    t.equal(res.statusCode, 200);
    t.match(res.json().data, { active: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0 });
    await emit('tag.updated', { id: randomUUID(), slug: 'b', version: 2 }, 'tag:b');
    t.equal((await deliveriesOf(hook.id)).length, 1, 'events flow again');
    const [audit] = await rows<{ details: { reenabled?: boolean } }>(app, sql`SELECT details FROM audit_log WHERE resource_id = ${hook.id} AND action = 'webhook.update'`);
    t.equal(audit.details.reenabled, true);

    const off = await app.inject({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, headers: { ...auth, 'if-match': String(res.headers.etag) }, payload: { active: false } });
    t.equal(off.json().data.active, false);
    await emit('tag.updated', { id: randomUUID(), slug: 'c', version: 2 }, 'tag:c');
    t.equal((await deliveriesOf(hook.id)).length, 1, 'an inactive endpoint gets nothing new');
    t.ok((await app.inject({ url: '/v1/webhooks?filter[active]=false', headers: auth })).json().data.some((w: { id: string }) => w.id === hook.id));
  });

  await t.test('rotating the secret returns a new one and keeps the old one for the grace period', async (t) => {
    const hook = await endpoint();
    const rotate = (payload?: object, id = hook.id) => app.inject({ method: 'POST', url: `/v1/webhooks/${id}/rotate-secret`, headers: auth, payload });

    const first = await rotate({ gracePeriodHours: 2 });
    t.equal(first.statusCode, 200);
    const data = first.json().data;
    t.match(data.secret, /^whsec_/);
    t.not(data.secret, hook.secret);
    t.equal(data.secretRotatedAt, clock.now.toISOString());
    const expires = new Date(clock.now.getTime() + 2 * 3_600_000).toISOString();
    t.equal(data.previousSecretExpiresAt, expires);
    let row = await stored(hook.id);
    t.equal(row.secret, data.secret);
    t.equal(row.previous_secret, hook.secret, 'the old secret still signs');
    t.equal(new Date(row.previous_secret_expires_at!).toISOString(), expires);
    const read = await get(hook.id);
    t.match(read.json().data, { secretRotatedAt: clock.now.toISOString(), previousSecretExpiresAt: expires });
    t.notOk(read.body.includes(data.secret) || read.body.includes(hook.secret), 'reads show neither secret');

    clock.advance(60_000);
    const second = await rotate(); // no body: 24 hours
    t.equal(second.statusCode, 200);
    row = await stored(hook.id);
    t.equal(row.previous_secret, data.secret, 'the secret it replaced, not the first one');
    t.equal(new Date(row.previous_secret_expires_at!).toISOString(), new Date(clock.now.getTime() + 24 * 3_600_000).toISOString());
    t.equal(second.json().data.secretRotatedAt, clock.now.toISOString());

    const third = await rotate({ gracePeriodHours: 0 });
    t.equal(third.statusCode, 200);
    t.equal(third.json().data.previousSecretExpiresAt, null);
    row = await stored(hook.id);
    t.equal(row.secret, third.json().data.secret);
    t.equal(row.previous_secret, null, 'grace 0: the old secret stops at once');

    t.equal((await rotate({ gracePeriodHours: 169 })).statusCode, 400);
    t.equal((await rotate({ gracePeriodHours: -1 })).statusCode, 400);
    t.equal((await rotate({}, randomUUID())).statusCode, 404);

    const audit = JSON.stringify(await rows(app, sql`SELECT * FROM audit_log WHERE resource_id = ${hook.id}`));
    t.equal((audit.match(/webhook\.rotate_secret/g) ?? []).length, 3);
    for (const s of [hook.secret, data.secret, second.json().data.secret, third.json().data.secret]) {
      t.notOk(audit.includes(s), 'no secret in the audit log');
      t.notOk(logs.join('').includes(s), 'no secret in the log');
    }
  });

  await t.test('the delivery log: newest first, filters, the payload as sent, redelivery', async (t) => {
    const hook = await endpoint({ events: ['tag.*'] });
    const other = await endpoint({ events: ['tag.*'] });
    const tagId = randomUUID();
    const start = clock.now.getTime();
    const at = (s: number) => new Date(start + s * 1000);
    await emit('tag.created', { id: tagId, slug: 'climate', version: 1 }, `tag:${tagId}`, at(1));
    await emit('tag.updated', { id: tagId, slug: 'climate', version: 2 }, `tag:${tagId}`, at(2));
    await emit('tag.deleted', { id: tagId, slug: 'climate', version: 2 }, `tag:${tagId}`, at(3));
    const [created, updated, deleted] = await deliveriesOf(hook.id);
    await app.db.execute(sql`UPDATE webhook_deliveries SET status = 'failed', attempts = 11, response_status = 500, response_body = 'boom',
      latency_ms = 35, last_error = 'HTTP 500', last_attempt_at = ${at(100).toISOString()} WHERE id = ${created.id}`);
    await app.db.execute(sql`UPDATE webhook_deliveries SET status = 'succeeded', attempts = 1, response_status = 204, latency_ms = 12,
      last_attempt_at = ${at(4).toISOString()}, delivered_at = ${at(4).toISOString()} WHERE id = ${updated.id}`);
    clock.set(at(200));

    const list = await app.inject({ url: `/v1/webhooks/${hook.id}/deliveries`, headers: auth });
    t.equal(list.statusCode, 200);
    const items = list.json().data;
    t.same(items.map((d: { id: string }) => d.id), [deleted.id, updated.id, created.id], 'newest first');
    t.same(items.map((d: { eventType: string }) => d.eventType), ['tag.deleted', 'tag.updated', 'tag.created']);
    t.match(items[0], { status: 'pending', attempts: 0, nextAttemptAt: at(3).toISOString(), lastAttemptAt: null, deliveredAt: null, responseStatus: null });
    t.match(items[1], { status: 'succeeded', attempts: 1, responseStatus: 204, latencyMs: 12, nextAttemptAt: null, deliveredAt: at(4).toISOString() });
    t.match(items[2], { status: 'failed', attempts: 11, responseStatus: 500, responseBody: 'boom', lastError: 'HTTP 500', nextAttemptAt: null });
    t.same(Object.keys(items[0]).sort(), [
      'attempts', 'createdAt', 'deliveredAt', 'eventId', 'eventType', 'id', 'lastAttemptAt', 'lastError', 'latencyMs', 'nextAttemptAt', 'responseBody', 'responseStatus', 'status',
    ]);

    const failed = await app.inject({ url: `/v1/webhooks/${hook.id}/deliveries?filter[status]=failed`, headers: auth });
    t.same(failed.json().data.map((d: { id: string }) => d.id), [created.id]);
    const byType = await app.inject({ url: `/v1/webhooks/${hook.id}/deliveries?filter[eventType]=tag.updated`, headers: auth });
    t.same(byType.json().data.map((d: { id: string }) => d.id), [updated.id]);
    const bad = await app.inject({ url: `/v1/webhooks/${hook.id}/deliveries?filter[status]=lost`, headers: auth });
    t.equal(bad.statusCode, 400);
    t.equal(bad.json().errors[0].pointer, '/query/filter[status]');
    t.equal((await app.inject({ url: `/v1/webhooks/${randomUUID()}/deliveries`, headers: auth })).statusCode, 404);

    const page1 = await app.inject({ url: `/v1/webhooks/${hook.id}/deliveries?page[size]=2`, headers: auth });
    t.equal(page1.json().data.length, 2);
    const next = page1.json().links.next as string;
    t.ok(next, 'a next link');
    const page2 = await app.inject({ url: next, headers: auth });
    t.same(page2.json().data.map((d: { id: string }) => d.id), [created.id]);

    const detail = await app.inject({ url: `/v1/webhooks/${hook.id}/deliveries/${created.id}`, headers: auth });
    t.equal(detail.statusCode, 200);
    t.same(detail.json().data.event, { id: created.event_id, type: 'tag.created', timestamp: at(1).toISOString(), data: { id: tagId, slug: 'climate', version: 1 } });
    const [otherDelivery] = await deliveriesOf(other.id);
    t.equal((await app.inject({ url: `/v1/webhooks/${hook.id}/deliveries/${otherDelivery.id}`, headers: auth })).statusCode, 404, "another endpoint's delivery");

    t.same((await get(hook.id)).json().data.deliveries, { pending: 1, failed: 1 });

    const redeliver = (id: string) => app.inject({ method: 'POST', url: `/v1/webhooks/${hook.id}/deliveries/${id}/redeliver`, headers: auth });
    const again = await redeliver(created.id);
    t.equal(again.statusCode, 202);
    t.match(again.json().data, { id: created.id, status: 'pending', attempts: 0, nextAttemptAt: clock.now.toISOString(), lastError: 'HTTP 500', responseStatus: 500 });
    t.same((await get(hook.id)).json().data.deliveries, { pending: 2, failed: 0 });
    const [redelivered] = await rows<{ lease_until: unknown; next_attempt_at: Date | string }>(
      app,
      sql`SELECT lease_until, next_attempt_at FROM webhook_deliveries WHERE id = ${created.id}`,
    );
    t.equal(new Date(redelivered.next_attempt_at).toISOString(), clock.now.toISOString());
    t.equal((await redeliver(updated.id)).statusCode, 202, 'a succeeded delivery can be sent again');

    await app.db.execute(sql`UPDATE webhook_deliveries SET status = 'delivering', lease_until = ${at(260).toISOString()} WHERE id = ${deleted.id}`);
    const busy = await redeliver(deleted.id);
    t.equal(busy.statusCode, 409);
    t.equal(busy.json().code, 'CONFLICT');
    t.equal((await redeliver(otherDelivery.id)).statusCode, 404);
    const audit = await rows<{ details: { deliveryId: string } }>(app, sql`SELECT details FROM audit_log WHERE resource_id = ${hook.id} AND action = 'webhook.redeliver' ORDER BY id`);
    t.same(audit.map((a) => a.details.deliveryId), [created.id, updated.id]);
  });

  await t.test('a test ping makes exactly one delivery, for this endpoint only', async (t) => {
    const hook = await endpoint({ events: ['source.deleted'] });
    const bystander = await endpoint({ events: ['*'] });
    const before = await deliveriesOf(bystander.id);
    const res = await app.inject({ method: 'POST', url: `/v1/webhooks/${hook.id}/test`, headers: auth });
    t.equal(res.statusCode, 202);
    const delivery = res.json().data;
    t.match(delivery, { eventType: 'ping', status: 'pending', attempts: 0, nextAttemptAt: clock.now.toISOString() });
    t.equal(res.headers.location, `/v1/webhooks/${hook.id}/deliveries/${delivery.id}`);
    const mine = await deliveriesOf(hook.id);
    t.same(mine.map((d) => d.id), [delivery.id]);
    t.equal(mine[0].ordering_key, `ping:${hook.id}`);
    t.same(await deliveriesOf(bystander.id), before, 'an endpoint subscribed to * gets nothing');
    const perEvent = await rows<{ n: number }>(app, sql`SELECT count(*)::int AS n FROM webhook_deliveries WHERE event_id = ${delivery.eventId}`);
    t.equal(perEvent[0].n, 1);
    const detail = await app.inject({ url: `/v1/webhooks/${hook.id}/deliveries/${delivery.id}`, headers: auth });
    t.match(detail.json().data.event, { id: delivery.eventId, type: 'ping', timestamp: clock.now.toISOString(), data: { endpointId: hook.id, message: /Dateline/ } });
    const [audit] = await rows<{ details: { deliveryId: string } }>(app, sql`SELECT details FROM audit_log WHERE resource_id = ${hook.id} AND action = 'webhook.test'`);
    t.equal(audit.details.deliveryId, delivery.id);
    t.equal((await app.inject({ method: 'POST', url: `/v1/webhooks/${randomUUID()}/test`, headers: auth })).statusCode, 404);
  });

  await t.test('the list pages by keyset, newest first', async (t) => {
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      await endpoint({ description: `Paged ${i}` });
    }
    const first = await app.inject({ url: '/v1/webhooks?page[size]=2&meta=total', headers: auth });
    t.equal(first.statusCode, 200);
    t.same(first.json().data.map((w: { description: string }) => w.description), ['Paged 2', 'Paged 1']);
    t.equal(first.json().meta.total, await countEndpoints());
    const second = await app.inject({ url: first.json().links.next, headers: auth });
    t.equal(second.json().data[0].description, 'Paged 0');
    t.equal((await app.inject({ url: '/v1/webhooks?sort=url', headers: auth })).statusCode, 400);
  });

  await t.test('the spec documents every event in its webhooks section', async (t) => {
    const res = await app.inject({ url: '/v1/openapi.json' });
    const spec = res.json() as {
      webhooks: Record<string, { post: { operationId: string; tags: string[]; parameters: Array<{ name: string; in: string }>; requestBody: { content: Record<string, { schema: { properties: Record<string, { const?: string; $ref?: string }> } }> } } }>;
      components: { schemas: Record<string, unknown> };
      tags: Array<{ name: string }>;
      paths: Record<string, unknown>;
    };
    t.same(Object.keys(spec.webhooks).sort(), [...EVENT_TYPES, 'ping'].sort());
    for (const [type, item] of Object.entries(spec.webhooks)) {
      const body = item.post.requestBody.content['application/json'].schema;
      t.equal(body.properties.type.const, type, `${type}: type is a constant`);
      const ref = body.properties.data.$ref!;
      t.ok(spec.components.schemas[ref.replace('#/components/schemas/', '')], `${type}: data refers to ${ref}`);
      t.same(item.post.parameters.map((p) => `${p.in}:${p.name}`), ['header:webhook-id', 'header:webhook-timestamp', 'header:webhook-signature'], type);
      t.same(item.post.tags, ['webhooks']);
    }
    t.match(spec.webhooks['article.published'].post.requestBody.content['application/json'].schema.properties.data.$ref, /ArticleEventData$/);
    t.match(spec.webhooks['tag.deleted'].post.requestBody.content['application/json'].schema.properties.data.$ref, /ResourceEventData$/);
    t.ok(spec.tags.some((tag) => tag.name === 'webhooks'));
    t.ok(spec.paths['/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver']);
  });
});
