// Text and attribute values for the XML documents we write by hand (feeds, sitemaps).

/**
 * Characters XML 1.0 does not allow at all (§2.2 Char), not even as references: C0 controls other
 * than tab, LF and CR, U+FFFE, U+FFFF, and UTF-16 surrogates that are not part of a pair. A parser
 * rejects the whole document for one of them, so they are dropped rather than escaped.
 */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Escapes text for element content and attribute values alike. Escaping '>' too means a title holding
 * "]]>" is harmless, and we never use CDATA sections, so nothing can break out of one.
 */
export function escapeXml(value: string): string {
  return value.replace(NOT_XML_CHAR, '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** `<name>text</name>` with the text escaped. */
export const element = (name: string, text: string) => `<${name}>${escapeXml(text)}</${name}>`;

/** ` key="value"` attributes, escaped, skipping undefined and null values. */
export function attributes(values: Record<string, string | number | null | undefined>): string {
  let out = '';
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null) out += ` ${key}="${escapeXml(String(value))}"`;
  }
  return out;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
