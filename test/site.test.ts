import t from 'tap';
import { buildTestApp } from './helpers/app.js';

const settings = {
  name: { en: 'Delta Daily', zh: '三角洲日报' },
  description: { en: 'News from the delta' },
  locales: [
    { code: 'en', name: 'English' },
    { code: 'zh', name: '中文' },
  ],
  defaultLocale: 'en',
  timeZone: 'Asia/Ho_Chi_Minh',
  logoUrl: 'https://cdn.example.com/logo.png',
  contact: {
    address: { en: '1 River Road, Can Tho', zh: '芹苴市河路1号' },
    email: 'desk@example.com',
    phone: '+84 292 000 000',
    advertising: { en: 'Advertise with us', zh: '广告合作' },
    advertisingEmail: 'ads@example.com',
    advertisingPhone: '+84 292 000 001',
  },
  legalLinks: [{ label: { en: 'Privacy', zh: '隐私' }, url: 'https://example.com/privacy' }],
  copyright: { en: '© Delta Daily', zh: '© 三角洲日报' },
};

t.test('site settings', async (t) => {
  const { app, auth, tokenWith } = await buildTestApp(t);

  await t.test('a fresh site answers with defaults', async (t) => {
    const res = await app.inject({ url: '/v1/site' });
    t.equal(res.statusCode, 200);
    t.equal(res.json().data.defaultLocale, 'en');
    t.equal(res.json().data.timeZone, 'UTC');
    t.equal(res.json().data.description, null, 'no description set');
  });

  await t.test('editors replace the settings; readers get them in their locale', async (t) => {
    const put = await app.inject({ method: 'PUT', url: '/v1/site', headers: auth, payload: settings });
    t.equal(put.statusCode, 200, put.body);
    t.same(put.json().data, settings);

    const zh = await app.inject({ url: '/v1/site?locale=zh' });
    t.equal(zh.statusCode, 200);
    const data = zh.json().data;
    t.equal(data.locale, 'zh');
    t.equal(data.name, '三角洲日报');
    t.equal(data.contact.address, '芹苴市河路1号');
    t.equal(data.contact.advertising, '广告合作');
    t.equal(data.legalLinks[0].label, '隐私');
    t.equal(data.copyright, '© 三角洲日报');
    t.same(data.locales, settings.locales);
    t.equal(data.description, 'News from the delta', 'the default locale stands in for a missing translation');
    t.equal(data.homeUrl, 'http://dateline.test/zh/', "the front end's home page in that locale (FRONTEND_URL_PATTERN)");
    t.equal(zh.headers['content-language'], 'zh');
    t.equal((await app.inject({ url: '/v1/site' })).json().data.name, 'Delta Daily', 'default locale without ?locale');

    const raw = await app.inject({ url: '/v1/site/settings', headers: auth });
    t.same(raw.json().data, settings);
  });

  await t.test('bad settings are refused and change nothing', async (t) => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...settings, timeZone: 'Mars/Olympus' }, 422, '/body/timeZone'],
      [{ ...settings, defaultLocale: 'fr' }, 422, '/body/defaultLocale'],
      [{ ...settings, locales: [settings.locales[0], settings.locales[0]] }, 422, '/body/locales/1/code'],
      [{ ...settings, locales: [] }, 400, '/body/locales'],
      [{ ...settings, colour: 'red' }, 400, '/body/colour'],
      [{ ...settings, contact: { ...settings.contact, email: 'not-an-email' } }, 400, '/body/contact/email'],
      [{ ...settings, legalLinks: [{ label: { en: 'x' }, url: 'ftp://x' }] }, 400, '/body/legalLinks/0/url'],
    ];
    for (const [payload, status, pointer] of cases) {
      const res = await app.inject({ method: 'PUT', url: '/v1/site', headers: auth, payload });
      t.equal(res.statusCode, status, pointer);
      t.equal(res.json().errors[0].pointer, pointer);
    }
    t.same((await app.inject({ url: '/v1/site/settings', headers: auth })).json().data, settings);
    const unknownLocale = await app.inject({ url: '/v1/site?locale=fr' });
    t.equal(unknownLocale.statusCode, 400);
    t.equal(unknownLocale.json().errors[0].pointer, '/query/locale');
  });

  await t.test('writing settings needs the settings:write scope', async (t) => {
    t.equal((await app.inject({ method: 'PUT', url: '/v1/site', payload: settings })).statusCode, 401);
    const writer = await tokenWith(['content:write']);
    const res = await app.inject({ method: 'PUT', url: '/v1/site', headers: { authorization: `Bearer ${writer}` }, payload: settings });
    t.equal(res.statusCode, 403);
    t.match(res.json().detail, /settings:write/);
    t.equal((await app.inject({ url: '/v1/site/settings' })).statusCode, 401);
  });
});
