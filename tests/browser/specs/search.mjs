// The search page (/): filters chosen as a person would (selects, a hot
// city, a keyword), the count and the results equal to the API's answer for
// the same query, pages and the browser's back button, a shared URL, the
// messages for nothing found, a bad page and an API that cannot be reached,
// a hostile title shown as text, and the phone layout.
import { until, texts } from '../lib.mjs'

const LIST = '/api/houseinfos/'

// Waits until the results stand for the URL wanted and are drawn.
async function settled(page, what, urlOk = () => true) {
  await until(page, async (p) => {
    if (!urlOk(new URL(p.url()))) return false
    const s = await p.$eval('.results', (e) => e.dataset.state).catch(() => null)
    return s && s !== 'loading'
  }, 8000, what)
}

async function shown(page) {
  const count = await page.$eval('.count strong', (e) => Number(e.textContent)).catch(() => null)
  const titles = await texts(page, '.result .title a')
  const prices = await texts(page, '.result .price')
  return { count, titles, prices }
}

function expected(data) {
  return {
    count: data.count,
    titles: data.results.map((h) => h.title),
    prices: data.results.map((h) => `${h.price} ${h.priceunit}`),
  }
}

function same(a, b) { return JSON.stringify(a) === JSON.stringify(b) }

export default async function (t) {
  const base = t.base
  const errorsAllowed = ['status of 404']

  // ---- 广东 → 深圳 and 5000-8000 through the pickers --------------------------
  const page = await t.page()
  await page.goto(base + '/', { waitUntil: 'networkidle0' })
  await settled(page, 'first results')
  const all = await t.api('GET', LIST)
  t.check('first visit shows the newest listings', same(await shown(page), expected(all.data)),
    JSON.stringify(await shown(page)))
  const hot = await texts(page, '.hot-city')
  const hotApi = await t.api('GET', '/api/hotcities/')
  t.check('hot cities are the API\'s', same(hot, hotApi.data.map((c) => c.name)), hot.join(' '))
  await t.screenshot(page, 'search-first')
  const bytes = await page.evaluate(() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
    .reduce((n, e) => n + (e.transferSize || 0), 0))
  t.check(`the first visit transfers at most 200 KB (${Math.round(bytes / 1024)} KB)`, bytes > 0 && bytes <= 200 * 1024)

  await page.waitForSelector('#search-province option[value="440000"]')
  await page.select('#search-province', '440000')
  await page.waitForSelector('#search-city option[value="440300"]')
  await page.select('#search-city', '440300')
  await settled(page, 'results of 深圳', (u) => u.searchParams.get('city') === '440300')
  await page.select('#search-price', '5000-8000')
  await settled(page, 'results of 深圳 5000-8000', (u) => u.searchParams.get('maxprice') === '8000')
  const sz = await t.api('GET', `${LIST}?district=440300&minprice=5000&maxprice=8000`)
  const got = await shown(page)
  t.check('深圳 5000-8000: count, titles and prices equal the API\'s', same(got, expected(sz.data)),
    `page ${JSON.stringify(got)} api ${JSON.stringify(expected(sz.data))}`)
  const url = new URL(page.url())
  t.check('the URL carries the search (prov, city, minprice, maxprice)',
    url.searchParams.get('prov') === '440000' && url.searchParams.get('minprice') === '5000', url.search)
  const chips = await texts(page, '.chip-button')
  t.check('chosen filters are shown as chips', chips.some((c) => c.includes('深圳市')) && chips.some((c) => c.includes('5000-8000')),
    chips.join(' | '))
  await until(page, (p) => p.$$eval('.result img', (els) => els.every((e) => e.complete)), 8000, 'card photos')
  const photos = await page.$$eval('.result img', (els) => els.map((e) => ({ w: e.naturalWidth, alt: e.alt, lazy: e.loading })))
  t.check('every card photo loads, its alt the title', photos.length === sz.data.results.length
    && photos.every((p, i) => p.w > 0 && p.alt === sz.data.results[i].title), JSON.stringify(photos))
  t.check('card photos after the first are lazy-loaded', photos.slice(1).every((p) => p.lazy === 'lazy'))
  await t.screenshot(page, 'search-shenzhen-5000-8000')

  // ---- A chip removed; pages; back ---------------------------------------------
  await page.click('.chip-button[data-chip="price"]')
  await settled(page, 'results of 深圳', (u) => !u.searchParams.has('maxprice'))
  const sz1 = await t.api('GET', `${LIST}?district=440300`)
  t.check('removing the rent chip shows all of 深圳', same(await shown(page), expected(sz1.data)))
  const pages = await texts(page, '.pager .num')
  t.check('page numbers follow the count', same(pages, Array.from({ length: Math.ceil(sz1.data.count / 5) }, (_, i) => String(i + 1))),
    pages.join(' '))
  await page.click('.pager a[data-page="2"]')
  await settled(page, 'page 2', (u) => u.searchParams.get('page') === '2')
  const sz2 = await t.api('GET', `${LIST}?district=440300&page=2`)
  t.check('page 2 by its number equals the API\'s page 2', same(await shown(page), expected(sz2.data)))
  const page2Url = page.url()
  await t.screenshot(page, 'search-page-2')
  await page.goBack()
  await settled(page, 'back to page 1', (u) => !u.searchParams.has('page') && u.searchParams.get('city') === '440300')
  t.check('browser back returns to page 1 (URL and results)', same(await shown(page), expected(sz1.data)), page.url())
  await page.click('.pager a[data-pager="next"]')
  await settled(page, 'next page', (u) => u.searchParams.get('page') === '2')
  t.check('下一页 follows the API\'s next link', same(await shown(page), expected(sz2.data)))
  await page.click('.pager a[data-pager="prev"]')
  await settled(page, 'previous page', (u) => !u.searchParams.has('page'))
  t.check('上一页 follows the API\'s previous link', same(await shown(page), expected(sz1.data)))

  const shared = await t.page()
  await shared.goto(page2Url, { waitUntil: 'networkidle0' })
  await settled(shared, 'shared URL')
  t.check('a shared URL shows the same search in a new tab', same(await shown(shared), expected(sz2.data)), page2Url)
  const pickers = await shared.evaluate(() => [document.querySelector('#search-province').value, document.querySelector('#search-city').value])
  t.check('the shared URL restores the pickers', same(pickers, ['440000', '440300']), pickers.join(' '))
  t.consoleClean(shared, 'shared URL')
  t.sameOriginOnly(shared, 'shared URL')
  await shared.close()

  // ---- A hot city, a keyword, ordering, nothing found -------------------------
  await page.click('.btn-clear')
  await settled(page, 'cleared', (u) => !u.searchParams.has('city'))
  await page.click('.hot-city[data-distid="440300"]')
  await settled(page, 'hot city 深圳', (u) => u.searchParams.get('city') === '440300')
  t.check('the hot city 深圳 searches 深圳', same(await shown(page), expected(sz1.data)))
  await page.waitForSelector('#search-province option[value="440000"]')
  const prov = await page.$eval('#search-province', (e) => e.value)
  t.check('the hot city sets the province picker', prov === '440000', prov)

  await page.type('#search-title', '地铁')
  await page.keyboard.press('Enter')
  await settled(page, 'keyword', (u) => u.searchParams.get('title') === '地铁')
  const kw = await t.api('GET', `${LIST}?district=440300&title=${encodeURIComponent('地铁')}`)
  t.check('a title keyword equals the API\'s search', same(await shown(page), expected(kw.data)) && kw.data.count > 0,
    JSON.stringify(await shown(page)))

  await page.select('#search-ordering', 'price')
  await settled(page, 'ordering', (u) => u.searchParams.get('ordering') === 'price')
  const ord = await t.api('GET', `${LIST}?district=440300&ordering=price&title=${encodeURIComponent('地铁')}`)
  const byPrice = await shown(page)
  const nums = byPrice.prices.map((p) => parseInt(p, 10))
  t.check('租金从低到高 equals the API and goes up', same(byPrice, expected(ord.data)) && nums.every((n, i) => i === 0 || nums[i - 1] <= n),
    byPrice.prices.join(' '))
  await t.screenshot(page, 'search-keyword-price')

  await page.$eval('#search-title', (e) => { e.value = '' })
  await page.type('#search-title', `无此房源${t.unique}`)
  await page.keyboard.press('Enter')
  await settled(page, 'nothing found', (u) => (u.searchParams.get('title') || '').startsWith('无此房源'))
  const empty = await page.$eval('.results .notice', (e) => e.textContent).catch(() => null)
  t.check('nothing found says so', empty === '没有找到符合条件的房源', empty)
  t.check('nothing found: 共 0 套', (await shown(page)).count === 0)
  await t.screenshot(page, 'search-empty')
  t.consoleClean(page, 'search')
  t.sameOriginOnly(page, 'search')
  await page.close()

  // ---- A page past the last: the API's 404 message ------------------------------
  const bad = await t.page()
  await bad.goto(base + '/?page=999', { waitUntil: 'networkidle0' })
  await settled(bad, 'page 999')
  const badText = await bad.$eval('.results .notice-error', (e) => e.textContent).catch(() => null)
  t.check('?page=999 shows the API\'s message 无效页面。', badText === '无效页面。', badText)
  await t.screenshot(bad, 'search-404')
  t.consoleClean(bad, 'page 999', errorsAllowed)
  t.sameOriginOnly(bad, 'page 999')
  await bad.close()

  // ---- The API cannot be reached ----------------------------------------------
  const down = await t.page()
  await down.setRequestInterception(true)
  down.on('request', (r) => (r.url().includes(LIST) ? r.abort() : r.continue()))
  await down.goto(base + '/', { waitUntil: 'networkidle0' })
  await settled(down, 'unreachable')
  const downText = await down.$eval('.results .notice-error', (e) => e.textContent).catch(() => null)
  t.check('an unreachable API says 无法连接服务器…', !!downText && downText.startsWith('无法连接服务器'), downText)
  await t.screenshot(down, 'search-unreachable')
  t.consoleClean(down, 'unreachable', ['net::ERR_FAILED'])
  t.sameOriginOnly(down, 'unreachable')
  await down.close()

  // ---- A hostile title is text --------------------------------------------------
  const hostile = '<img src=x onerror=alert(1)>'
  const admin = await t.login('jackfrued', '123456')
  const county = t.sql('SELECT distid FROM tb_district WHERE pid=440300 ORDER BY distid LIMIT 1')[0][0]
  let houseid = null
  try {
    const made = await t.api('POST', LIST, {
      token: admin,
      body: {
        title: hostile, area: 30, floor: 2, totalfloor: 6, direction: '朝南', price: 1234, priceunit: '元/月',
        detail: hostile, mainphoto: all.data.results[0].mainphoto.split('/').pop(), street: `测试街${t.unique}`, hassubway: false, isshared: false, hasagentfees: false,
        type: 1, district_level2: 440300, district_level3: Number(county), tags: [],
      },
    })
    houseid = made.data && made.data.houseid
    t.check('a listing with a hostile title is created', made.status === 201 && !!houseid, JSON.stringify(made.data))
    const evil = await t.page()
    const dialogs = []
    evil.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss() })
    await evil.goto(`${base}/?title=${encodeURIComponent('onerror')}`, { waitUntil: 'networkidle0' })
    await settled(evil, 'hostile search')
    const title = await evil.$eval(`.result[data-houseid="${houseid}"] .title a`, (e) => e.textContent).catch(() => null)
    t.check('the hostile title shows as its characters', title === hostile, title)
    t.check('no element was made of it', (await evil.$$('img[src="x"]')).length === 0)
    await new Promise((r) => setTimeout(r, 300))
    t.check('no dialog fired', dialogs.length === 0, dialogs.join(' '))
    await t.screenshot(evil, 'search-hostile')
    t.consoleClean(evil, 'hostile title')
    t.sameOriginOnly(evil, 'hostile title')
    await evil.close()
  } finally {
    if (houseid) {
      const del = await t.api('DELETE', `${LIST}${houseid}/`, { token: admin })
      t.check('the hostile listing is deleted', del.status === 204, `status ${del.status}`)
    }
    await t.api('DELETE', `/api/tokens/${admin}/`, { token: admin })
  }

  // ---- The keyboard alone -------------------------------------------------------
  const keys = await t.page({ width: 375, height: 800, mobile: true })
  await keys.goto(base + '/', { waitUntil: 'networkidle0' })
  await settled(keys, 'keyboard page')
  let reached = false
  for (let i = 0; i < 40 && !reached; i++) {
    await keys.keyboard.press('Tab')
    reached = await keys.evaluate(() => document.activeElement && document.activeElement.dataset.distid === '440300')
  }
  t.check('Tab reaches the hot city 深圳', reached)
  const outline = await keys.evaluate(() => getComputedStyle(document.activeElement).outlineStyle)
  t.check('the focused control shows its focus', outline !== 'none', outline)
  await t.screenshot(keys, 'search-keyboard-focus')
  await keys.keyboard.press('Enter')
  await settled(keys, 'keyboard city', (u) => u.searchParams.get('city') === '440300')
  t.check('Enter on it searches 深圳', same(await shown(keys), expected(sz1.data)))
  t.consoleClean(keys, 'keyboard')
  t.sameOriginOnly(keys, 'keyboard')
  await keys.close()

  // ---- Signed in: the same search, the frame names the user ---------------------
  const renterLogin = await t.api('POST', '/api/tokens/', { body: { username: 'wangdachui', password: '123123' } })
  const renter = renterLogin.data.token
  try {
    const signed = await t.page()
    await signed.goto(base + '/', { waitUntil: 'domcontentloaded' })
    await signed.evaluate((tok, user) => {
      localStorage.setItem('zufang.token', tok)
      localStorage.setItem('zufang.user', JSON.stringify(user))
    }, renter, { username: renterLogin.data.username, realname: renterLogin.data.realname,
      userid: JSON.parse(Buffer.from(renter.split('.')[1], 'base64url').toString()).data.userid })
    await signed.goto(`${base}/?prov=440000&city=440300&minprice=5000&maxprice=8000`, { waitUntil: 'networkidle0' })
    await settled(signed, 'signed-in search')
    t.check('signed in: the same results', same(await shown(signed), expected(sz.data)))
    const who = await signed.$eval('[data-nav="account"]', (e) => e.textContent.trim()).catch(() => null)
    t.check('signed in: the frame names the user', who === (renterLogin.data.realname || renterLogin.data.username), who)
    t.consoleClean(signed, 'signed in')
    t.sameOriginOnly(signed, 'signed in')
    await signed.evaluate(() => { localStorage.clear(); sessionStorage.clear() })
    await signed.close()
  } finally {
    await t.api('DELETE', `/api/tokens/${renter}/`, { token: renter })
  }

  // ---- A phone, 375 px wide -----------------------------------------------------
  const phone = await t.page({ width: 375, height: 800, mobile: true })
  await phone.goto(`${base}/?prov=440000&city=440300&minprice=5000&maxprice=8000`, { waitUntil: 'networkidle0' })
  await settled(phone, 'phone results')
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  t.check(`phone: no sideways scrolling (${overflow} px)`, overflow <= 0)
  const phoneShown = await shown(phone)
  t.check('phone: the cards show the same results', same(phoneShown, expected(sz.data)))
  const fits = await phone.$$eval('.result', (els) => els.every((e) => e.getBoundingClientRect().right <= window.innerWidth))
  t.check('phone: every card fits the screen', fits)
  await until(phone, (p) => p.$$eval('.result img', (els) => els.every((e) => e.complete && e.naturalWidth > 0)), 8000, 'phone photos')
  await t.screenshot(phone, 'search-phone')
  t.consoleClean(phone, 'phone')
  t.sameOriginOnly(phone, 'phone')
  await phone.close()
}
