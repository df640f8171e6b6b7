// Parses XML responses with a real parser (fast-xml-parser), after checking they are well-formed.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Throws with the parser's message when `text` is not well-formed XML. */
export function parseXml(text: string, arrays: string[] = []): Record<string, any> {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    // Keep every value as the exact string sent: "2025" must not become a number, nor "true" a boolean.
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => arrays.includes(name),
  });
  return parser.parse(text);
}
