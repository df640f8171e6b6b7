// Load for a fixed time: autocannon for GET scenarios (many paths, taken in turn by all connections), a plain
// loop of concurrent workers for S6, whose unit is a chain of three dependent requests.
import autocannon from 'autocannon';

export interface Measurement {
  /** Completed requests (S6: completed iterations), errors included. */
  requests: number;
  /** Requests sent, including those still unanswered when the time was up (the server still does their work). */
  sent: number;
  seconds: number;
  /** Milliseconds per request (S6: per iteration), unsorted. */
  latencies: Float64Array;
  /** Answers outside 2xx, plus connection errors and timeouts (S6: failed iterations). */
  failures: number;
  statuses: Record<string, number>;
  bytes: number;
  firstFailure?: string;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** Stop after this many requests instead (autocannon's amount). */
  amount?: number;
}

/** GETs `paths` round-robin (one counter shared by every connection) for o.seconds with o.connections. */
export function loadPaths(base: string, paths: string[], o: LoadOptions): Promise<Measurement> {
  let next = 0;
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: o.connections,
        duration: o.seconds,
        amount: o.amount,
        // The default 10 s would count a slow answer under load as an error instead of measuring it.
        timeout: 60,
        requests: [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }) }],
      },
      (err, result) => {
        if (err) return reject(err);
        const statuses: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = Number(count ?? 0);
        const completed = Object.values(statuses).reduce((a, b) => a + b, 0);
        const failures = result.non2xx + result.errors + result.timeouts;
        resolve({
          requests: completed,
          sent: (result.requests as { sent?: number }).sent ?? completed,
          seconds: result.duration,
          latencies: Float64Array.from(latencies),
          failures,
          statuses,
          bytes: result.throughput.total,
          firstFailure: failures ? `statuses ${JSON.stringify(statuses)}, ${result.errors} connection errors, ${result.timeouts} timeouts` : undefined,
        });
      },
    );
    // autocannon's own histogram has 1 ms resolution; these are the exact times (hrtime, in ms).
    instance.on('response', (_client, _status, _bytes, responseTime) => void latencies.push(responseTime));
  });
}

/** Runs `iteration` in o.connections concurrent loops for o.seconds; an iteration that throws is a failure. */
export async function loadLoop(iteration: () => Promise<void>, o: LoadOptions): Promise<Measurement> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const start = performance.now();
  const until = start + o.seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        await iteration();
      } catch (err) {
        failures++;
        firstFailure ??= (err as Error).message;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: o.connections }, worker));
  return {
    requests: latencies.length,
    sent: latencies.length,
    seconds: (performance.now() - start) / 1000,
    latencies: Float64Array.from(latencies),
    failures,
    statuses: {},
    bytes: 0,
    firstFailure,
  };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
