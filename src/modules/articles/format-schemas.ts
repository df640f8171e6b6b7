// Shapes of an article's alternative formats: schema.org NewsArticle (JSON-LD) and IPTC ninjs 2.1.
// Their keys follow those standards (@type, versioncreated...), not our camelCase convention.
import Type, { type Static } from 'typebox';

const Url = Type.String({ format: 'uri' });
const DateTime = Type.String({ format: 'date-time' });

// ---- schema.org NewsArticle, as Google's Article structured data reads it ----

const Person = Type.Object({
  '@type': Type.Literal('Person'),
  name: Type.String(),
  url: Url,
});

const Organization = Type.Object({
  '@type': Type.Literal('Organization'),
  name: Type.String(),
  url: Url,
});

const TranslationRef = Type.Object(
  {
    '@type': Type.Literal('NewsArticle'),
    url: Url,
    inLanguage: Type.String(),
  },
  { description: 'Another public language version of the story.' },
);

export const NewsArticle = Type.Object(
  {
    '@context': Type.Literal('https://schema.org'),
    '@type': Type.Literal('NewsArticle'),
    url: Url,
    mainEntityOfPage: Type.String({ format: 'uri', description: 'The front-end page of the article (FRONTEND_URL_PATTERN).' }),
    headline: Type.String({ maxLength: 110, description: 'The title, cut with an ellipsis past 110 characters (Google’s limit).' }),
    description: Type.Optional(Type.String({ description: 'The SEO description, else the lead.' })),
    image: Type.Optional(Type.Array(Url, { minItems: 1, description: 'Cover image, then the Open Graph image.' })),
    datePublished: Type.Optional(DateTime),
    dateModified: DateTime,
    author: Type.Array(Type.Union([Person, Organization]), {
      minItems: 1,
      description: 'Writers, photographers and contributors, in byline order; the publisher when the byline has none of them.',
    }),
    translator: Type.Optional(Type.Array(Person)),
    editor: Type.Optional(Type.Array(Person)),
    publisher: Type.Object({
      '@type': Type.Literal('Organization'),
      name: Type.String({ description: 'The site name in the article’s locale.' }),
      url: Url,
      logo: Type.Optional(Type.Object({ '@type': Type.Literal('ImageObject'), url: Url })),
    }),
    inLanguage: Type.String(),
    articleSection: Type.Optional(Type.String({ description: 'The category name.' })),
    keywords: Type.Optional(Type.Array(Type.String(), { description: 'The tag names.' })),
    dateline: Type.Optional(Type.String()),
    isBasedOn: Type.Optional(Type.String({ format: 'uri', description: 'originalStory.url.' })),
    workTranslation: Type.Optional(Type.Array(TranslationRef, { description: 'On the original: its public translations.' })),
    translationOfWork: Type.Optional(TranslationRef),
  },
  {
    $id: 'NewsArticle',
    description:
      'schema.org NewsArticle as JSON-LD (https://schema.org/NewsArticle), with the properties Google’s Article structured data reads. ' +
      'The original of a translation group (earliest first publication) lists its public translations in workTranslation; ' +
      'each translation names it in translationOfWork. Drafts and embargoed versions are never linked.',
    examples: [
      {
        '@context': 'https://schema.org',
        '@type': 'NewsArticle',
        url: 'https://news.example/en/world/river-towns-brace-for-a-record-flood-crest',
        mainEntityOfPage: 'https://news.example/en/world/river-towns-brace-for-a-record-flood-crest',
        headline: 'River towns brace for a record flood crest',
        description: 'Officials opened shelters as the water rose overnight.',
        image: ['https://img.news.example/flood.jpg'],
        datePublished: '2025-08-14T12:02:00.000Z',
        dateModified: '2025-08-14T12:30:00.000Z',
        author: [{ '@type': 'Person', name: 'Lan Nguyen', url: 'https://news.example/authors/lan-nguyen' }],
        publisher: {
          '@type': 'Organization',
          name: 'Dateline',
          url: 'https://news.example/en/',
          logo: { '@type': 'ImageObject', url: 'https://news.example/logo.png' },
        },
        inLanguage: 'en',
        articleSection: 'World',
        keywords: ['Floods', 'Mekong'],
        dateline: 'Can Tho',
        workTranslation: [{ '@type': 'NewsArticle', url: 'https://news.example/zh/world/river-towns-brace-for-a-record-flood-crest', inLanguage: 'zh' }],
      },
    ],
  },
);
export type NewsArticle = Static<typeof NewsArticle>;

// ---- IPTC ninjs 2.1 (https://iptc.org/standards/ninjs/), property names as in its JSON Schema ----

const NinjsText = Type.Object({
  role: Type.Optional(Type.String()),
  contenttype: Type.Optional(Type.String()),
  value: Type.String(),
});

const NinjsRendition = Type.Object({
  name: Type.String(),
  href: Url,
  contenttype: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
  width: Type.Optional(Type.Integer()),
  height: Type.Optional(Type.Integer()),
});

