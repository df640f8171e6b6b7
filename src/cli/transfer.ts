// The terminal side of `dateline export` and `dateline import`: files and stdin/stdout, the progress bar and
// the summary. The records and the writes live in src/modules/transfer.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import type { Db } from '../db/client.js';
import { exportRecords, type ExportFilter } from '../modules/transfer/export.js';
import type { ImportEntry, ImportReport } from '../modules/transfer/import.js';
import { RECORD_TYPES, RecordError } from '../modules/transfer/records.js';

/** Writes every record as one JSON line; returns how many records, and of those articles. */
export async function exportTo(db: Db, filter: ExportFilter, output: string | undefined): Promise<{ records: number; articles: number }> {
  const out: Writable = output ? createWriteStream(output) : process.stdout;
  let records = 0;
  let articles = 0;
  for await (const record of exportRecords(db, filter)) {
    records++;
    if (record.type === 'article') articles++;
    // Waits when the reader is slower than the database, so a large archive is never all in memory.
    if (!out.write(JSON.stringify(record) + '\n')) await once(out, 'drain');
  }
  if (output) {
    out.end();
    await once(out, 'finish');
  }
  return { records, articles };
}

const lines = (file: string) => createInterface({ input: file === '-' ? process.stdin : createReadStream(file), crlfDelay: Infinity });

/** Records in a file (blank lines aside), for the progress bar's total; a first quick pass over the file. */
export async function countRecords(file: string): Promise<number> {
  let n = 0;
  for await (const line of lines(file)) if (line.trim()) n++;
  return n;
}

/** The NDJSON input as import entries, numbered by line; blank lines are skipped. */
export async function* ndjsonEntries(file: string): AsyncGenerator<ImportEntry> {
  let number = 0;
  for await (const raw of lines(file)) {
    number++;
    const line = number === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!line.trim()) continue;
    yield {
      where: `line ${number}`,
      read: () => {
        try {
          return JSON.parse(line);
        } catch (err) {
          throw new RecordError(`invalid JSON: ${(err as Error).message}`);
        }
      },
    };
  }
}

/**
 * A bar on stderr when it is a terminal and the total is known; otherwise a line every 1000 records
 * (logs of a scheduled job), and nothing for small inputs.
 */
export function progress(total: number | undefined, what = 'records') {
  if (process.stderr.isTTY && total) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: `Importing [{bar}] {percentage}% | {value}/{total} ${what} | ETA {eta_formatted}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { tick: () => bar.increment(), stop: () => bar.stop() };
  }
  let n = 0;
  return {
    tick: () => {
      if (++n % 1000 === 0) process.stderr.write(`... ${n}${total ? `/${total}` : ''} ${what}\n`);
    },
    stop: () => {},
  };
}

/** The summary for stdout: a table of outcomes per record type, then each rejection with its reason. */
export function formatReport(report: ImportReport, heading: string, skipped: string[] = []): string {
  const columns = ['created', 'updated', 'unchanged', 'rejected'] as const;
  const row = (name: string, values: number[]) => `  ${name.padEnd(10)}` + values.map((v, i) => String(v).padStart(columns[i].length + 2)).join('');
  const out = [heading, `  ${''.padEnd(10)}` + columns.map((c) => c.padStart(c.length + 2)).join('')];
  const totals = columns.map(() => 0);
  for (const type of RECORD_TYPES) {
    const values = columns.map((c) => report.counts[type][c]);
    values.forEach((v, i) => (totals[i] += v));
    if (values.some(Boolean)) out.push(row(type, values));
  }
  // Lines that could not be read have no type: they count in the total only.
  totals[3] = report.rejected.length;
  out.push(row('total', totals));
  if (skipped.length) out.push('Skipped:', ...skipped.map((s) => `  ${s}`));
  if (report.rejected.length) out.push('Rejected:', ...report.rejected.map((r) => `  ${r.where}${r.label ? ` (${r.label})` : ''}: ${r.reason}`));
  if (report.dryRun) out.push('Dry run: nothing was written.');
  return out.join('\n') + '\n';
}
