import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, count, eq, inArray, sql } from 'drizzle-orm';
import t from 'tap';
import { v7 as uuidv7 } from 'uuid';
import { ConfigError, loadConfig } from '../src/config.js';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../src/db/schema/index.js';
import {
  claimDueDeliveries,
  type DeliveryOptions,
  DISABLE_AFTER_CONSECUTIVE_FAILURES,
  MAX_ATTEMPTS,
  RESPONSE_BODY_LIMIT,
  RETRY_DELAYS_MS,
  retryDelayMs,
  runDueDeliveries,
} from '../src/modules/webhooks/delivery.js';
import { emitEvent, type EventType } from '../src/modules/webhooks/outbox.js';
import { newSecret } from '../src/modules/webhooks/signature.js';
import { checkTargetUrl, refusalReason } from '../src/modules/webhooks/ssrf.js';
import { startWebhookWorker } from '../src/modules/webhooks/worker.js';
import { buildTestApp } from './helpers/app.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

/** A real HTTP receiver on 127.0.0.1; `answer` decides each response from the request and its 1-based number. */
async function receiver(t: { teardown(fn: () => unknown): void }, answer: (req: Received, n: number) => Answer | Promise<Answer> = () => ({ status: 200, body: 'ok' })) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const a = await answer(r, received.length);
      if (a === 'hang') return;
      res.writeHead(a.status, a.headers);
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${port}/hook`, port, received, ids: () => received.map((r) => r.headers['webhook-id'] as string) };
}

/** What a receiver does (Standard Webhooks): recompute the HMAC over id.timestamp.body and refuse stale timestamps. */
function verifies(secret: string, req: Received, receiverNowSeconds: number, toleranceSeconds = 300): boolean {
  const id = req.headers['webhook-id'] as string;
  const timestamp = req.headers['webhook-timestamp'] as string;
  const signatures = req.headers['webhook-signature'] as string;
  if (!/^[0-9]+$/.test(timestamp) || Math.abs(receiverNowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${req.body}`).digest();
  return signatures.split(' ').some((s) => {
    const [version, value] = s.split(',');
    const given = Buffer.from(value ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

// 127.0.0.1 receivers need WEBHOOK_ALLOW_PRIVATE_TARGETS; the SSRF tests turn it off per pass.
const ENV = { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_TIMEOUT_MS: '2000' };

t.test('webhook delivery', async (t) => {
  const { app, clock, logs } = await buildTestApp(t, ENV, { captureLogs: true });
  const db = app.db;
  const options: DeliveryOptions = { timeoutMs: app.config.webhookTimeoutMs, allowPrivateTargets: app.config.webhookAllowPrivateTargets };
  const pass = (o: Partial<DeliveryOptions> = {}) => runDueDeliveries(db, clock.now, { ...options, ...o });
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

  /** Endpoints for these URLs, subscribed to everything; those of earlier tests are switched off so they get nothing. */
  const endpoints = async (urls: string[], values: Partial<typeof webhookEndpoints.$inferInsert> = {}) => {
    await db.update(webhookEndpoints).set({ active: false });
    return db
      .insert(webhookEndpoints)
      .values(urls.map((url) => ({ id: uuidv7(), url, events: ['*'], secret: newSecret(), ...values })))
      .returning();
  };
  const endpoint = async (url: string, values: Partial<typeof webhookEndpoints.$inferInsert> = {}) => (await endpoints([url], values))[0];
  /** An event in its own transaction, as the writes that cause them do; returns its id. */
  const emit = async (orderingKey = `article:${uuidv7()}`, type: EventType = 'article.published') => {
    const articleId = orderingKey.split(':')[1];
    await db.transaction((tx) => emitEvent(tx, { type, data: { id: articleId, title: 'A story' }, orderingKey }, clock.now));
    const [last] = await db.select().from(webhookEvents).orderBy(sql`${webhookEvents.id} DESC`).limit(1);
    return last.id;
  };
  const deliveryOf = async (eventId: string) => (await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId)))[0];
  const endpointRow = async (id: string) => (await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0];

  await t.test('a delivery is a signed POST of {id, type, timestamp, data} that a receiver can verify', async (t) => {
    const r = await receiver(t);
    const ep = await endpoint(r.url);
    const eventId = await emit();
    const [event] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
    const result = await pass();
    t.equal(result.claimed, 1);
    t.equal(r.received.length, 1, 'the receiver got one request');
    const [req] = r.received;
    t.match(req.headers, {
      'content-type': 'application/json',
      'user-agent': 'Dateline-Webhooks/1',
      'webhook-id': eventId,
      'webhook-timestamp': String(seconds(clock.now)),
    });
    t.match(req.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+=*$/, 'one v1 signature');
    t.same(JSON.parse(req.body), { id: eventId, type: 'article.published', timestamp: event.createdAt.toISOString(), data: event.data });
    t.ok(verifies(ep.secret, req, seconds(clock.now)), 'the signature verifies with the endpoint secret');
    t.ok(verifies(ep.secret, req, seconds(clock.now) + 299), 'and within the timestamp tolerance');
    t.notOk(verifies(ep.secret, req, seconds(clock.now) + 301), 'a replay past the tolerance is refused by the receiver');
    t.notOk(verifies(ep.secret, { ...req, body: req.body.replace('A story', 'A storm') }, seconds(clock.now)), 'a changed body does not verify');
    t.notOk(verifies(newSecret(), req, seconds(clock.now)), 'another secret does not verify');

    const row = await deliveryOf(eventId);
    t.match(row, { status: 'succeeded', attempts: 1, responseStatus: 200, responseBody: 'ok', lastError: null, leaseUntil: null });
    t.same(row.deliveredAt, clock.now);
    t.same(row.lastAttemptAt, clock.now);
    t.ok(row.latencyMs !== null && row.latencyMs >= 0 && row.latencyMs < 2000, 'latency recorded');
    t.equal((await pass()).claimed, 0, 'a delivered event is not sent again');
    t.equal(r.received.length, 1);
  });

  await t.test('during a secret rotation both secrets sign; the old one stops after its grace period', async (t) => {
    const r = await receiver(t);
    const oldSecret = newSecret();
    const ep = await endpoint(r.url, { previousSecret: oldSecret, previousSecretExpiresAt: new Date(clock.now.getTime() + 3_600_000) });
    await emit();
    await pass();
    t.equal(String(r.received[0].headers['webhook-signature']).split(' ').length, 2, 'two signatures during the grace period');
    t.ok(verifies(ep.secret, r.received[0], seconds(clock.now)), 'the new secret verifies');
    t.ok(verifies(oldSecret, r.received[0], seconds(clock.now)), 'the old secret still verifies');

    clock.advance(2 * 3_600_000);
    await emit();
    await pass();
    t.equal(String(r.received[1].headers['webhook-signature']).split(' ').length, 1, 'one signature after it');
    t.ok(verifies(ep.secret, r.received[1], seconds(clock.now)), 'the new secret verifies');
    t.notOk(verifies(oldSecret, r.received[1], seconds(clock.now)), 'the old secret no longer does');
  });

  await t.test('a receiver answering 500 twice then 200 gets the event once successfully, after three attempts', async (t) => {
    const r = await receiver(t, (_req, n) => (n <= 2 ? { status: 500, body: 'boom' } : { status: 200, body: '{"received":true}' }));
    const ep = await endpoint(r.url);
    const eventId = await emit();

    const first = await pass();
    t.match(first.attempts, [{ attempt: 1, status: 'pending', responseStatus: 500, error: 'HTTP 500' }]);
    let row = await deliveryOf(eventId);
    t.match(row, { status: 'pending', attempts: 1, responseStatus: 500, responseBody: 'boom', lastError: 'HTTP 500', leaseUntil: null });
    const wait1 = row.nextAttemptAt.getTime() - clock.now.getTime();
    t.ok(wait1 >= 4000 && wait1 <= 6000, `first retry after 5 s ± 20% (${wait1} ms)`);
    t.equal((await endpointRow(ep.id)).consecutiveFailures, 1);

    clock.set(new Date(row.nextAttemptAt.getTime() - 1));
    t.equal((await pass()).claimed, 0, 'not retried before its time');
    clock.set(row.nextAttemptAt);
    await pass();
    row = await deliveryOf(eventId);
    t.match(row, { status: 'pending', attempts: 2, lastError: 'HTTP 500' });
    const wait2 = row.nextAttemptAt.getTime() - clock.now.getTime();
    t.ok(wait2 >= 24_000 && wait2 <= 36_000, `second retry after 30 s ± 20% (${wait2} ms)`);
    t.equal((await endpointRow(ep.id)).consecutiveFailures, 2);

    clock.set(row.nextAttemptAt);
    const third = await pass();
    t.match(third.attempts, [{ attempt: 3, status: 'succeeded', responseStatus: 200, error: null }]);
    row = await deliveryOf(eventId);
    t.match(row, { status: 'succeeded', attempts: 3, responseStatus: 200, responseBody: '{"received":true}', lastError: null, leaseUntil: null });
    t.same(row.deliveredAt, clock.now);
    t.type(row.latencyMs, 'number');
    t.equal((await endpointRow(ep.id)).consecutiveFailures, 0, 'a success resets the failure count');

    clock.advance(86_400_000);
    t.equal((await pass()).claimed, 0, 'never sent again');
    t.same(r.ids(), [eventId, eventId, eventId], 'three requests, all the same event (receivers deduplicate on webhook-id)');
  });

  await t.test('the delivery log keeps the first 2 KB of an answer, NUL bytes included', async (t) => {
    const r = await receiver(t, () => ({ status: 200, body: 'a\u0000b' + 'x'.repeat(10_000) }));
    await endpoint(r.url);
    const eventId = await emit();
    await pass();
    const row = await deliveryOf(eventId);
    t.equal(row.status, 'succeeded');
    t.equal(row.responseBody!.length, RESPONSE_BODY_LIMIT);
    t.ok(row.responseBody!.startsWith('a\uFFFDbxxx'), 'a NUL, which PostgreSQL text cannot hold, is replaced');
  });

  await t.test('a receiver that hangs is timed out, and the retry succeeds', async (t) => {
    const r = await receiver(t, (_req, n) => (n === 1 ? 'hang' : { status: 204 }));
    await endpoint(r.url);
    const eventId = await emit();
    const started = Date.now();
    const first = await pass({ timeoutMs: 300 });
    t.ok(Date.now() - started < 1500, 'the pass gave up after about the timeout');
    t.match(first.attempts, [{ status: 'pending', responseStatus: null, error: 'timed out after 300 ms' }]);
    let row = await deliveryOf(eventId);
    t.match(row, { status: 'pending', attempts: 1, lastError: 'timed out after 300 ms', responseStatus: null, leaseUntil: null });
    t.ok(row.latencyMs! >= 250, 'latency is the time waited');

    clock.set(row.nextAttemptAt);
    await pass({ timeoutMs: 300 });
    row = await deliveryOf(eventId);
    t.match(row, { status: 'succeeded', attempts: 2, responseStatus: 204, lastError: null });
    t.equal(r.received.length, 2);
  });

  await t.test('a receiver that is down is retried, and gets the event once it is back', async (t) => {
    const up = await receiver(t);
    // Port 1: nothing listens there, so the connection is refused.
    const ep = await endpoint('http://127.0.0.1:1/hook');
    const eventId = await emit();
    await pass();
    const row = await deliveryOf(eventId);
    t.match(row, { status: 'pending', attempts: 1, responseStatus: null, lastError: /^request failed: connect ECONNREFUSED 127\.0\.0\.1:1$/ });
    await db.update(webhookEndpoints).set({ url: up.url }).where(eq(webhookEndpoints.id, ep.id));
    clock.set(row.nextAttemptAt);
    await pass();
    t.match(await deliveryOf(eventId), { status: 'succeeded', attempts: 2 });
    t.same(up.ids(), [eventId]);
  });

  await t.test('a worker that dies mid-delivery: once its lease expires a later pass delivers the event, once', async (t) => {
    const r = await receiver(t);
    await endpoint(r.url);
    const eventId = await emit();
    // The claim of a worker that then died: the row is `delivering` under a lease, and nothing was sent.
    const claimed = await claimDueDeliveries(db, clock.now, options);
    t.equal(claimed.length, 1);
    let row = await deliveryOf(eventId);
    t.match(row, { status: 'delivering', attempts: 1 });
    t.ok(row.leaseUntil! > clock.now, 'under a lease');

    t.equal((await pass()).claimed, 0, 'another worker leaves it alone while the lease runs');
    clock.set(row.leaseUntil!);
    t.equal((await pass()).claimed, 0, 'still leased at the exact expiry');
    clock.advance(1);
    const later = await pass();
    t.match(later.attempts, [{ deliveryId: row.id, attempt: 2, status: 'succeeded' }]);
    row = await deliveryOf(eventId);
    t.match(row, { status: 'succeeded', attempts: 2, leaseUntil: null });
    t.same(r.ids(), [eventId], 'the receiver got it exactly once');
    t.equal((await pass()).claimed, 0);
  });

  await t.test("a worker that outlives its lease does not overwrite the newer attempt's record", async (t) => {
    let release!: () => void;
    const slowAnswer = new Promise<void>((resolve) => (release = resolve));
    // The first request is answered late (and with a 500, which must not be recorded); the second at once.
    const r = await receiver(t, async (_req, n) => {
      if (n > 1) return { status: 200 };
      await slowAnswer;
      return { status: 500 };
    });
    await endpoint(r.url);
    const eventId = await emit();
    const slow = pass();
    while (r.received.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const { leaseUntil } = await deliveryOf(eventId);
    // Another instance, later on the clock than the lease: it assumes the first worker died and delivers.
    const other = await runDueDeliveries(db, new Date(leaseUntil!.getTime() + 1), options);
    t.match(other.attempts, [{ attempt: 2, status: 'succeeded' }]);
    release();
    const late = await slow;
    t.equal(late.claimed, 1);
    t.same(late.attempts, [], "the first worker's late answer is dropped");
    t.match(await deliveryOf(eventId), { status: 'succeeded', attempts: 2, responseStatus: 200, lastError: null });
    t.equal(r.received.length, 2, 'at least once: the receiver saw it twice, with the same webhook-id to deduplicate on');
  });

  await t.test('a rolled-back transaction that emitted an event leaves no event and no delivery', async (t) => {
    const r = await receiver(t);
    await endpoint(r.url);
    const [events] = await db.select({ n: count() }).from(webhookEvents);
    const [deliveries] = await db.select({ n: count() }).from(webhookDeliveries);
    await t.rejects(
      db.transaction(async (tx) => {
        await emitEvent(tx, { type: 'article.deleted', data: { id: 'x' }, orderingKey: 'article:x' }, clock.now);
        throw new Error('rolled back');
      }),
      { message: 'rolled back' },
    );
    t.same(await db.select({ n: count() }).from(webhookEvents), [events]);
    t.same(await db.select({ n: count() }).from(webhookDeliveries), [deliveries]);
    t.equal((await pass()).claimed, 0);
    t.equal(r.received.length, 0, 'nothing reaches the receiver');
  });

  await t.test("an article's events arrive in order: a later one waits while an earlier one is retried", async (t) => {
    let failedOnce = false;
    let firstId = '';
    const r = await receiver(t, (req) => {
      if (req.headers['webhook-id'] === firstId && !failedOnce) {
        failedOnce = true;
        return { status: 503 };
      }
      return { status: 200 };
    });
    await endpoint(r.url);
    const article = `article:${uuidv7()}`;
    firstId = await emit(article, 'article.published');
    const secondId = await emit(article, 'article.updated');
    const otherId = await emit(`article:${uuidv7()}`, 'article.published');

    await pass();
    t.same(r.ids().sort(), [firstId, otherId].sort(), 'the first (failing) and an unrelated article go out; the second waits');
    t.equal((await deliveryOf(otherId)).status, 'succeeded', 'another article is not blocked');
    t.equal((await deliveryOf(secondId)).status, 'pending');
    const retryAt = (await deliveryOf(firstId)).nextAttemptAt;
    clock.set(new Date(retryAt.getTime() + 60_000));
    t.equal((await deliveryOf(secondId)).attempts, 0, 'not attempted while the first is pending');

    await pass();
    t.equal((await deliveryOf(firstId)).status, 'succeeded');
    t.equal((await deliveryOf(secondId)).attempts, 0, 'not sent in the pass that delivered the first');
    await pass();
    t.equal((await deliveryOf(secondId)).status, 'succeeded');
    t.same(r.ids().slice(2), [firstId, secondId], 'the second arrives after the first succeeded');
  });

  await t.test('after the last attempt the delivery fails and the endpoint is disabled with a reason', async (t) => {
    let healthy = false;
    const r = await receiver(t, () => (healthy ? { status: 200 } : { status: 500, body: 'down' }));
    const ep = await endpoint(r.url);
    const article = `article:${uuidv7()}`;
    const eventId = await emit(article);
    const nextId = await emit(article, 'article.updated');
    const startedAt = clock.now.getTime();

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const before = clock.now.getTime();
      const result = await pass();
      t.equal(result.attempts.length, 1, `attempt ${attempt} made`);
      const row = await deliveryOf(eventId);
      t.equal(row.attempts, attempt);
      if (attempt < MAX_ATTEMPTS) {
        const wait = row.nextAttemptAt.getTime() - before;
        const base = RETRY_DELAYS_MS[attempt - 1];
        t.ok(wait >= base * 0.8 && wait <= base * 1.2, `wait after attempt ${attempt}: ${base} ms ± 20%`);
        t.equal(row.status, 'pending');
        clock.set(row.nextAttemptAt);
      }
    }
    const row = await deliveryOf(eventId);
    t.match(row, { status: 'failed', attempts: MAX_ATTEMPTS, lastError: 'HTTP 500', responseBody: 'down' });
    const total = clock.now.getTime() - startedAt;
    const planned = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    t.ok(total >= 0.8 * planned && total <= 1.2 * planned, `about a day of retries (${(total / 3_600_000).toFixed(1)} h)`);
    let disabled = await endpointRow(ep.id);
    t.same(disabled.disabledAt, clock.now, 'the endpoint is disabled');
    t.match(disabled.disabledReason, new RegExp(`^Delivery ${row.id} failed ${MAX_ATTEMPTS} times over \\d+ h; last error: HTTP 500$`));
    t.same(new Set(r.ids()), new Set([eventId]), 'the later event about the same article was never sent');

    clock.advance(86_400_000);
    t.equal((await pass()).claimed, 0, 'a disabled endpoint gets nothing');

    // An admin re-enables it once the receiver is fixed: the failed delivery no longer blocks the next one.
    healthy = true;
    await db.update(webhookEndpoints).set({ disabledAt: null, disabledReason: null }).where(eq(webhookEndpoints.id, ep.id));
    await pass();
    t.equal((await deliveryOf(nextId)).status, 'succeeded');
    t.equal((await deliveryOf(eventId)).status, 'failed', 'a failed delivery stays failed (redelivery is manual)');
    disabled = await endpointRow(ep.id);
    t.equal(disabled.consecutiveFailures, 0);
  });

  await t.test(`${DISABLE_AFTER_CONSECUTIVE_FAILURES} failed attempts in a row disable an endpoint before any delivery runs out`, async (t) => {
    const r = await receiver(t, () => ({ status: 502 }));
    const ep = await endpoint(r.url, { consecutiveFailures: DISABLE_AFTER_CONSECUTIVE_FAILURES - 1 });
    const eventId = await emit();
    const result = await pass();
    const reason = `${DISABLE_AFTER_CONSECUTIVE_FAILURES} delivery attempts in a row failed; the last, delivery ${(await deliveryOf(eventId)).id}: HTTP 502`;
    t.match(result.attempts, [{ status: 'pending', endpointDisabled: reason }]);
    t.match(await endpointRow(ep.id), { disabledReason: reason, consecutiveFailures: DISABLE_AFTER_CONSECUTIVE_FAILURES });
    t.equal((await deliveryOf(eventId)).status, 'pending', 'the delivery waits for the endpoint to be re-enabled');
  });

  await t.test('a redirect is not followed', async (t) => {
    const elsewhere = await receiver(t);
    const r = await receiver(t, () => ({ status: 302, headers: { location: elsewhere.url } }));
    await endpoint(r.url);
    const eventId = await emit();
    await pass();
    t.match(await deliveryOf(eventId), { status: 'pending', responseStatus: 302, lastError: 'HTTP 302: redirects are not followed' });
    t.equal(elsewhere.received.length, 0, 'the Location was not requested');
  });

  await t.test('the SSRF guard refuses private targets unless allowed', async (t) => {
    const r = await receiver(t);
    const port = r.port;
    const urls = {
      loopback: `http://127.0.0.1:${port}/hook`,
      private: 'http://10.1.2.3/hook',
      metadata: 'http://169.254.169.254/latest/meta-data/',
      ipv6Loopback: `http://[::1]:${port}/hook`,
      mapped: `http://[::ffff:127.0.0.1]:${port}/hook`,
      localhost: `http://localhost:${port}/hook`,
    };
    const eps = await endpoints(Object.values(urls));
    const eventId = await emit();
    const result = await pass({ allowPrivateTargets: false });
    t.equal(result.attempts.length, eps.length);
    const errors: Record<string, string | null> = {};
    for (const [name, url] of Object.entries(urls)) {
      const ep = eps.find((e) => e.url === url)!;
      const [row] = await db.select().from(webhookDeliveries).where(sql`${webhookDeliveries.eventId} = ${eventId} AND ${webhookDeliveries.endpointId} = ${ep.id}`);
      t.equal(row.status, 'pending', `${name}: retried later, like any failure`);
      errors[name] = row.lastError;
    }
    t.match(errors, {
      loopback: /^refused target: 127\.0\.0\.1 is a loopback address; set WEBHOOK_ALLOW_PRIVATE_TARGETS=true/,
      private: /^refused target: 10\.1\.2\.3 is a private address/,
      metadata: /^refused target: 169\.254\.169\.254 is a link-local address \(cloud metadata/,
      ipv6Loopback: /^refused target: ::1 is a loopback address/,
      mapped: /^refused target: ::ffff:7f00:1 is a loopback address/,
      localhost: /^refused target: localhost resolves to (127\.0\.0\.1|::1), which is a loopback address/,
    });
    t.equal(r.received.length, 0, 'no request reached the receiver');

    await db.update(webhookEndpoints).set({ active: false }).where(sql`${webhookEndpoints.url} <> ${urls.loopback}`);
    clock.advance(60_000);
    await pass();
    t.equal(r.received.length, 1, 'with WEBHOOK_ALLOW_PRIVATE_TARGETS=true the same target is delivered to');
  });

  await t.test('address classification and checkTargetUrl', async (t) => {
    for (const address of ['127.0.0.1', '127.1.2.3', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::', '::1', 'fd00::1', 'fc00::1', 'fe80::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:169.254.169.254']) {
      t.ok(refusalReason(address), `${address} is refused`);
    }
    for (const address of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111']) {
      t.equal(refusalReason(address), null, `${address} is allowed`);
    }
    t.match(await checkTargetUrl('ftp://example.com/hook', true), /^ftp: URLs are not allowed/);
    t.match(await checkTargetUrl('file:///etc/passwd', true), /^file: URLs are not allowed/);
    t.match(await checkTargetUrl('javascript:alert(1)', true), /^javascript: URLs are not allowed/);
    t.equal(await checkTargetUrl('not a url', true), 'not a valid URL');
    t.match(await checkTargetUrl('http://127.0.0.1:8080/hook', false), /loopback/);
    t.match(await checkTargetUrl('http://[::1]/hook', false), /loopback/);
    t.match(await checkTargetUrl('https://169.254.169.254/', false), /link-local/);
    t.match(await checkTargetUrl('http://localhost/hook', false), /^localhost resolves to .* loopback/);
    t.match(await checkTargetUrl('http://2130706433/hook', false), /^127\.0\.0\.1 is a loopback/, 'numeric host forms are normalized first');
    t.equal(await checkTargetUrl('https://93.184.215.14/hook', false), null, 'a public address is fine');
    t.equal(await checkTargetUrl('http://127.0.0.1:8080/hook', true), null, 'allowed by the switch');
    t.match(await checkTargetUrl('https://no-such-host.invalid/hook', false), /^no-such-host\.invalid does not resolve/);
  });

  await t.test('the retry schedule spans about a day, with ±20% jitter', async (t) => {
    t.equal(MAX_ATTEMPTS, 11);
    const sum = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    t.ok(sum > 23 * 3_600_000 && sum < 25 * 3_600_000, 'about 24 h in total');
    t.equal(retryDelayMs(1, () => 0), 4000);
    t.equal(retryDelayMs(1, () => 1), 6000);
    t.equal(retryDelayMs(10, () => 0.5), 28_800_000);
    t.equal(retryDelayMs(99, () => 0.5), 28_800_000, 'beyond the schedule (a manual redelivery): the longest wait');
  });

  await t.test('the worker delivers on its own and logs failed attempts without the secret or signature', async (t) => {
    let n = 0;
    const r = await receiver(t, () => (++n === 1 ? { status: 500, body: 'nope' } : { status: 200 }));
    const ep = await endpoint(r.url);
    const eventId = await emit();
    const worker = startWebhookWorker(app, 10);
    t.teardown(() => worker.stop());
    const waitFor = async (what: () => Promise<boolean>) => {
      const deadline = Date.now() + 5000;
      while (!(await what()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await waitFor(async () => (await deliveryOf(eventId)).attempts === 1 && (await deliveryOf(eventId)).status === 'pending');
    clock.set((await deliveryOf(eventId)).nextAttemptAt);
    await waitFor(async () => (await deliveryOf(eventId)).status === 'succeeded');
    await worker.stop();
    t.match(await deliveryOf(eventId), { status: 'succeeded', attempts: 2 });

    const warnings = logs.map((line) => JSON.parse(line)).filter((l) => l.level === 40 && l.deliveryId);
    t.equal(warnings.length, 1, 'one failed attempt, one warning');
    t.match(warnings[0], { deliveryId: (await deliveryOf(eventId)).id, endpointId: ep.id, eventId, attempt: 1, responseStatus: 500, error: 'HTTP 500', status: 'pending' });
    const text = logs.join('\n');
    const signature = String(r.received[0].headers['webhook-signature']);
    t.notOk(text.includes(ep.secret), 'the secret is not logged');
    t.notOk(text.includes(ep.secret.replace(/^whsec_/, '')), 'nor its key');
    t.notOk(text.includes(signature.slice(3)), 'nor the signature');

    clock.advance(60_000);
    const another = await emit();
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.equal((await deliveryOf(another)).status, 'pending', 'a stopped worker sends nothing');
    await db.update(webhookEndpoints).set({ active: false });
  });

  await t.test(
    'two instances delivering at once send each event exactly once, in order per article',
    { skip: process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL: PGlite runs one connection, so passes cannot overlap' },
    async (t) => {
      const r = await receiver(t, async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return { status: 200 };
      });
      await endpoint(r.url);
      const byArticle = new Map<string, string[]>();
      for (let i = 0; i < 8; i++) {
        const key = `article:${uuidv7()}`;
        byArticle.set(key, []);
        for (let j = 0; j < 4; j++) byArticle.get(key)!.push(await emit(key, j ? 'article.updated' : 'article.published'));
      }
      const claims = [0, 0];
      for (;;) {
        const [a, b] = await Promise.all([pass(), pass()]);
        claims[0] += a.claimed;
        claims[1] += b.claimed;
        if (!a.claimed && !b.claimed) break;
      }
      t.comment(`deliveries claimed by each instance: ${claims.join(' and ')}`);
      const all = [...byArticle.values()].flat();
      t.equal(r.received.length, all.length, 'one request per event');
      t.same(new Set(r.ids()), new Set(all), 'every event delivered');
      t.equal(claims[0] + claims[1], all.length, 'each delivery claimed once across both instances');
      for (const [key, ids] of byArticle) t.same(r.ids().filter((id) => ids.includes(id)), ids, `${key} in order`);
      const rows = await db.select().from(webhookDeliveries).where(inArray(webhookDeliveries.eventId, all)).orderBy(asc(webhookDeliveries.seq));
      t.ok(rows.every((row) => row.status === 'succeeded' && row.attempts === 1), 'all succeeded at the first attempt');
    },
  );
});

t.test('webhook settings come from the environment', async (t) => {
  t.match(loadConfig({}), { webhookWorkerIntervalMs: 500, webhookTimeoutMs: 10_000, webhookAllowPrivateTargets: false });
  t.match(loadConfig({ WEBHOOK_WORKER_INTERVAL_MS: '0', WEBHOOK_TIMEOUT_MS: '300', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }), {
    webhookWorkerIntervalMs: 0,
    webhookTimeoutMs: 300,
    webhookAllowPrivateTargets: true,
  });
  t.throws(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'maybe' }), new ConfigError('Invalid environment variable WEBHOOK_ALLOW_PRIVATE_TARGETS="maybe": must be true or false'));
});
