// The list half of the query grammar: page[size], page[after|before], sort and meta=total for every collection.
import { type SQL } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { keyset, linkHeader, pageLinks, parseSort, type SortableField } from './pagination.js';
import { Cursor, MetaParam, PageSize } from './schemas.js';

/** Query parameters every list accepts; spread into a resource's querystring schema. */
export const listParams = (sortFields: string[], defaultSort: string) => ({
  sort: Type.Optional(
    Type.String({
      maxLength: 200,
      pattern: '^-?[A-Za-z]+(,-?[A-Za-z]+)*$',
      description: `Comma-separated fields, "-" for descending. Allowed: ${sortFields.join(', ')}. Default: ${defaultSort}. The id is always the final tiebreaker.`,
    }),
  ),
  'page[size]': Type.Optional(PageSize),
  'page[after]': Type.Optional(Cursor),
  'page[before]': Type.Optional(Cursor),
  meta: Type.Optional(MetaParam),
});

export interface ListQuery {
  sort?: string;
  'page[size]'?: number;
  'page[after]'?: string;
  'page[before]'?: string;
  meta?: 'total';
}

export interface Page<T> {
  items: T[];
  links: { self: string; next?: string; prev?: string };
  meta: { total?: number; page: { size: number } };
}

export interface PaginateOptions<Row extends Record<string, unknown>> {
  query: ListQuery;
  sortable: Record<string, SortableField>;
  defaultSort: string;
  idExpr: SQL;
  /** path + query of this request, for links */
  selfUrl: string;
  /** Runs the page query with the seek predicate (may be undefined), the ORDER BY terms and a LIMIT. */
  fetch: (seek: SQL | undefined, orderBy: SQL[], limit: number) => Promise<Row[]>;
  /** Counts all matching rows; called only for meta=total. */
  count: () => Promise<number>;
}

export async function paginate<Row extends Record<string, unknown>>(o: PaginateOptions<Row>): Promise<Page<Row>> {
  const size = o.query['page[size]'] ?? 20;
  const keys = parseSort(o.query.sort, o.sortable, o.defaultSort);
  const ks = keyset(keys, o.sortable, o.idExpr, { after: o.query['page[after]'], before: o.query['page[before]'] });
  const rows = await o.fetch(ks.where, ks.orderBy, size + 1);
  const self = new URL(o.selfUrl, 'http://x');
  const cameWithCursor = Boolean(o.query['page[after]'] || o.query['page[before]']);
  const { items, links } = pageLinks(rows, size, ks, keys, o.sortable, self, cameWithCursor);
  const meta: Page<Row>['meta'] = { page: { size } };
  if (o.query.meta === 'total') meta.total = await o.count();
  return { items, links, meta };
}

/** Splits `a,b,c` for `[in]`/`[nin]` filters. */
export const splitList = (value: string) => value.split(',').map((v) => v.trim()).filter(Boolean);

/** A filter value listing several items: comma-separated, at most 100. */
export const ListValue = (description: string) =>
  Type.String({ minLength: 1, maxLength: 4000, pattern: '^[^,]+(,[^,]+){0,99}$', description });

/** The list envelope, with the RFC 8288 Link header set from the same links. */
export function listReply<T>(reply: FastifyReply, page: Page<T>, baseUrl: string) {
  const header = linkHeader(page.links, baseUrl);
  if (header) reply.header('link', header);
  return { data: page.items, meta: page.meta, links: page.links };
}
