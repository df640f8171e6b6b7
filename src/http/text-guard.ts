// Finds text that PostgreSQL would reject (NUL) or that is not valid Unicode (lone surrogates).
import type { FieldError } from './errors.js';

const MAX_DEPTH = 32;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Returns the first offending field as a JSON Pointer, or undefined when the value is clean. */
export function findTextProblem(value: unknown, pointer: string, depth = 0): FieldError | undefined {
  if (depth > MAX_DEPTH) return { pointer, detail: `is nested deeper than ${MAX_DEPTH} levels` };
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { pointer, detail: 'must not contain NUL characters' };
    if (LONE_SURROGATE.test(value)) return { pointer, detail: 'must be valid Unicode (no lone surrogates)' };
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findTextProblem(value[i], `${pointer}/${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const escaped = key.replace(/~/g, '~0').replace(/\//g, '~1');
      const keyProblem = findTextProblem(key, `${pointer}/${escaped}`, depth + 1);
      if (keyProblem) return keyProblem;
      const found = findTextProblem(child, `${pointer}/${escaped}`, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}
