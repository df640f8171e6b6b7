// Writes transfer records (records.ts) through the services, one transaction per record: created, updated,
// unchanged (re-importing the same input writes nothing) or rejected with a reason, never half-written.
import { isDeepStrictEqual } from 'node:util';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articles, authors, categories, sources, tags } from '../../db/schema/index.js';
import type { WriteContext } from '../../http/context.js';
import { AppError } from '../../http/errors.js';
import { cleanBlocks } from '../articles/render.js';
import type { ArticleCreate, ImportedState } from '../articles/schemas.js';
import { createArticle, updateArticle } from '../articles/service.js';
import { createAuthor, updateAuthor } from '../authors/service.js';
import { createCategory, updateCategory } from '../categories/service.js';
import { getSiteSettings, replaceSiteSettings } from '../site/service.js';
import { createSource, updateSource } from '../sources/service.js';
import { createTag, updateTag } from '../tags/service.js';
import { articleRecords } from './export.js';
import {
  type ArticleKey,
  type ArticleRecord,
  checkArticleInput,
  RECORD_TYPES,
  RecordError,
  recordLabel,
  type RecordType,
  type TransferRecord,
  validateRecord,
} from './records.js';

/** One input record: where it came from ("line 12", "post 42") and how to read it (throws RecordError when unreadable). */
export interface ImportEntry {
  where: string;
  read(): unknown;
}

export type Outcome = 'created' | 'updated' | 'unchanged';
export type Tally = Record<Outcome | 'rejected', number>;

export interface ImportReport {
  counts: Record<RecordType, Tally>;
  /** In input order. `label` names the record ("en/some-slug") when it could be read. */
  rejected: Array<{ where: string; label?: string; reason: string }>;
  dryRun: boolean;
}

export interface ImportOptions {
  ctx: WriteContext;
  /** Validate, resolve and write everything in one transaction that is then rolled back. */
  dryRun?: boolean;
  /** Called once per entry read, for progress. */
  onEntry?: () => void;
  /**
   * How many records are written at once (each in its own transaction, on its own pooled connection); 1, the
   * default, writes them strictly in input order. A dry run is one transaction, so it always writes one at a time.
   */
  concurrency?: number;
}

/** A slug the record names that is not there (yet): retried once the rest of the input is in. */
class MissingRelation extends RecordError {}

/**
 * Failures that writing records side by side can cause and writing them one by one cannot: a deadlock, or a
 * unique key a record written at the same moment took (two versions of one story in one locale). Retried at
 * the end, one at a time, where they succeed or fail with the reason a sequential import gives.
 */
const RACES = new Set(['40P01', '40001', '23505']);
class DryRunRollback extends Error {}

const RECORD_NAME: Record<RecordType, string> = { site: 'site settings', category: 'category', tag: 'tag', author: 'author', source: 'source', article: 'article' };

/** Compares as JSON: key order and absent-vs-undefined do not count as a change. */
const same = (a: unknown, b: unknown) => isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));
const at = (s: string | null | undefined) => (s ? new Date(s).toISOString() : null);

