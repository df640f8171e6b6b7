// Background loops inside an API process (the scheduler, the webhook worker): one pass at a time, the next
// one intervalMs after the previous ended, until stop(). All their state is in the database, so any number
// of instances may run them and a restart loses nothing.

export interface Loop {
  /** Stops scheduling passes and waits for the one in flight: call it before closing the database. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` every intervalMs. A pass that throws is handed to `onError` and the loop goes on (the next
 * tick retries). `pass` gets `stopped()` so that a pass looping over a backlog can end early on shutdown.
 */
export function startLoop(intervalMs: number, pass: (stopped: () => boolean) => Promise<void>, onError: (err: unknown) => void): Loop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const isStopped = () => stopped;

  const next = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass(isStopped)
        .catch(onError)
        .finally(() => {
          running = undefined;
          next();
        });
    }, intervalMs);
  };
  next();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
