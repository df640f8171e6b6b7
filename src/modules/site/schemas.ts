// Site settings: the stored document (localized maps) and the reader view for one locale.
import Type, { type Static } from 'typebox';
import { HttpUrl, LocaleCode, Localized, ref } from '../../http/schemas.js';
import { CategoryNode } from '../categories/schemas.js';

export const SiteLocale = Type.Object(
  {
    code: LocaleCode,
    name: Type.String({ minLength: 1, maxLength: 60, description: 'Display name in its own language, e.g. English, 中文.' }),
  },
  { additionalProperties: false },
);

const Email = Type.String({ format: 'email', maxLength: 254 });
const Phone = Type.String({ maxLength: 40, pattern: '^[0-9+() .\\-]+$' });

export const SiteSettings = Type.Object(
  {
    name: Localized(120, 'Site name per locale.'),
    description: Type.Optional(Localized(500, 'One-line description of the site per locale (feeds use it; the name when absent).')),
    locales: Type.Array(SiteLocale, { minItems: 1, maxItems: 20 }),
    defaultLocale: LocaleCode,
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone for displaying dates.', examples: ['Asia/Ho_Chi_Minh'] }),
    logoUrl: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
    contact: Type.Object(
      {
        address: Localized(500, 'Publisher address per locale.'),
        email: Type.Optional(Type.Union([Email, Type.Null()])),
        phone: Type.Optional(Type.Union([Phone, Type.Null()])),
        advertising: Localized(300, 'Advertising contact line per locale.'),
        advertisingEmail: Type.Optional(Type.Union([Email, Type.Null()])),
        advertisingPhone: Type.Optional(Type.Union([Phone, Type.Null()])),
      },
      { additionalProperties: false },
    ),
    legalLinks: Type.Array(
      Type.Object({ label: Localized(120), url: HttpUrl }, { additionalProperties: false }),
      { maxItems: 20 },
    ),
    copyright: Localized(300, 'Copyright line per locale.'),
    workflow: Type.Optional(
      Type.Object(
        {
          authorsMayPublish: Type.Boolean({
            description: 'Authors may approve, schedule, publish and unpublish their own articles (editors always may). Off when absent.',
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'SiteSettings', additionalProperties: false },
);
export type SiteSettings = Static<typeof SiteSettings>;

export const SiteView = Type.Object(
  {
    locale: Type.String({ description: 'The locale the texts below are in.' }),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()], { description: "The site's one-line description in this locale (meta description of home pages); null when none is set." }),
    locales: Type.Array(SiteLocale),
    defaultLocale: Type.String(),
    homeUrl: Type.String({ description: "The front end's home page in this locale, from FRONTEND_URL_PATTERN (feeds and JSON-LD link to it too)." }),
    timeZone: Type.String(),
    logoUrl: Type.Union([Type.String(), Type.Null()]),
    contact: Type.Object({
      address: Type.String(),
      email: Type.Union([Type.String(), Type.Null()]),
      phone: Type.Union([Type.String(), Type.Null()]),
      advertising: Type.String(),
      advertisingEmail: Type.Union([Type.String(), Type.Null()]),
      advertisingPhone: Type.Union([Type.String(), Type.Null()]),
    }),
    legalLinks: Type.Array(Type.Object({ label: Type.String(), url: Type.String() })),
    copyright: Type.String(),
    updatedAt: Type.String({ format: 'date-time' }),
    navigation: Type.Optional(
      Type.Array(ref(CategoryNode), {
        description: 'Only with include=navigation: the category tree in display order, names in this locale (as GET /v1/categories?tree=true).',
      }),
    ),
  },
  { $id: 'SiteView' },
);
export type SiteView = Static<typeof SiteView>;

export const SiteQuery = Type.Object(
  {
    locale: Type.Optional(LocaleCode),
    include: Type.Optional(
      Type.Enum(['navigation'], { description: 'navigation: add the category tree, so one request gives a page its header and footer.' }),
    ),
  },
  { additionalProperties: false },
);

/** Registered as OpenAPI components. */
export const siteSchemas = [SiteSettings, SiteView];