export async function importRecords(db: Db, entries: AsyncIterable<ImportEntry> | Iterable<ImportEntry>, options: ImportOptions): Promise<ImportReport> {
  const counts = Object.fromEntries(RECORD_TYPES.map((t) => [t, { created: 0, updated: 0, unchanged: 0, rejected: 0 }])) as Record<RecordType, Tally>;
  const rejected: Array<{ seq: number; where: string; label?: string; reason: string }> = [];
  const seen = new Map<string, string>();
  let seq = 0;

  /** `value` is what was read: a record that failed its schema is still named and counted by its type when it has one. */
  const reject = (n: number, where: string, value: unknown, err: unknown) => {
    const type = typeof value === 'object' && value !== null ? ((value as { type?: unknown }).type ?? 'article') : undefined;
    const known = RECORD_TYPES.includes(type as RecordType);
    if (known) counts[type as RecordType].rejected++;
    rejected.push({ seq: n, where, label: known ? recordLabel(value as TransferRecord) : undefined, reason: reasonOf(err) });
  };

  /** One record in its own transaction (a savepoint in a dry run); 'deferred' when it names something not there yet. */
  const attempt = async (target: Db, n: number, where: string, record: TransferRecord, mayDefer: boolean) => {
    try {
      const outcome = await target.transaction(async (tx) => {
        // A commit that waits for its WAL flush costs a disk sync per record, most of an import's time on a
        // server. Without the wait a crash can lose the last records committed (never half of one, never
        // corruption), and importing the same input again writes exactly those: the import is idempotent.
        await tx.execute(sql`SET LOCAL synchronous_commit = off`);
        return writeRecord(tx, record, options.ctx);
      });
      counts[(record.type ?? 'article') as RecordType][outcome]++;
      return outcome;
    } catch (err) {
      if ((err instanceof MissingRelation || RACES.has(pgError(err)?.code ?? '')) && mayDefer) return 'deferred';
      if (isFatal(err)) throw err;
      reject(n, where, record, err);
      return 'rejected';
    }
  };

  const run = async (target: Db, concurrency: number) => {
    const deferred: Array<{ n: number; where: string; record: TransferRecord }> = [];
    // Records in flight; a fatal error (the database went away) stops the reading and is thrown once all have settled.
    const inFlight = new Set<Promise<void>>();
    let fatal: unknown;
    const write = async (n: number, where: string, record: TransferRecord) => {
      try {
        if ((await attempt(target, n, where, record, true)) === 'deferred') deferred.push({ n, where, record });
      } catch (err) {
        fatal ??= err;
      }
    };
    for await (const entry of entries) {
      if (fatal) break;
      options.onEntry?.();
      const n = seq++;
      let value: unknown;
      let record: TransferRecord;
      try {
        value = entry.read();
        record = validateRecord(value);
      } catch (err) {
        reject(n, entry.where, value, err);
        continue;
      }
      const key = `${record.type ?? 'article'} ${recordLabel(record)}`;
      const first = seen.get(key);
      if (first) {
        reject(n, entry.where, record, new RecordError(`the same ${RECORD_NAME[(record.type ?? 'article') as RecordType]} as ${first}: each appears once per import`));
        continue;
      }
      seen.set(key, entry.where);
      const written: Promise<void> = write(n, entry.where, record).finally(() => inFlight.delete(written));
      inFlight.add(written);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (fatal) throw fatal;
    // In input order, as a sequential import would have met them.
    deferred.sort((a, b) => a.n - b.n);
    // Records naming something further down the input (a translation before its original, a child category
    // before its parent), in rounds until a round gets nothing more in; what is left is really missing.
    let pending = deferred;
    while (pending.length) {
      const next: typeof pending = [];
      for (const d of pending) if ((await attempt(target, d.n, d.where, d.record, true)) === 'deferred') next.push(d);
      if (next.length === pending.length) {
        for (const d of next) await attempt(target, d.n, d.where, d.record, false);
        break;
      }
      pending = next;
    }
  };

  if (options.dryRun) {
    await db
      .transaction(async (tx) => {
        await run(tx, 1);
        throw new DryRunRollback();
      })
      .catch((err) => {
        if (!(err instanceof DryRunRollback)) throw err;
      });
  } else {
    await run(db, Math.max(1, options.concurrency ?? 1));
  }
  rejected.sort((a, b) => a.seq - b.seq);
  return { counts, rejected: rejected.map(({ seq: _seq, ...r }) => r), dryRun: Boolean(options.dryRun) };
}

function writeRecord(tx: Db, record: TransferRecord, ctx: WriteContext): Promise<Outcome> {
  switch (record.type ?? 'article') {
    case 'site':
      return writeSite(tx, record as Extract<TransferRecord, { type: 'site' }>, ctx);
    case 'category':
      return writeCategory(tx, record as Extract<TransferRecord, { type: 'category' }>, ctx);
    case 'tag': {
      const r = record as Extract<TransferRecord, { type: 'tag' }>;
      return upsert(tx, tags, r.slug, { names: r.names }, (input) => createTag(tx, { slug: r.slug, ...input }, ctx), (id, changes) => updateTag(tx, id, changes, ctx));
    }
    case 'author': {
      const r = record as Extract<TransferRecord, { type: 'author' }>;
      const wanted = { name: r.name, bios: r.bios ?? {}, avatarUrl: r.avatarUrl ?? null, email: r.email ?? null };
      return upsert(tx, authors, r.slug, wanted, (input) => createAuthor(tx, { slug: r.slug, ...input }, ctx), (id, changes) => updateAuthor(tx, id, changes, ctx));
    }
    case 'source': {
      const r = record as Extract<TransferRecord, { type: 'source' }>;
      const wanted = { shortName: r.shortName, fullName: r.fullName, url: r.url ?? null, kind: r.kind };
      return upsert(tx, sources, r.slug, wanted, (input) => createSource(tx, { slug: r.slug, ...input }, ctx), (id, changes) => updateSource(tx, id, changes, ctx));
    }
    default:
      return writeArticle(tx, record as ArticleRecord, ctx);
  }
}

async function writeSite(tx: Db, record: Extract<TransferRecord, { type: 'site' }>, ctx: WriteContext): Promise<Outcome> {
  const { settings } = await getSiteSettings(tx);
  if (same(settings, record.settings)) return 'unchanged';
  await replaceSiteSettings(tx, record.settings, ctx);
  return 'updated';
}

type SlugTable = typeof categories | typeof tags | typeof authors | typeof sources;

/** Creates the row with this slug, or updates the fields that differ (only those), or leaves it alone. */
async function upsert<W extends Record<string, unknown>>(
  tx: Db,
  table: SlugTable,
  slug: string,
  wanted: W,
  create: (input: W) => Promise<unknown>,
  update: (id: string, changes: Partial<W>) => Promise<unknown>,
): Promise<Outcome> {
  const [row] = (await tx.select().from(table).where(eq(table.slug, slug))) as Array<Record<string, unknown> & { id: string }>;
  if (!row) {
    await create(wanted);
    return 'created';
  }
  const changes = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => !same(row[k], v))) as Partial<W>;
  if (!Object.keys(changes).length) return 'unchanged';
  await update(row.id, changes);
  return 'updated';
}

