// Webhook delivery: claims due deliveries (several instances at once, FOR UPDATE SKIP LOCKED), POSTs them
// signed per Standard Webhooks, and records the outcome: success, a retry with backoff, or a final failure
// that disables the endpoint. At least once: a delivery is finished only after the receiver answered 2xx.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { and, asc, eq, inArray, isNull, lt, lte, ne, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../../db/schema/index.js';
import { signatureHeader } from './signature.js';
import { pinnedLookup, resolveTarget, TargetRefusedError, TargetUnresolvedError } from './ssrf.js';

/**
 * Wait after the 1st, 2nd... failed attempt before the next one: 11 attempts (the first and 10 retries)
 * over about a day (23 h 43 min before jitter). Each wait varies by ±RETRY_JITTER so that deliveries that
 * failed together (a receiver outage) do not all come back in the same second.
 */
export const RETRY_DELAYS_MS = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 28_800_000,
] as const;
export const RETRY_JITTER = 0.2;
/** After this many attempts a delivery is `failed` and its endpoint disabled. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Failed attempts in a row, across all of an endpoint's deliveries, that disable it before any delivery runs out. */
export const DISABLE_AFTER_CONSECUTIVE_FAILURES = 50;
/** Bytes of the receiver's answer kept in the delivery log. */
export const RESPONSE_BODY_LIMIT = 2048;
export const USER_AGENT = 'Dateline-Webhooks/1';
/** Deliveries claimed (and sent concurrently) per pass. */
const BATCH = 10;
/**
 * A claimed delivery's lease outlasts its request (bounded by timeoutMs) by this much: time to record the
 * outcome, and slack for clocks of different instances. Past it, another instance assumes this one died.
 */
const LEASE_MARGIN_MS = 60_000;
const ERROR_LIMIT = 1000;

export interface DeliveryOptions {
  /** The whole attempt (DNS, connect, answer, first RESPONSE_BODY_LIMIT bytes) must fit in this. */
  timeoutMs: number;
  /** Allow loopback, private and link-local targets (local development and tests). */
  allowPrivateTargets: boolean;
  /** Deliveries per pass; default 10. */
  batchSize?: number;
}

/** The wait after attempt number `attempts` failed, with jitter. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = RETRY_DELAYS_MS[Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1];
  return Math.round(base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random()));
}

export interface WebhookTarget {
  url: string;
  /** Each signs the request; two during a secret rotation. */
  secrets: string[];
}

export interface WebhookEventPayload {
  id: string;
  type: string;
  createdAt: Date;
  data: Record<string, unknown>;
}

/** What one request achieved. */
export interface AttemptOutcome {
  ok: boolean;
  responseStatus: number | null;
  /** The first RESPONSE_BODY_LIMIT bytes of the answer. */
  responseBody: string | null;
  latencyMs: number;
  /** Why the attempt failed, for the delivery log; null on success. */
  error: string | null;
}

/** PostgreSQL text cannot hold NUL; receivers' answers and error messages may contain anything. */
const storable = (text: string, max: number) => text.replace(/\u0000/g, '\uFFFD').slice(0, max);

/**
 * Sends one signed POST: never follows redirects (a 3xx is a failure), connects only to addresses the SSRF
 * check passed, gives up after timeoutMs. Never throws for anything the receiver or the network does.
 */