const NinjsConcept = Type.Object({
  name: Type.String(),
  uri: Type.Optional(Url),
  literal: Type.Optional(Type.String()),
});

const NinjsPicture = Type.Object(
  {
    name: Type.String({ description: 'featureimage for the cover, image1, image2... for body images in order.' }),
    uri: Type.String({ format: 'uri', description: 'The image URL: Dateline has no other identifier for an image.' }),
    type: Type.Literal('picture'),
    by: Type.Optional(Type.String({ description: 'The credit line.' })),
    descriptions: Type.Optional(Type.Array(NinjsText, { description: 'role caption and role alt (alternative text), plain text.' })),
    renditions: Type.Array(NinjsRendition),
  },
  { description: 'An image of the article as a ninjs object.' },
);

export const Ninjs = Type.Object(
  {
    uri: Type.String({ format: 'uri', description: 'urn:uuid:<article id>, as in the feeds: stable when the slug changes.' }),
    standard: Type.Object({ name: Type.Literal('ninjs'), version: Type.String(), schema: Url }),
    type: Type.Literal('text'),
    representationtype: Type.Literal('full'),
    version: Type.String({ description: 'The row version, as in the ETag.' }),
    firstcreated: Type.String({ format: 'date-time', description: 'The first publication, else the creation time.' }),
    versioncreated: Type.String({ format: 'date-time', description: 'updatedAt.' }),
    embargoed: Type.Optional(DateTime),
    expires: Type.Optional(Type.String({ format: 'date-time', description: 'The planned take-down (unpublishAt).' })),
    pubstatus: Type.Enum(['usable', 'withheld'], { description: 'usable when published, withheld otherwise.' }),
    copyrightholder: Type.String({ description: 'The site name in the article’s locale.' }),
    copyrightnotice: Type.Optional(Type.String()),
    language: Type.String(),
    slugline: Type.String(),
    headlines: Type.Array(NinjsText),
    descriptions: Type.Optional(Type.Array(NinjsText, { description: 'The lead, role summary.' })),
    bodies: Type.Array(NinjsText, { description: 'The sanitized HTML body, role main.' }),
    by: Type.Optional(Type.String({ description: 'Author names in byline order.' })),
    located: Type.Optional(Type.String()),
    subjects: Type.Optional(Type.Array(NinjsConcept, { description: 'The category, then the tags; uri is their API URL.' })),
    infosources: Type.Optional(Type.Array(NinjsConcept)),
    renditions: Type.Array(NinjsRendition, { description: 'The front-end page (name web).' }),
    associations: Type.Optional(Type.Array(NinjsPicture)),
    altids: Type.Array(Type.Object({ role: Type.String(), value: Type.String() })),
  },
  {
    $id: 'Ninjs',
    description: 'IPTC ninjs 2.1 (News in JSON, https://www.iptc.org/std/ninjs/ninjs-schema_2.1.json); valid against the official schema.',
    examples: [
      {
        uri: 'urn:uuid:0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d5e',
        standard: { name: 'ninjs', version: '2.1', schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json' },
        type: 'text',
        representationtype: 'full',
        version: '3',
        firstcreated: '2025-08-14T12:02:00.000Z',
        versioncreated: '2025-08-14T12:30:00.000Z',
        pubstatus: 'usable',
        copyrightholder: 'Dateline',
        language: 'en',
        slugline: 'river-towns-brace-for-a-record-flood-crest',
        headlines: [{ role: 'main', value: 'River towns brace for a record flood crest' }],
        descriptions: [{ role: 'summary', contenttype: 'text/plain', value: 'Officials opened shelters as the water rose overnight.' }],
        bodies: [{ role: 'main', contenttype: 'text/html', value: '<p>The river rose two metres in six hours.</p>' }],
        by: 'Lan Nguyen',
        located: 'Can Tho',
        subjects: [{ name: 'World', uri: 'https://api.news.example/v1/categories/0198a1b2-0000-7000-8000-000000000011', literal: 'world' }],
        renditions: [
          { name: 'web', href: 'https://news.example/en/world/river-towns-brace-for-a-record-flood-crest', contenttype: 'text/html' },
        ],
        associations: [
          {
            name: 'featureimage',
            uri: 'https://img.news.example/flood.jpg',
            type: 'picture',
            by: 'Photo: AP',
            descriptions: [{ role: 'caption', contenttype: 'text/plain', value: 'Boats on a flooded street.' }],
            renditions: [{ name: 'original', href: 'https://img.news.example/flood.jpg', contenttype: 'image/jpeg', width: 1200, height: 800 }],
          },
        ],
        altids: [{ role: 'translationgroup', value: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c0000' }],
      },
    ],
  },
);
export type Ninjs = Static<typeof Ninjs>;

/** Registered as OpenAPI components. */
export const formatSchemas = [NewsArticle, Ninjs];
