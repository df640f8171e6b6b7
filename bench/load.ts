// The load generator: a fixed-duration, fixed-concurrency GET loop with Node's fetch, run in a worker
// thread so the client does not share the server's event loop (or PGlite's WebAssembly) with it.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface LoadOptions {
  /** Absolute http://127.0.0.1 URLs, requested round-robin. */
  urls: string[];
  concurrency: number;
  durationMs: number;
  /** Requests made before measuring starts; their results are dropped. */
  warmupMs: number;
}

export interface LoadResult {
  requests: number;
  /** Non-2xx answers plus network failures. */
  errors: number;
  statuses: Record<string, number>;
  firstError?: string;
  elapsedMs: number;
  bytes: number;
  /** Milliseconds, one per measured request, unsorted. */
  latencies: Float64Array;
}

async function drive(o: LoadOptions): Promise<LoadResult> {
  for (const url of o.urls) {
    const host = new URL(url).hostname;
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`Refusing to load a non-loopback URL: ${url}`);
  }
  let next = 0;
  const run = async (until: number, record: boolean, acc: { lat: number[]; statuses: Record<string, number>; errors: number; bytes: number; firstError?: string }) => {
    while (performance.now() < until) {
      const url = o.urls[next++ % o.urls.length];
      const t0 = performance.now();
      let status = 'network';
      try {
        const res = await fetch(url);
        const body = await res.arrayBuffer();
        status = String(res.status);
        if (!record) continue;
        acc.bytes += body.byteLength;
        if (res.status < 200 || res.status > 299) {
          acc.errors++;
          acc.firstError ??= `${res.status} ${url}: ${Buffer.from(body).toString('utf8').slice(0, 300)}`;
        }
      } catch (err) {
        if (!record) continue;
        acc.errors++;
        acc.firstError ??= `${url}: ${(err as Error).message}`;
      }
      acc.lat.push(performance.now() - t0);
      acc.statuses[status] = (acc.statuses[status] ?? 0) + 1;
    }
  };
  const workers = (until: number, record: boolean, acc: Parameters<typeof run>[2]) =>
    Promise.all(Array.from({ length: o.concurrency }, () => run(until, record, acc)));

  if (o.warmupMs > 0) await workers(performance.now() + o.warmupMs, false, { lat: [], statuses: {}, errors: 0, bytes: 0 });
  parentPort?.postMessage({ type: 'measuring' });
  const acc: Parameters<typeof run>[2] = { lat: [], statuses: {}, errors: 0, bytes: 0 };
  const start = performance.now();
  // Requests in flight at the deadline finish and are counted: the loop stops by itself right after.
  await workers(start + o.durationMs, true, acc);
  const elapsedMs = performance.now() - start;
  return {
    requests: acc.lat.length,
    errors: acc.errors,
    statuses: acc.statuses,
    firstError: acc.firstError,
    elapsedMs,
    bytes: acc.bytes,
    latencies: Float64Array.from(acc.lat),
  };
}

/** Runs one load in a fresh worker thread and resolves with its result; onMeasuring runs when the warm-up ends. */
export function runLoad(options: LoadOptions, onMeasuring?: () => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // This file is TypeScript and Node 20 workers do not inherit tsx's loader hooks, so a small JS entry
    // loads it through tsx's API.
    const self = JSON.stringify(import.meta.url);
    const entry = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${self}, ${self}))`;
    const worker = new Worker(entry, { eval: true, workerData: options });
    worker.on('message', (message: { type: 'measuring' } | { type: 'done'; result: LoadResult }) => {
      if (message.type === 'measuring') return onMeasuring?.();
      resolve(message.result);
      // Idle keep-alive sockets could hold the thread open; the result is in hand, so end it.
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load worker exited (code ${code}) before reporting`)));
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  drive(workerData as LoadOptions).then(
    (result) => port.postMessage({ type: 'done', result }, [result.latencies.buffer as ArrayBuffer]),
    (err) => {
      throw err;
    },
  );
}
