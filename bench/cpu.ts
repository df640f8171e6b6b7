// CPU time spent serving the benchmark, read from /proc (Linux only): the server process (all its threads:
// Fastify, Drizzle, PGlite's WebAssembly, GC, libuv) plus, on PostgreSQL, the backends connected to the
// benchmark database. Unlike req/s it barely moves when other work shares the machine.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let tickMs: number | undefined;
function msPerTick(): number {
  if (tickMs === undefined) {
    let hz = 100;
    try {
      hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      // getconf missing: 100 Hz is the Linux default
    }
    tickMs = 1000 / hz;
  }
  return tickMs;
}

/** utime + stime of a /proc stat file, in ms; undefined when it cannot be read. */
function statCpuMs(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * msPerTick();
  } catch {
    return undefined;
  }
}

/** PostgreSQL backends show "postgres: <cluster>: <user> <database> <client> <state>" as their command line. */
function backendPids(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.startsWith('postgres: ') && cmd.includes(` ${database} `)) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

export type CpuSnapshot = Map<string, number>;

/** CPU ms so far of the server process and each backend; empty when /proc is not there. */
export function serverCpu(pid: number, postgresDatabase?: string): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  const main = statCpuMs(`/proc/${pid}/stat`);
  if (main === undefined) return snapshot;
  snapshot.set('main', main);
  if (postgresDatabase) {
    for (const pid of backendPids(postgresDatabase)) {
      const ms = statCpuMs(`/proc/${pid}/stat`);
      if (ms !== undefined) snapshot.set(`pg:${pid}`, ms);
    }
  }
  return snapshot;
}

/** CPU ms used between two snapshots; a backend that appeared in between counts from zero. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): { total: number; postgres?: number } | undefined {
  if (!before.size || !after.size) return undefined;
  let total = 0;
  let postgres: number | undefined;
  for (const [key, ms] of after) {
    const used = ms - (before.get(key) ?? 0);
    total += used;
    if (key.startsWith('pg:')) postgres = (postgres ?? 0) + used;
  }
  return { total, postgres };
}