export async function postWebhook(target: WebhookTarget, event: WebhookEventPayload, now: Date, options: DeliveryOptions): Promise<AttemptOutcome> {
  const body = JSON.stringify({ id: event.id, type: event.type, timestamp: event.createdAt.toISOString(), data: event.data });
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': USER_AGENT,
    'webhook-id': event.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(target.secrets, event.id, timestamp, body),
  };
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: string, responseStatus: number | null = null, responseBody: string | null = null): AttemptOutcome => ({
    ok: false,
    responseStatus,
    responseBody,
    latencyMs: elapsed(),
    error: storable(error.trim(), ERROR_LIMIT),
  });
  const timedOut = `timed out after ${options.timeoutMs} ms`;

  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return failed('the endpoint URL is not a valid URL');
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs)));
  try {
    // DNS counts against the timeout too: a resolver that hangs must not outlast the lease.
    const resolved = await Promise.race([resolveTarget(url, options.allowPrivateTargets), deadline]);
    if (resolved === 'timeout') return failed(`${timedOut} (resolving ${url.hostname})`);

    return await new Promise<AttemptOutcome>((resolve) => {
      let status: number | null = null;
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        req.destroy();
        resolve(outcome);
      };
      const answered = () => {
        const text = status === null ? null : storable(Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8'), RESPONSE_BODY_LIMIT);
        if (status !== null && status >= 200 && status < 300) finish({ ok: true, responseStatus: status, responseBody: text, latencyMs: elapsed(), error: null });
        else if (status !== null && status >= 300 && status < 400) finish(failed(`HTTP ${status}: redirects are not followed`, status, text));
        else finish(failed(`HTTP ${status}`, status, text));
      };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      // agent: false: a fresh connection each time, so every connection goes through the pinned lookup.
      const req = send(url, { method: 'POST', headers, agent: false, lookup: pinnedLookup(resolved) }, (res: IncomingMessage) => {
        status = res.statusCode ?? null;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          // Enough for the log: stop reading rather than wait for (or buffer) a large answer.
          if (size >= RESPONSE_BODY_LIMIT) answered();
        });
        res.on('end', answered);
        // The receiver closed the connection mid-answer: its status still counts.
        res.on('close', answered);
      });
      req.on('error', (err: NodeJS.ErrnoException) => finish(failed(`request failed: ${err.message}`, status)));
      void deadline.then(() => finish(failed(timedOut, status)));
      req.end(body);
    });
  } catch (err) {
    if (err instanceof TargetUnresolvedError) return failed(`request failed: ${err.message}`);
    if (err instanceof TargetRefusedError) return failed(`refused target: ${err.message}`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** A delivery claimed by this pass, with what it takes to send it. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  createdAt: Date;
  target: WebhookTarget;
  event: WebhookEventPayload;
}

/**
 * Claims up to a batch of due deliveries in one short transaction and marks them `delivering` under a lease.
 * Due: pending and next_attempt_at reached, or delivering with an expired lease (its worker died). Skipped:
 * endpoints inactive or disabled, and any delivery with an earlier one for the same endpoint and ordering key
 * still pending or delivering, so receivers get an article's events in order (a finally failed one no longer
 * blocks). Rows another instance is claiming right now are skipped, not waited for.
 */
export async function claimDueDeliveries(db: Db, now: Date, options: DeliveryOptions): Promise<ClaimedDelivery[]> {
  const d = webhookDeliveries;
  const earlier = alias(webhookDeliveries, 'earlier');
  const leaseUntil = new Date(now.getTime() + options.timeoutMs + LEASE_MARGIN_MS);
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({
        id: d.id,
        endpointId: d.endpointId,
        attempts: d.attempts,
        createdAt: d.createdAt,
        url: webhookEndpoints.url,
        secret: webhookEndpoints.secret,
        previousSecret: webhookEndpoints.previousSecret,
        previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
        eventId: webhookEvents.id,
        type: webhookEvents.type,
        data: webhookEvents.data,
        eventCreatedAt: webhookEvents.createdAt,
      })
      .from(d)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, d.endpointId))
      .innerJoin(webhookEvents, eq(webhookEvents.id, d.eventId))
      .where(
        and(
          or(and(eq(d.status, 'pending'), lte(d.nextAttemptAt, now)), and(eq(d.status, 'delivering'), lt(d.leaseUntil, now))),
          eq(webhookEndpoints.active, true),
          isNull(webhookEndpoints.disabledAt),
          notExists(
            tx
              .select({ one: sql`1` })
              .from(earlier)
              .where(
                and(
                  eq(earlier.endpointId, d.endpointId),
                  eq(earlier.orderingKey, d.orderingKey),
                  lt(earlier.seq, d.seq),
                  inArray(earlier.status, ['pending', 'delivering']),
                ),
              ),
          ),
        ),
      )
      .orderBy(asc(d.seq))
      .limit(options.batchSize ?? BATCH)
      .for('update', { of: d, skipLocked: true });
    if (!rows.length) return [];
    await tx
      .update(d)
      .set({ status: 'delivering', leaseUntil, attempts: sql`${d.attempts} + 1`, lastAttemptAt: now })
      .where(inArray(d.id, rows.map((r) => r.id)));
    return rows.map((r) => ({
      id: r.id,
      endpointId: r.endpointId,
      attempt: r.attempts + 1,
      createdAt: r.createdAt,
      // The previous secret signs too until its grace period ends, so receivers can switch at their pace.
      target: { url: r.url, secrets: r.previousSecret && r.previousSecretExpiresAt && r.previousSecretExpiresAt > now ? [r.secret, r.previousSecret] : [r.secret] },
      event: { id: r.eventId, type: r.type, createdAt: r.eventCreatedAt, data: r.data },
    }));
  });
}

/** One attempt, as recorded. */
export interface AttemptResult {
  deliveryId: string;
  endpointId: string;
  eventId: string;
  attempt: number;
  /** The delivery's status after this attempt: pending means a retry is scheduled. */
  status: 'succeeded' | 'pending' | 'failed';
  responseStatus: number | null;
  latencyMs: number;
  error: string | null;
  nextAttemptAt: Date | null;
  /** Set when this attempt disabled the endpoint: the reason stored on it. */
  endpointDisabled: string | null;
}

