// Slugs from titles and names, for resources created without one.
import slugify from '@sindresorhus/slugify';
import { unprocessable } from './errors.js';

/** A URL slug from text; throws 422 at `pointer` when the text has no Latin letters or digits to use. */
export function slugFrom(text: string, pointer = '/body/slug'): string {
  const slug = slugify(text).slice(0, 120).replace(/-+$/, '');
  if (!slug) throw unprocessable([{ pointer, detail: 'is required: no slug can be made from the name (give one explicitly)' }]);
  return slug;
}