async function writeCategory(tx: Db, r: Extract<TransferRecord, { type: 'category' }>, ctx: WriteContext): Promise<Outcome> {
  const parentId = r.parent ? (await idsOf(tx, categories, 'parent category', [r.parent]))[0] : null;
  const wanted = { parentId, position: r.position ?? 0, names: r.names, descriptions: r.descriptions ?? {} };
  return upsert(tx, categories, r.slug, wanted, (input) => createCategory(tx, { slug: r.slug, ...input }, ctx), (id, changes) => updateCategory(tx, id, changes, ctx));
}

/** The ids of these slugs, in order; the first one missing is a MissingRelation. */
async function idsOf(tx: Db, table: SlugTable, what: string, slugs: string[]): Promise<string[]> {
  if (!slugs.length) return [];
  const rows = await tx.select({ id: table.id, slug: table.slug }).from(table).where(inArray(table.slug, slugs));
  const ids = new Map(rows.map((r) => [r.slug, r.id]));
  const missing = slugs.find((s) => !ids.has(s));
  if (missing) throw new MissingRelation(`${what} "${missing}" is neither in the database nor in the input`);
  return slugs.map((s) => ids.get(s)!);
}

async function articleOf(tx: Db, key: ArticleKey, field: string) {
  const [row] = await tx
    .select({ id: articles.id, translationGroupId: articles.translationGroupId })
    .from(articles)
    .where(and(eq(articles.locale, key.locale), eq(articles.slug, key.slug)));
  if (!row) throw new MissingRelation(`${field} ${key.locale}/${key.slug} is neither in the database nor in the input`);
  return row;
}

/** The recorded status and dates, with the rules an archive must keep (a published story has its date). */
function recordedState(r: ArticleRecord): ImportedState {
  const status = r.status ?? 'draft';
  if (status === 'published' && !r.publishedAt) throw new RecordError('/publishedAt is required for a published article (imports keep the original date)');
  if (status === 'scheduled' && !r.publishAt) throw new RecordError('/publishAt is required for a scheduled article');
  return {
    status,
    publishedAt: at(r.publishedAt),
    firstPublishedAt: at(r.firstPublishedAt ?? r.publishedAt),
    publishAt: at(r.publishAt),
    unpublishAt: at(r.unpublishAt),
    embargoUntil: at(r.embargoUntil),
    corrections: (r.corrections ?? []).map((c) => ({ text: c.text, at: at(c.at)! })),
    ...(r.createdAt ? { createdAt: at(r.createdAt)! } : {}),
  };
}

