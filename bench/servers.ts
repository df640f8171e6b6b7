// The servers under test run as child processes (bench/api-server.ts, bench/baseline.ts), so that their memory
// is their own (VmHWM in /proc) and the load generator does not share their event loop. This file has both
// ends of the small IPC protocol: ready with the port, query counts, EXPLAIN (API only), close.
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

type ToChild = { type: 'queries' } | { type: 'memory' } | { type: 'capture' } | { type: 'explain' } | { type: 'close' };
type ToParent =
  | { type: 'ready'; port: number }
  | { type: 'queries'; count: number }
  | { type: 'memory'; usage: NodeJS.MemoryUsage }
  | { type: 'capturing' }
  | { type: 'explain'; text: string };

export interface ChildHandlers {
  /** SQL statements run so far. */
  queries(): number;
  /** Start recording the statements of the next requests. */
  capture?(): void;
  /** EXPLAIN ANALYZE of the recorded statements. */
  explain?(): Promise<string>;
  close(): Promise<void>;
}

/** Child side: tell the parent the port, then answer its messages until it asks to close. */
export function serveParent(app: { server: { address(): unknown } }, handlers: ChildHandlers) {
  // The parent may be gone already (it failed while another server started): then there is no one to tell.
  const send = (m: ToParent) => void (process.connected && process.send!(m));
  process.on('message', async (m: ToChild) => {
    if (m.type === 'queries') send({ type: 'queries', count: handlers.queries() });
    else if (m.type === 'memory') send({ type: 'memory', usage: process.memoryUsage() });
    else if (m.type === 'capture') {
      handlers.capture?.();
      send({ type: 'capturing' });
    }
    else if (m.type === 'explain') send({ type: 'explain', text: handlers.explain ? await handlers.explain() : '(no EXPLAIN here)' });
    else if (m.type === 'close') {
      await handlers.close().catch((err) => console.error(err));
      process.exit(0);
    }
  });
  // The parent going away (Ctrl-C, a crash) must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: (app.server.address() as AddressInfo).port });
}

export interface Server {
  name: string;
  pid: number;
  base: string;
  queries(): Promise<number>;
  /** process.memoryUsage() of the server: where its resident memory goes (V8 heap, buffers). */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Resolves once the server records statements: a request sent after that is captured. */
  capture(): Promise<void>;
  explain(): Promise<string>;
  /** Starts a new peak for peakRssMb(); false when /proc/<pid>/clear_refs is not writable (then the peak is since start). */
  resetPeak(): boolean;
  /** VmHWM: the most resident memory since the last resetPeak(). */
  peakRssMb(): number;
  stop(): Promise<void>;
}

const procStatus = (pid: number, field: string) => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

/** Parent side: forks bench/<entry>.ts under tsx with `env` added (and Node flags), and resolves once it listens. */
export async function startServer(name: string, entry: 'api-server' | 'baseline', env: Record<string, string>, nodeArgs: string[] = []): Promise<Server> {
  const file = fileURLToPath(new URL(`./${entry}.ts`, import.meta.url));
  const child: ChildProcess = fork(file, [], {
    execArgv: [...nodeArgs, '--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 120 s`)), 120_000);
    child.once('exit', (code) => reject(new Error(`${name} exited (code ${code}) before listening`)));
    child.on('message', (m: ToParent) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
  });
  const ask = <T extends ToParent['type']>(type: T, request: ToChild) =>
    new Promise<Extract<ToParent, { type: T }>>((resolve) => {
      const onMessage = (m: ToParent) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        resolve(m as Extract<ToParent, { type: T }>);
      };
      child.on('message', onMessage);
      child.send(request);
    });
  const pid = child.pid!;
  return {
    name,
    pid,
    base: `http://127.0.0.1:${port}`,
    queries: async () => (await ask('queries', { type: 'queries' })).count,
    memory: async () => (await ask('memory', { type: 'memory' })).usage,
    capture: async () => void (await ask('capturing', { type: 'capture' })),
    explain: async () => (await ask('explain', { type: 'explain' })).text,
    resetPeak() {
      try {
        // "5" resets the peak resident set size (Linux 4.0+, owner of the process).
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    peakRssMb: () => procStatus(pid, 'VmHWM'),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'close' } satisfies ToChild);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
