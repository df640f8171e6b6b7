// The in-process webhook worker: runs delivery passes every few hundred milliseconds. Every instance may run
// one; the claim (FOR UPDATE SKIP LOCKED, leases) keeps them from sending the same delivery twice at once.
import type { App } from '../../app.js';
import { type Loop, startLoop } from '../../background.js';
import { type DeliveryPassResult, runDueDeliveries } from './delivery.js';

/** Failed attempts and disabled endpoints at warn; never the URL (it may carry credentials), secret or signature. */
function logPass(app: App, pass: DeliveryPassResult) {
  for (const a of pass.attempts) {
    const fields = { deliveryId: a.deliveryId, endpointId: a.endpointId, eventId: a.eventId, attempt: a.attempt, responseStatus: a.responseStatus, latencyMs: a.latencyMs };
    if (a.status === 'succeeded') {
      app.log.debug(fields, 'webhooks: delivered');
      continue;
    }
    app.log.warn(
      { ...fields, error: a.error, status: a.status, nextAttemptAt: a.nextAttemptAt?.toISOString() ?? null },
      a.status === 'failed' ? 'webhooks: delivery failed for good' : 'webhooks: delivery attempt failed; will retry',
    );
    if (a.endpointDisabled) app.log.warn({ endpointId: a.endpointId, reason: a.endpointDisabled }, 'webhooks: endpoint disabled');
  }
}

/**
 * Runs delivery passes every intervalMs (never two at once) until stop(); a pass that claimed anything is
 * followed at once by another, so a backlog, or the next event about the same article, does not wait a tick.
 * A failed pass is logged and retried on the next tick. stop() waits for the pass in flight (at most about
 * WEBHOOK_TIMEOUT_MS), so call it before closing the database.
 */
export function startWebhookWorker(app: App, intervalMs: number): Loop {
  const options = { timeoutMs: app.config.webhookTimeoutMs, allowPrivateTargets: app.config.webhookAllowPrivateTargets };
  return startLoop(
    intervalMs,
    async (stopped) => {
      // Each pass moves what it claimed out of reach (done, or retried later under backoff), so this ends.
      while (!stopped()) {
        const pass = await runDueDeliveries(app.db, app.now(), options);
        logPass(app, pass);
        if (!pass.claimed) break;
      }
    },
    (err) => app.log.error({ err }, 'webhooks: delivery pass failed; retrying on the next tick'),
  );
}
