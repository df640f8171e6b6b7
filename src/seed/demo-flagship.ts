// Demo content, the flagship: one invented story (and its Chinese translation) that fills every row of
// the reference page — quotes, captioned photos, a multi-line caption, heading, list, embed, ordered
// sources, an external original, tags, writer + photographer (+ translator), SEO fields.
import { type DemoArticle, embed, h, IMAGE_HOST, img, MOTHER_SITE, ol, p, photo, q } from './demo-data.js';

export const FLAGSHIP_SLUG = 'mekong-flood-warning-network-passes-first-test';
const ZH_SLUG = 'mekong-flood-warning-network-first-test-zh';
const COVER = 'world/flagship-river-crest';

export const flagship: DemoArticle = {
  slug: FLAGSHIP_SLUG,
  title: 'A shared flood-warning network along the Mekong passes its first real test',
  seoTitle: 'Mekong flood-warning network passes its first real test',
  lead:
    'Sirens sounded in 140 riverside villages nine hours before the water arrived last week, the first time a warning system built jointly by four neighbouring countries has faced a major flood.',
  category: 'world',
  tags: ['floods', 'mekong', 'climate', 'disasters'],
  authors: [
    ['linh-pham', 'writer'],
    ['huy-dang', 'photographer'],
  ],
  sources: ['afp', 'cnn', 'ap', 'smh'],
  datelinePlace: 'Vientiane',
  daysAgo: 0.25,
  originalStory: {
    publisher: MOTHER_SITE.publisher,
    locale: 'vi',
    url: `${MOTHER_SITE.url}/the-gioi/mang-canh-bao-lu-mekong-vuot-qua-thu-thach-dau-tien`,
  },
  seo: {
    title: 'Mekong flood-warning network passes its first real test | Dateline Demo',
    description: 'A warning system shared by four river countries gave villages nine hours to move people, livestock and rice before the flood crest arrived.',
    ogImageUrl: `${IMAGE_HOST}/${COVER}.jpg`,
  },
  coverImage: photo(
    COVER,
    'Brown floodwater surrounds stilt houses along a wide river at dawn',
    'Stilt houses stand in floodwater on the edge of the river south of Vientiane on 13/8.',
    'Photo: AFP',
  ),
  body: [
    p(
      'When the river began to rise on Tuesday night, the alarm did not wait for a phone call between capitals. Gauges upstream sent their readings every ten minutes to a shared forecasting server, and before dawn the first text messages had reached village chiefs more than 300 kilometres downstream.',
    ),
    p(
      'The network, run by the <b>Lower River Forecasting Alliance</b>, links 86 river gauges, 40 rain stations and one flood model that all four member governments agreed to trust. It was switched on in March after six years of talks over who would see which data, and when.',
    ),
    q(
      'For the first time, the warning travelled faster than the water. We had nine hours, and nine hours is enough to move people, pigs and rice.',
      'Lina Sayavong, head of forecasting at the Lower River Forecasting Alliance',
    ),
    img(
      'world/flagship-gauge-station',
      'A technician in a life vest reads a river gauge mounted on a concrete pier',
      'A technician checks a river gauge south of Vientiane on 12/8. The station reports the water level every ten minutes.',
      'Photo: AP',
    ),
    h('How the warning travelled'),
    ol(
      'Upstream gauges report the water level every ten minutes.',
      'The shared model forecasts the crest for each district a day ahead.',
      'When a district crosses its threshold, alerts go out by text message, radio and village loudspeaker.',
      'District officers confirm within an hour, or the alert is passed up to the province.',
    ),
    p(
      'The crest reached its highest point on Thursday morning, the highest level recorded at the alliance’s southern station in a decade. Provincial officials said no one drowned in the districts that received the alerts, compared with eleven deaths in a smaller flood four years ago.',
    ),
    q(
      'Last time we learned about the flood from the flood. This time my phone rang at four in the morning and the boats were ready by six.',
      'Bounmy Keola, chief of a riverside village in the south of the basin',
    ),
    img(
      'world/flagship-shelter',
      'Families carry bags and rolled mats up the steps of a school building',
      'Residents carry their belongings to a school used as a shelter on 13/8.\nMore than 12,000 people spent at least one night in shelters, provincial authorities said.\nMost were able to return home by the weekend.',
      'Photo: Huy Dang/Dateline',
    ),
    p(
      'Not everyone was reached in time. Fishing families who live on their boats had no fixed address in the alert lists, and two districts without mobile coverage relied on messengers on motorbikes. The alliance said both gaps would be closed before next year’s monsoon.',
    ),
    embed('youtube', 'https://www.youtube.com/watch?v=dtlnDemo001', 'Drone footage of the flood crest moving downstream (demo video)'),
    img(
      'world/flagship-sandbags',
      'Volunteers pass sandbags along a line on a muddy riverbank',
      'Volunteers build a sandbag wall around a rice mill on 12/8.',
      'Photo: AFP',
    ),
    p(
      'The alliance plans to add 30 gauges on the tributaries and to publish its forecasts as open data, so that farmers, ferry operators and insurers can use them too. “A warning that only governments can read is half a warning,” Ms Sayavong said.',
    ),
  ],
  translation: {
    locale: 'zh',
    slug: ZH_SLUG,
    title: '湄公河共享洪水预警网络经受住首次实战考验',
    datelinePlace: '万象',
    seoTitle: '湄公河洪水预警网络通过首次实战考验',
    lead: '上周洪峰到来前九个小时，沿岸140个村庄拉响了警报。这是四个邻国共同建设的预警系统第一次迎战大洪水。',
    authors: [
      ['linh-pham', 'writer'],
      ['huy-dang', 'photographer'],
      ['chen-yu', 'translator'],
    ],
    seo: {
      title: '湄公河洪水预警网络通过首次实战考验 | Dateline 演示站',
      description: '四个沿河国家共享的预警系统，让村民在洪峰到来前有九个小时转移人员、牲畜和稻米。',
      ogImageUrl: `${IMAGE_HOST}/${COVER}.jpg`,
    },
    originalStory: {
      publisher: MOTHER_SITE.publisher,
      locale: 'vi',
      url: `${MOTHER_SITE.url}/the-gioi/mang-canh-bao-lu-mekong-vuot-qua-thu-thach-dau-tien`,
    },
    coverImage: photo(COVER, '黎明时分，宽阔河面上的浑浊洪水包围着高脚屋', '8月13日，万象以南河岸边的高脚屋浸泡在洪水中。', '图：法新社'),
    body: [
      p('周二夜里河水开始上涨时，警报并没有等各国首都之间打电话商量。上游的水位站每十分钟就把读数发送到共享的预报服务器，天还没亮，第一批短信已经送到了300多公里外下游的村长手中。'),
      p('这套网络由<b>下游河流预报联盟</b>运营，连接了86个水位站、40个雨量站，以及四个成员国政府一致同意采信的同一个洪水模型。经过六年关于“谁在什么时候能看到哪些数据”的谈判，它于今年3月正式启用。'),
      q('这是第一次，警报跑在了洪水前面。我们有九个小时，九个小时足够把人、猪和稻米都转移走。', '下游河流预报联盟预报主管 莉娜·萨亚冯'),
      img('world/flagship-gauge-station', '一名身穿救生衣的技术人员在混凝土码头上读取水位标尺', '8月12日，一名技术人员在万象以南检查水位站。该站每十分钟上报一次水位。', '图：美联社'),
      h('警报是怎样传出去的'),
      ol(
        '上游水位站每十分钟上报一次水位。',
        '共享模型提前一天预报每个县的洪峰。',
        '一旦某个县超过警戒线，警报会通过短信、广播和村里的大喇叭发出。',
        '县里的官员须在一小时内确认收到，否则警报将上报到省里。',
      ),
      p('洪峰于周四上午达到最高点，是联盟南部水位站十年来记录到的最高水位。省级官员表示，收到警报的各县无人溺亡；而四年前一场规模更小的洪水曾造成11人死亡。'),
      q('上次我们是被洪水告知洪水来了。这次凌晨四点我的电话就响了，六点船就都准备好了。', '流域南部一个沿河村庄的村长 本米·科拉'),
      img(
        'world/flagship-shelter',
        '几户人家扛着包裹和卷起的草席走上一所学校的台阶',
        '8月13日，居民们把家当搬进一所用作避难所的学校。\n省政府表示，超过1.2万人至少在避难所度过了一夜。\n大多数人在周末前已经回到家中。',
        '图：邓辉/Dateline',
      ),
      p('并不是所有人都及时收到了警报。以船为家的渔民在警报名单上没有固定地址，两个没有手机信号的县只能靠骑摩托车的信使挨家通知。联盟表示，这两个漏洞将在明年雨季之前补上。'),
      embed('youtube', 'https://www.youtube.com/watch?v=dtlnDemo001', '航拍画面：洪峰向下游推进（演示视频）'),
      img('world/flagship-sandbags', '志愿者在泥泞的河岸上排成一行传递沙袋', '8月12日，志愿者在一家碾米厂周围垒起沙袋墙。', '图：法新社'),
      p('联盟计划在各条支流上再增设30个水位站，并以开放数据的形式发布预报，让农民、渡船经营者和保险公司也能使用。“只有政府看得懂的警报，只能算半个警报。”萨亚冯说。'),
    ],
  },
};