export interface DeliveryPassResult {
  /** Deliveries this pass claimed; a full batch means more may be due. */
  claimed: number;
  attempts: AttemptResult[];
}

const duration = (ms: number) =>
  ms < 60_000 ? `${Math.round(ms / 1000)} s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 3_600_000)} h`;

/**
 * Writes an attempt's outcome in one short transaction. Returns null when the delivery is no longer ours:
 * our lease ran out and another instance claimed it again (its attempt number moved on), so its record wins.
 */
async function recordAttempt(db: Db, claimed: ClaimedDelivery, outcome: AttemptOutcome, now: Date): Promise<AttemptResult | null> {
  const d = webhookDeliveries;
  const ours = and(eq(d.id, claimed.id), eq(d.status, 'delivering'), eq(d.attempts, claimed.attempt));
  const response = { responseStatus: outcome.responseStatus, responseBody: outcome.responseBody, latencyMs: outcome.latencyMs, leaseUntil: null };
  const result: AttemptResult = {
    deliveryId: claimed.id,
    endpointId: claimed.endpointId,
    eventId: claimed.event.id,
    attempt: claimed.attempt,
    status: 'succeeded',
    responseStatus: outcome.responseStatus,
    latencyMs: outcome.latencyMs,
    error: outcome.error,
    nextAttemptAt: null,
    endpointDisabled: null,
  };
  return db.transaction(async (tx) => {
    if (outcome.ok) {
      // lastError describes the latest attempt, like the response fields, so a success clears it.
      const updated = await tx.update(d).set({ ...response, status: 'succeeded', deliveredAt: now, lastError: null }).where(ours).returning({ id: d.id });
      if (!updated.length) return null;
      await tx
        .update(webhookEndpoints)
        .set({ consecutiveFailures: 0 })
        .where(and(eq(webhookEndpoints.id, claimed.endpointId), ne(webhookEndpoints.consecutiveFailures, 0)));
      return result;
    }

    const final = claimed.attempt >= MAX_ATTEMPTS;
    result.status = final ? 'failed' : 'pending';
    result.nextAttemptAt = final ? null : new Date(now.getTime() + retryDelayMs(claimed.attempt));
    const updated = await tx
      .update(d)
      .set({ ...response, status: result.status, lastError: outcome.error, ...(result.nextAttemptAt ? { nextAttemptAt: result.nextAttemptAt } : {}) })
      .where(ours)
      .returning({ id: d.id });
    if (!updated.length) return null;
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1` })
      .where(eq(webhookEndpoints.id, claimed.endpointId))
      .returning({ consecutiveFailures: webhookEndpoints.consecutiveFailures, disabledAt: webhookEndpoints.disabledAt });
    if (endpoint && !endpoint.disabledAt && (final || endpoint.consecutiveFailures >= DISABLE_AFTER_CONSECUTIVE_FAILURES)) {
      const reason = final
        ? `Delivery ${claimed.id} failed ${claimed.attempt} times over ${duration(now.getTime() - claimed.createdAt.getTime())}; last error: ${outcome.error}`
        : `${endpoint.consecutiveFailures} delivery attempts in a row failed; the last, delivery ${claimed.id}: ${outcome.error}`;
      await tx
        .update(webhookEndpoints)
        .set({ disabledAt: now, disabledReason: reason, updatedAt: now, version: sql`${webhookEndpoints.version} + 1` })
        .where(eq(webhookEndpoints.id, claimed.endpointId));
      result.endpointDisabled = reason;
    }
    return result;
  });
}

/**
 * One pass at `now`: claims a batch of due deliveries, sends them concurrently (the claim never picks two
 * with the same endpoint and ordering key, so order holds), and records each outcome. Time comes only from
 * `now`, so tests drive retries by moving their clock.
 */
export async function runDueDeliveries(db: Db, now: Date, options: DeliveryOptions): Promise<DeliveryPassResult> {
  const claimed = await claimDueDeliveries(db, now, options);
  const settled = await Promise.allSettled(
    claimed.map(async (c) => {
      let outcome: AttemptOutcome;
      try {
        outcome = await postWebhook(c.target, c.event, now, options);
      } catch (err) {
        // A bug of ours, not the receiver's doing: still an attempt, recorded and retried like any failure.
        outcome = { ok: false, responseStatus: null, responseBody: null, latencyMs: 0, error: storable(`internal error: ${(err as Error).message}`, ERROR_LIMIT) };
      }
      return recordAttempt(db, c, outcome, now);
    }),
  );
  const attempts: AttemptResult[] = [];
  for (const s of settled) {
    // A delivery whose outcome could not be recorded keeps its lease and is retried once it expires.
    if (s.status === 'rejected') throw s.reason;
    if (s.value) attempts.push(s.value);
  }
  return { claimed: claimed.length, attempts };
}
