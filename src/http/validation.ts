// How request input is validated: one Ajv setup for the app's routes and for the importer, so a record is
// checked exactly as the same body would be over HTTP.
import { Ajv, type Options as AjvOptions } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from 'typebox';

/** Bodies are validated strictly: no type coercion, unknown fields rejected by the schemas, defaults filled in. */
export const BODY_VALIDATION: AjvOptions = { coerceTypes: false, useDefaults: true, removeAdditional: false };

/** Query strings and params arrive as text, so they are coerced. */
export const QUERY_VALIDATION: AjvOptions = { coerceTypes: 'array', useDefaults: true, removeAdditional: false };

/** An Ajv with formats and `schemas` (those with an $id) registered, so they validate by reference. */
export function makeAjv(schemas: TSchema[], options: AjvOptions): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: false, ...options });
  addFormats.default(ajv);
  for (const schema of schemas) ajv.addSchema(schema);
  return ajv;
}
