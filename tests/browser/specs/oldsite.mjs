// The old site's own pages against this API: its chart page (ECharts over
// /bar/) and its listing page's 付款预定 (/api/payments/<id>/, then
// location.href = url). The two pages are kept as they used the API in
// tests/browser/old-site/ and handed to the browser at /old/ on the site's
// own origin (request interception), with ECharts from the site's npm
// package: nothing of the site's own pages is involved.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deleteOrdersMade, until } from '../lib.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const ROOT = join(here, '..', '..', '..')
const FILES = {
  '/old/bar.html': [join(here, '..', 'old-site', 'bar.html'), 'text/html; charset=utf-8'],
  '/old/detail.html': [join(here, '..', 'old-site', 'detail.html'), 'text/html; charset=utf-8'],
  '/old/echarts.min.js': [join(ROOT, 'nginx', 'site', 'node_modules', 'echarts', 'dist', 'echarts.min.js'), 'text/javascript'],
}

// No console error but, at most, the 404 of the browser's own /favicon.ico
// probe (the old pages link no icon): every other failed request counts.
function consoleCleanButFavicon(t, page, name) {
  const onlyFavicon = t.entryOf(page).failedRequests.every((l) => l.includes('/favicon.ico -> 404'))
  return t.consoleClean(page, name, onlyFavicon ? ['status of 404'] : [])
}

async function oldSitePage(t) {
  const page = await t.page()
  const origin = new URL(t.base).origin
  await page.setRequestInterception(true)
  page.on('request', (r) => {
    const u = new URL(r.url())
    const file = u.origin === origin ? FILES[u.pathname] : undefined
    if (file) r.respond({ status: 200, contentType: file[1], body: readFileSync(file[0]) })
    else r.continue()
  })
  return page
}

// The share of the canvas's pixels that are drawn (not transparent).
async function drawnShare(page) {
  return page.$eval('#main canvas', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
    let drawn = 0
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) drawn++
    return drawn / (d.length / 4)
  }).catch(() => 0)
}

async function chartPage(t, query, label) {
  const page = await oldSitePage(t)
  await page.goto(`${t.base}/old/bar.html${query}`, { waitUntil: 'networkidle0' })
  await until(page, (p) => p.evaluate(() => !!window.barAnswer), 8000, 'the chart drawn').catch(() => null)
  const api = await t.api('GET', `/bar/${query}`)
  const shown = await page.evaluate(() => {
    const chart = echarts.getInstanceByDom(document.getElementById('main'))
    const o = chart ? chart.getOption() : null
    return o && { names: o.xAxis[0].data, series: o.series.map((s) => ({ name: s.name, data: s.data })) }
  })
  const want = api.data || {}
  t.check(`${label}: the old chart page draws /bar/'s names on its x axis`,
    !!shown && Array.isArray(want.names) && want.names.length > 0 && JSON.stringify(shown.names) === JSON.stringify(want.names),
    JSON.stringify({ shown: shown && shown.names, api: want.names }))
  t.check(`${label}:   ... and its four quarters' series, the mean rents as /bar/ answers them`,
    !!shown && shown.series.length === 4 && shown.series.map((s) => s.name).join() === '一季度,二季度,三季度,四季度' &&
      JSON.stringify(shown.series.map((s) => s.data)) === JSON.stringify(want.sals),
    JSON.stringify(shown && shown.series))
  const share = await drawnShare(page)
  t.check(`${label}:   ... on a canvas that is drawn`, share > 0.01, `drawn share ${share}`)
  consoleCleanButFavicon(t, page, `${label}: the old chart page`)
  t.sameOriginOnly(page, `${label}: the old chart page`)
  await t.screenshot(page, `oldsite-bar${query ? '-district' : ''}`)
  await page.close()
  return want
}

export default async function (t) {
  t.section('the old site\'s chart page over /bar/')
  const hot = await chartPage(t, '', 'hot cities')
  const hotNames = t.sql('SELECT name FROM tb_district WHERE ishot ORDER BY distid').map((r) => r[0])
  t.check('hot cities: the x axis is the hot cities', JSON.stringify(hot.names) === JSON.stringify(hotNames),
    JSON.stringify(hot.names))
  const city = t.sql("SELECT distid FROM tb_district WHERE name = '深圳市'")[0][0]
  const counties = await chartPage(t, `?district=${city}`, '深圳')
  const countyNames = t.sql(`SELECT name FROM tb_district WHERE pid = ${city} ORDER BY distid`).map((r) => r[0])
  t.check('深圳: the x axis is the city\'s counties', JSON.stringify(counties.names) === JSON.stringify(countyNames),
    JSON.stringify(counties.names))

  t.section('the old site\'s listing page: 付款预定 through the gateway')
  const houseid = t.sql('SELECT MIN(houseid) FROM tb_house_info')[0][0]
  const userid = t.sql("SELECT userid FROM tb_user WHERE username = 'wangdachui'")[0][0]
  const before = new Set(t.sql(`SELECT out_trade_no FROM tb_payment_order WHERE userid = ${userid}`).map((r) => r[0]))
  let made = []
  const token = await t.login('wangdachui', '123123')
  const page = await oldSitePage(t)
  try {
    await page.goto(`${t.base}/old/detail.html?houseid=${houseid}`, { waitUntil: 'networkidle0' })
    await page.evaluate((tk) => localStorage.setItem('token', tk), token)
    await page.reload({ waitUntil: 'networkidle0' })
    const title = await page.$eval('#title', (e) => e.textContent)
    const dbTitle = t.sql(`SELECT title FROM tb_house_info WHERE houseid = ${houseid}`)[0][0]
    t.check('the old listing page shows the listing from /api/houseinfos/<id>/', title === dbTitle, title)
    consoleCleanButFavicon(t, page, 'the old listing page')
    t.sameOriginOnly(page, 'the old listing page')

    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('#reserve')])
    const gw = new URL(page.url())
    t.check('付款预定: the page goes to the url of /api/payments/<id>/, the gateway\'s page pay',
      gw.pathname === '/gateway.do' && gw.searchParams.get('method') === 'alipay.trade.page.pay', page.url())
    const outTradeNo = await page.$eval('#out-trade-no', (e) => e.textContent.trim()).catch(() => '')
    made = [outTradeNo]
    t.check('  ... whose signature the gateway accepted: it shows the order', /^ZF[0-9a-f]{30}$/.test(outTradeNo), outTradeNo)
    await t.screenshot(page, 'oldsite-gateway')
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('#pay')])
    const paid = () => (t.sql(`SELECT state FROM tb_payment_order WHERE out_trade_no = '${outTradeNo}'`)[0] || [])[0]
    await until(page, async () => paid() === 'paid', 10000, 'the order paid').catch(() => null)
    const row = t.sql(`SELECT state, userid, houseid FROM tb_payment_order WHERE out_trade_no = '${outTradeNo}'`)[0] || []
    t.check('  ... paid: the order is the user\'s, for the listing, paid', row.join(' ') === `paid ${userid} ${houseid}`, row.join(' '))
  } finally {
    deleteOrdersMade(t, userid, before, made)
    await page.close()
  }
}
