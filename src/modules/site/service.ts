// Reads and replaces the site settings document (one row per site; Dateline serves one site today).
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { siteSettings } from '../../db/schema/index.js';
import type { WriteContext } from '../../http/context.js';
import { badRequest, type FieldError, unprocessable } from '../../http/errors.js';
import { pickLocale } from '../../http/localize.js';
import { frontendHome } from '../articles/public.js';
import { recordAudit } from '../audit/service.js';
import { emitEvent } from '../webhooks/outbox.js';
import type { SiteSettings, SiteView } from './schemas.js';

const SITE_ID = 'default';

/** Used until an editor saves real settings, so a fresh install still answers. */
export const DEFAULT_SETTINGS: SiteSettings = {
  name: { en: 'Dateline' },
  locales: [{ code: 'en', name: 'English' }],
  defaultLocale: 'en',
  timeZone: 'UTC',
  logoUrl: null,
  contact: { address: {}, email: null, phone: null, advertising: {}, advertisingEmail: null, advertisingPhone: null },
  legalLinks: [],
  copyright: {},
};

export async function getSiteSettings(db: Db): Promise<{ settings: SiteSettings; updatedAt: Date }> {
  const [row] = await db.select().from(siteSettings).where(eq(siteSettings.id, SITE_ID));
  if (!row) return { settings: DEFAULT_SETTINGS, updatedAt: new Date(0) };
  return { settings: row.settings as SiteSettings, updatedAt: row.updatedAt };
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Rules the schema cannot state: a real time zone, a default among the locales, no duplicates. */
function checkSettings(s: SiteSettings) {
  const errors: FieldError[] = [];
  if (!isTimeZone(s.timeZone)) errors.push({ pointer: '/body/timeZone', detail: 'is not an IANA time zone' });
  const codes = s.locales.map((l) => l.code);
  codes.forEach((c, i) => {
    if (codes.indexOf(c) !== i) errors.push({ pointer: `/body/locales/${i}/code`, detail: `duplicates locale "${c}"` });
  });
  if (!codes.includes(s.defaultLocale)) errors.push({ pointer: '/body/defaultLocale', detail: 'must be one of the site locales' });
  if (errors.length) throw unprocessable(errors);
}

export async function replaceSiteSettings(db: Db, settings: SiteSettings, ctx: WriteContext) {
  const { now } = ctx;
  checkSettings(settings);
  await db.transaction(async (tx) => {
    await tx
      .insert(siteSettings)
      .values({ id: SITE_ID, settings, updatedAt: now })
      .onConflictDoUpdate({ target: siteSettings.id, set: { settings, updatedAt: now } });
    await recordAudit(tx, ctx, { action: 'site.update', resourceType: 'site', resourceId: SITE_ID, details: { locales: settings.locales.map((l) => l.code) } });
    await emitEvent(tx, { type: 'site.updated', data: { updatedAt: now.toISOString() }, orderingKey: 'site' }, now);
  });
  return { settings, updatedAt: now };
}

/** The site locale codes; articles and translations must use one of them. */
export async function siteLocales(db: Db): Promise<{ codes: string[]; defaultLocale: string }> {
  const { settings } = await getSiteSettings(db);
  return { codes: settings.locales.map((l) => l.code), defaultLocale: settings.defaultLocale };
}

export async function getSiteView(db: Db, locale: string | undefined, frontendUrlPattern: string): Promise<SiteView> {
  const { settings: s, updatedAt } = await getSiteSettings(db);
  if (locale && !s.locales.some((l) => l.code === locale)) {
    throw badRequest([{ pointer: '/query/locale', detail: `is not a site locale (${s.locales.map((l) => l.code).join(', ')})` }]);
  }
  const use = locale ?? s.defaultLocale;
  const pick = (values: Record<string, string>) => pickLocale(values, use, s.defaultLocale);
  return {
    locale: use,
    name: pick(s.name),
    description: s.description && Object.keys(s.description).length ? pick(s.description) : null,
    locales: s.locales,
    defaultLocale: s.defaultLocale,
    homeUrl: frontendHome(frontendUrlPattern, use),
    timeZone: s.timeZone,
    logoUrl: s.logoUrl ?? null,
    contact: {
      address: pick(s.contact.address),
      email: s.contact.email ?? null,
      phone: s.contact.phone ?? null,
      advertising: pick(s.contact.advertising),
      advertisingEmail: s.contact.advertisingEmail ?? null,
      advertisingPhone: s.contact.advertisingPhone ?? null,
    },
    legalLinks: s.legalLinks.map((l) => ({ label: pick(l.label), url: l.url })),
    copyright: pick(s.copyright),
    updatedAt: updatedAt.toISOString(),
  };
}