/** The record as export would write it back once stored, for the "unchanged" test (createdAt never changes on update). */
function comparable(r: ArticleRecord, state: ImportedState) {
  return {
    locale: r.locale,
    slug: r.slug,
    title: r.title,
    seoTitle: r.seoTitle ?? null,
    lead: r.lead ?? '',
    // Stored as the service stores it: inline HTML sanitized.
    body: cleanBlocks(r.body ?? []),
    status: state.status,
    publishedAt: state.publishedAt,
    firstPublishedAt: state.firstPublishedAt,
    publishAt: state.publishAt,
    unpublishAt: state.unpublishAt,
    embargoUntil: state.embargoUntil,
    category: r.category ?? null,
    tags: r.tags ?? [],
    authors: (r.authors ?? []).map((a) => ({ slug: a.slug, role: a.role })),
    sources: r.sources ?? [],
    coverImage: r.coverImage ?? null,
    datelinePlace: r.datelinePlace ?? null,
    originalStory: r.originalStory ?? null,
    seo: r.seo ?? {},
    corrections: state.corrections,
  };
}

async function writeArticle(tx: Db, r: ArticleRecord, ctx: WriteContext): Promise<Outcome> {
  const state = recordedState(r);
  const categoryId = r.category ? (await idsOf(tx, categories, 'category', [r.category]))[0] : null;
  const tagIds = await idsOf(tx, tags, 'tag', r.tags ?? []);
  const authorIds = await idsOf(tx, authors, 'author', [...new Set((r.authors ?? []).map((a) => a.slug))]);
  const authorId = new Map([...new Set((r.authors ?? []).map((a) => a.slug))].map((slug, i) => [slug, authorIds[i]]));
  const sourceIds = await idsOf(tx, sources, 'source', r.sources ?? []);
  const story = r.translationOf ? await articleOf(tx, r.translationOf, 'translationOf') : undefined;
  const original = r.originalStory?.article ? await articleOf(tx, r.originalStory.article, 'originalStory.article') : undefined;
  const input: ArticleCreate = {
    locale: r.locale,
    slug: r.slug,
    title: r.title,
    seoTitle: r.seoTitle ?? null,
    lead: r.lead ?? '',
    body: r.body ?? [],
    categoryId,
    tagIds,
    authors: (r.authors ?? []).map((a) => ({ authorId: authorId.get(a.slug)!, role: a.role })),
    sourceIds,
    coverImage: r.coverImage ?? null,
    datelinePlace: r.datelinePlace ?? null,
    originalStory: r.originalStory
      ? { publisher: r.originalStory.publisher, locale: r.originalStory.locale, url: r.originalStory.url, ...(original ? { articleId: original.id } : {}) }
      : null,
    seo: r.seo ?? {},
  };
  checkArticleInput(input);

  const [existing] = await tx.select().from(articles).where(and(eq(articles.locale, r.locale), eq(articles.slug, r.slug)));
  if (!existing) {
    await createArticle(tx, { ...input, imported: state, translationOf: story?.id }, ctx);
    return 'created';
  }
  // Already linked when both are versions of one story, whichever of them came first.
  const linked = !story || story.translationGroupId === existing.translationGroupId;
  const [stored] = await articleRecords(tx, [existing]);
  const { createdAt: _createdAt, translationOf: _translationOf, type: _type, ...current } = stored;
  if (linked && same(current, comparable(r, state))) return 'unchanged';
  const { locale: _locale, slug: _slug, ...changes } = input;
  await updateArticle(tx, existing.id, { ...changes, imported: state, translationOf: linked ? undefined : story?.id }, ctx, 'import');
  return 'updated';
}

/** Lost connections and shutdowns stop the import; anything else is this record's problem. */
function isFatal(err: unknown): boolean {
  const code = pgError(err)?.code ?? '';
  return code.startsWith('08') || code.startsWith('57');
}

function pgError(err: unknown): { code: string; message: string; detail?: string } | undefined {
  let e = err as { cause?: unknown; code?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e as { code: string; message: string; detail?: string };
    e = e.cause as typeof e;
  }
  return undefined;
}

/** One line for the summary: field errors as "/pointer detail" (relative to the record), else the message. */
export function reasonOf(err: unknown): string {
  if (err instanceof RecordError) return err.message;
  if (err instanceof AppError) {
    if (err.status === 409 || !err.errors?.length) return err.message;
    return err.errors.map((e) => `${e.pointer.replace(/^\/body/, '') || '/'} ${e.detail}`).join('; ');
  }
  const pg = pgError(err);
  if (pg) return pg.detail ? `${pg.message} (${pg.detail})` : pg.message;
  return (err as Error)?.message ?? String(err);
}
