// LISTEN on a PostgreSQL channel over a dedicated connection that comes back when it drops.
import pg from 'pg';

/** Called with each notification's payload, and with null once a lost connection is back (notifications sent meanwhile were lost). */
export type OnNotify = (payload: string | null) => void;

/** Reconnect delays: doubling from the first to the last, then the last over and over. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 10_000;

/**
 * Opens a pg.Client of its own (never one of the pool's: LISTEN belongs to a server session, and a pooled
 * connection goes back to other work) and runs LISTEN on it. Resolves once listening, or rejects if the
 * first connection fails. When the connection drops it reconnects with backoff, and tells onNotify(null)
 * when it is listening again. The returned function stops listening and closes the connection.
 *
 * The URL must reach PostgreSQL directly or through a session-mode pooler: a transaction-mode pooler
 * (PgBouncer pool_mode=transaction) hands LISTEN's server connection to other clients, and notifications
 * never arrive.
 */
export async function listenPostgres(url: string, channel: string, onNotify: OnNotify, onError?: (err: Error) => void): Promise<() => Promise<void>> {
  let current: pg.Client | undefined;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async (): Promise<pg.Client> => {
    // keepAlive: an idle LISTEN connection dropped silently by a NAT or firewall is noticed, and replaced.
    const client = new pg.Client({ connectionString: url, keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    // 'error' then 'end' when the server goes away; either one starts the reconnect, once.
    client.on('error', (err) => lost(client, err));
    client.on('end', () => lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    return client;
  };

  const lost = (client: pg.Client, err?: Error) => {
    // Events from a client that is not the live one (still connecting, replaced or stopped) are not news.
    if (client !== current || stopped) return;
    current = undefined;
    client.end().catch(() => {});
    onError?.(err ?? new Error(`The connection listening on "${channel}" closed.`));
    retry();
  };

  const retry = () => {
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** failures);
    failures++;
    retryTimer = setTimeout(async () => {
      retryTimer = undefined;
      if (stopped) return;
      let client: pg.Client;
      try {
        client = await connect();
      } catch (err) {
        onError?.(err as Error);
        if (!stopped) retry();
        return;
      }
      if (stopped) {
        await client.end().catch(() => {});
        return;
      }
      current = client;
      failures = 0;
      onNotify(null);
    }, delay);
    // A pending reconnect does not keep the process alive on its own.
    retryTimer.unref();
  };

  current = await connect();
  return async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(retryTimer);
    const client = current;
    current = undefined;
    await client?.end().catch(() => {});
  };
}
