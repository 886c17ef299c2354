// The listing page (/listing.html?id=N), reached from the search results by
// clicking a title: every field as GET /api/houseinfos/{id}/ gives it, the
// photos loaded, a thumbnail switching the big image, the agent's card; an
// unknown id and a missing id say so.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { until, texts } from '../lib.mjs'

const LIST = '/api/houseinfos/'

async function field(page, name) {
  return page.$eval(`[data-field="${name}"]`, (e) => e.textContent.trim()).catch(() => null)
}

async function ready(page, what) {
  await until(page, async (p) => !!(await p.$('[data-state]')), 8000, what)
}

export default async function (t) {
  const base = t.base
  const admin = await t.login('jackfrued', '123456')
  const title = `测试整租 采光好 ${t.unique}`
  const county = t.sql('SELECT distid FROM tb_district WHERE pid=440300 ORDER BY distid LIMIT 1')[0][0]
  const agents = await t.api('GET', '/api/agents/')
  const agent = agents.data.results[0]
  const estates = await t.api('GET', '/api/estates/', { token: admin })
  const estate = estates.data && estates.data.results ? estates.data.results[0] : null
  const images = join(t.stateDir, 'media', 'images')
  const files = readdirSync(images).filter((f) => f.endsWith('.jpg')).sort()
  let houseid = null
  try {
    const made = await t.api('POST', LIST, {
      token: admin,
      body: {
        title, area: 58, floor: 7, totalfloor: 18, direction: '朝南', price: 4321, priceunit: '元/月',
        detail: `南北通透，近地铁。\n第二行 <b>不是粗体</b>`, mainphoto: files[0], street: '深南大道1号',
        hassubway: true, isshared: false, hasagentfees: true, type: 2,
        district_level2: 440300, district_level3: Number(county),
        estate: estate ? estate.estateid : null, agent: agent.agentid, tags: [1, 3],
      },
    })
    houseid = made.data && made.data.houseid
    t.check('a listing to show is created', made.status === 201 && !!houseid, JSON.stringify(made.data))
    for (const f of files.slice(1, 3)) {
      const form = new FormData()
      form.append('photo', new Blob([readFileSync(join(images, f))], { type: 'image/jpeg' }), f)
      const up = await t.api('POST', `${LIST}${houseid}/photos/`, { token: admin, form })
      t.check(`photo ${f} added`, [200, 201].includes(up.status), JSON.stringify(up.data))
    }
    const detail = (await t.api('GET', `${LIST}${houseid}/`)).data

    // ---- From the search results, by the title ---------------------------------
    const page = await t.page()
    await page.goto(`${base}/?title=${encodeURIComponent(t.unique)}`, { waitUntil: 'networkidle0' })
    await until(page, async (p) => (await p.$eval('.results', (e) => e.dataset.state).catch(() => '')) === 'ready', 8000, 'results')
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'networkidle0' }),
      page.click(`.result[data-houseid="${houseid}"] .title a`),
    ])
    t.check('clicking the title opens its listing page', page.url() === `${base}/listing.html?id=${houseid}`, page.url())
    await ready(page, 'listing')
    const yesNo = (v) => (v ? '是' : '否')
    const want = {
      title: detail.title,
      price: String(detail.price),
      priceunit: detail.priceunit,
      type: detail.type.name,
      area: `${detail.area} m²`,
      floor: `${detail.floor}/${detail.totalfloor} 层`,
      direction: detail.direction,
      district: detail.district.name,
      street: detail.street,
      estate: detail.estate ? detail.estate.name : '—',
      pubdate: detail.pubdate,
      hassubway: yesNo(detail.hassubway),
      isshared: yesNo(detail.isshared),
      hasagentfees: yesNo(detail.hasagentfees),
      detail: detail.detail,
      'agent-name': detail.agent.name,
      'agent-tel': detail.agent.tel,
      'agent-stars': '★'.repeat(detail.agent.servstar) + '☆'.repeat(5 - detail.agent.servstar),
    }
    for (const [k, v] of Object.entries(want)) {
      const got = await field(page, k)
      t.check(`the page shows ${k} as the API gives it`, got === v, `page ${JSON.stringify(got)} api ${JSON.stringify(v)}`)
    }
    const tags = await texts(page, '[data-field="tag"]')
    t.check('the tags are the API\'s', JSON.stringify(tags) === JSON.stringify(detail.tags.map((x) => x.content)), tags.join(' '))
    const tel = await page.$eval('[data-field="agent-tel"]', (e) => e.getAttribute('href'))
    t.check('the agent\'s phone is a tel: link', tel === `tel:${detail.agent.tel}`, tel)
    const starsLabel = await page.$eval('[data-field="agent-stars"]', (e) => e.getAttribute('aria-label'))
    t.check('the stars have a label for screen readers', starsLabel === `${detail.agent.servstar} 星（满分 5 星）`, starsLabel)
    t.check('the description\'s markup is text', (await page.$$('.detail b')).length === 0)
    t.check('the page title names the listing', (await page.title()).startsWith(detail.title))

    // ---- Photos ----------------------------------------------------------------
    await page.$$eval('.thumb img', (els) => els.forEach((e) => { e.loading = 'eager' }))
    await until(page, (p) => p.$$eval('.gallery img', (els) => els.every((e) => e.complete)), 8000, 'photos loaded')
    const widths = await page.$$eval('.gallery img', (els) => els.map((e) => e.naturalWidth))
    const thumbs = await page.$$('.thumb')
    t.check('the gallery has the main photo and every photo', thumbs.length === 1 + detail.photos.length, `${thumbs.length} thumbnails`)
    t.check('every photo loads', widths.length > 1 && widths.every((w) => w > 0), widths.join(' '))
    const bigSrc = () => page.$eval('[data-gallery="big"]', (e) => new URL(e.src).pathname)
    t.check('the big image starts as the main photo', (await bigSrc()) === `/media/images/${detail.mainphoto}`, await bigSrc())
    await page.click('.thumb[data-index="2"]')
    await until(page, async () => (await bigSrc()) === detail.photos[1].path, 3000, 'big image switched').catch(() => {})
    t.check('clicking a thumbnail switches the big image', (await bigSrc()) === detail.photos[1].path, await bigSrc())
    const pressed = await page.$eval('.thumb[data-index="2"]', (e) => e.getAttribute('aria-pressed'))
    t.check('the chosen thumbnail is marked pressed', pressed === 'true', pressed)
    await until(page, (p) => p.$eval('[data-gallery="big"]', (e) => e.complete && e.naturalWidth > 0), 5000, 'big image loaded')
    await t.screenshot(page, 'listing-desktop')
    t.consoleClean(page, 'listing')
    t.sameOriginOnly(page, 'listing')
    await page.close()

    // ---- A phone -----------------------------------------------------------------
    const phone = await t.page({ width: 375, height: 800, mobile: true })
    await phone.goto(`${base}/listing.html?id=${houseid}`, { waitUntil: 'networkidle0' })
    await ready(phone, 'phone listing')
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    t.check(`phone: no sideways scrolling (${overflow} px)`, overflow <= 0)
    await t.screenshot(phone, 'listing-phone')
    t.consoleClean(phone, 'listing on a phone')
    t.sameOriginOnly(phone, 'listing on a phone')
    await phone.close()

    // ---- A demo listing without photos of its own --------------------------------
    const demo = await t.page()
    await demo.goto(`${base}/listing.html?id=1`, { waitUntil: 'networkidle0' })
    await ready(demo, 'listing 1')
    const one = (await t.api('GET', `${LIST}1/`)).data
    t.check('listing 1 shows its title', (await field(demo, 'title')) === one.title)
    const mainW = await demo.$eval('[data-gallery="big"]', (e) => e.naturalWidth).catch(() => 0)
    t.check('listing 1 shows its main photo', mainW > 0, `naturalWidth ${mainW}`)
    t.consoleClean(demo, 'listing 1')
    t.sameOriginOnly(demo, 'listing 1')
    await demo.close()
  } finally {
    if (houseid) {
      const del = await t.api('DELETE', `${LIST}${houseid}/`, { token: admin })
      t.check('the listing is deleted', del.status === 204, `status ${del.status}`)
    }
    await t.api('DELETE', `/api/tokens/${admin}/`, { token: admin })
  }

  // ---- An unknown id, no id ------------------------------------------------------
  const unknown = await t.page()
  await unknown.goto(`${base}/listing.html?id=987654321`, { waitUntil: 'networkidle0' })
  await ready(unknown, 'unknown id')
  const msg = await unknown.$eval('.notice-error', (e) => e.textContent).catch(() => null)
  t.check('an unknown id shows the API\'s 404 message', !!msg && msg.startsWith('未找到。'), msg)
  const back = await unknown.$eval('.missing a', (e) => e.getAttribute('href')).catch(() => null)
  t.check('and a link back to the search', back === '/', back)
  await t.screenshot(unknown, 'listing-unknown')
  t.consoleClean(unknown, 'unknown id', ['status of 404'])
  t.sameOriginOnly(unknown, 'unknown id')
  await unknown.close()

  const none = await t.page()
  await none.goto(`${base}/listing.html`, { waitUntil: 'networkidle0' })
  await ready(none, 'no id')
  const noneMsg = await none.$eval('.notice-error', (e) => e.textContent).catch(() => null)
  t.check('no id says which page to start from', !!noneMsg && noneMsg.includes('找房'), noneMsg)
  await t.screenshot(none, 'listing-no-id')
  t.consoleClean(none, 'no id')
  t.sameOriginOnly(none, 'no id')
  await none.close()
}
