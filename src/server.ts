// Entry point: config → database (migrated) → first-start chores → buildApp → listen; closes gracefully on SIGTERM/SIGINT.
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ensureAdminToken, wantsDemoSeed } from './bootstrap.js';
import { configFromEnv, describeError, openConfiguredDatabase } from './cli/common.js';
import { startScheduler } from './modules/articles/scheduler.js';
import { indexMissing } from './modules/search/indexer.js';
import { startWebhookWorker } from './modules/webhooks/worker.js';
import { seedDemo } from './seed/demo.js';

const config = configFromEnv();
const database = await openConfiguredDatabase(config);
const app = await buildApp({ config, database });
let scheduler: { stop(): Promise<void> } | undefined;
let webhookWorker: { stop(): Promise<void> } | undefined;

try {
  await database.migrate();

  const admin = await ensureAdminToken(database.db);
  if (admin) {
    app.log.warn(
      { tokenId: admin.id },
      `No active API token, so an admin token with every scope was created. Store it now: it is shown only this once (only its hash is kept): ${admin.secret}`,
    );
  }

  if (wantsDemoSeed(config, database.engine)) await seedDemo(database.db, (msg) => app.log.info(msg));

  // Articles loaded in bulk or written before search existed get their search documents now.
  const indexed = await indexMissing(database.db);
  if (indexed) app.log.info(`search: indexed ${indexed} articles that had no search document`);

  // Due publications and take-downs, every few seconds; stopped below before the database closes.
  if (config.schedulerIntervalMs > 0) scheduler = startScheduler(app, config.schedulerIntervalMs);
  else app.log.info('SCHEDULER_INTERVAL_MS=0: this instance does not publish scheduled articles');

  // Webhook deliveries, from the outbox; stopped below (after its pass in flight) before the database closes.
  if (config.webhookWorkerIntervalMs > 0) webhookWorker = startWebhookWorker(app, config.webhookWorkerIntervalMs);
  else app.log.info('WEBHOOK_WORKER_INTERVAL_MS=0: this instance does not deliver webhooks');
  if (config.webhookAllowPrivateTargets) app.log.warn('WEBHOOK_ALLOW_PRIVATE_TARGETS=true: webhooks may target loopback and private addresses');

  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close the database, exit 0.
  // A second signal, or still closing after 10 s, exits 1 at once.
  closeWithGrace({ delay: 10_000, logger: { error: (msg: unknown) => app.log.error(msg) } }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an uncaught error');
    else app.log.info(`${signal ?? 'exit'}: closing after in-flight requests finish`);
    await scheduler?.stop();
    await webhookWorker?.stop();
    await app.close();
    await database.close();
    app.log.info('closed');
  });

  await app.listen({ host: config.host, port: config.port });
  app.log.info(`API reference at ${config.publicBaseUrl}/docs (spec at ${config.publicBaseUrl}/v1/openapi.json)`);
} catch (err) {
  app.log.fatal({ err }, `could not start: ${describeError(err)}`);
  await scheduler?.stop().catch(() => {});
  await webhookWorker?.stop().catch(() => {});
  await app.close().catch(() => {});
  await database.close().catch(() => {});
  process.exit(1);
}
