// The console's 报表 section: 管理员 downloads the listings workbook for the
// chosen filters (the file is the API's, a real XLSX), sees the stored
// monthly workbooks and downloads one, and the chart of a city's rents is
// drawn (a canvas) beside a table equal to the API's stats; 经纪人 sees the
// section too, 普通用户 does not; the search page never loads the chart's
// script.
import { mkdirSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execFileSync } from 'node:child_process'
import { until } from '../lib.mjs'

function userIdOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).data.userid
}

async function signIn(t, page, username, password) {
  const token = await t.login(username, password)
  const userid = userIdOf(token)
  await page.goto(`${t.base}/favicon.svg`)
  await page.evaluate((tk, user) => {
    localStorage.setItem('zufang.token', tk)
    localStorage.setItem('zufang.user', JSON.stringify(user))
    sessionStorage.clear()
  }, token, { username, userid })
  return token
}

async function downloadsTo(page, dir) {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const cdp = await page.target().createCDPSession()
  await cdp.send('Page.setDownloadBehavior', { behavior: 'allow', downloadPath: dir })
}

async function downloaded(dir, name) {
  const file = join(dir, name)
  for (let i = 0; i < 100; i++) {
    if (existsSync(file) && !readdirSync(dir).some((f) => f.endsWith('.crdownload'))) return readFileSync(file)
    await new Promise((r) => setTimeout(r, 100))
  }
  return null
}

// The rows openpyxl reads from a workbook (Debian's python3-openpyxl).
function bookIds(file) {
  const out = execFileSync('/usr/bin/python3', ['-c', `
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
print(" ".join(str(r[0]) for r in ws.iter_rows(min_row=2, values_only=True)))`, file], { encoding: 'utf8' })
  return out.trim()
}

export default async function (t) {
  const year = t.sql('SELECT YEAR(CURDATE())')[0][0]
  const stored = join(t.stateDir, 'media', 'reports', `listings-${year}-01-01_${year}-12-31.xlsx`)

  t.section('reports: the console as 管理员')
  const page = await t.page()
  const admin = await signIn(t, page, 'jackfrued', '123456')
  // A stored workbook, as the job builds it.
  const worker = join(process.env.BUILD_DIR || fileURLToPath(new URL('../../../build', import.meta.url)), 'tools', 'zufang-worker')
  let built = false
  try {
    execFileSync(worker, ['run', 'reports.monthly', '--from', `${year}-01-01`, '--to', `${year}-12-31`], { encoding: 'utf8' })
    built = existsSync(stored)
  } catch (e) { console.log(`        worker: ${e.message}`) }
  t.check('the job stores a workbook to list', built, stored)

  await page.goto(`${t.base}/console.html`, { waitUntil: 'networkidle0' })
  const link = await page.waitForSelector('[data-section-link=reports]', { timeout: 8000 }).catch(() => null)
  t.check('管理员 sees 报表 among the console sections', link !== null)
  await page.goto(`${t.base}/console.html#reports`, { waitUntil: 'networkidle0' })
  await page.waitForSelector('[data-section=reports]', { timeout: 8000 }).catch(() => null)
  // The chart: drawn on a canvas, beside the API's numbers.
  const drawn = await until(page, (p) => p.evaluate(() => {
    const c = document.querySelector('[data-chart] canvas')
    return Boolean(c) && c.width > 100 && c.height > 100
  }), 10000, 'chart drawn').then(() => true).catch(() => false)
  t.check('the chart of 深圳 is drawn on a canvas', drawn)
  const city = await page.$eval('[data-chart-city]', (s) => s.value)
  const stats = await t.api('GET', `/api/reports/stats/?district=${city}`, { token: admin })
  const shown = await page.$$eval('[data-chart-table] tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())))
  const want = stats.data.places.map((p) => [p.name, String(p.listings), p.mean.toFixed(2), p.median.toFixed(2)])
  t.check(`  ... its table is the API's (${want.length} counties of ${stats.data.district?.name})`, JSON.stringify(shown) === JSON.stringify(want),
    `page ${JSON.stringify(shown).slice(0, 200)} | api ${JSON.stringify(want).slice(0, 200)}`)
  const painted = await page.$eval('[data-chart] canvas', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
    let coloured = 0
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] !== d[i + 1] || d[i + 1] !== d[i + 2])) coloured++
    return coloured
  })
  t.check(`  ... with coloured bars on it (${painted} pixels)`, painted > 500)
  await t.screenshot(page, 'reports-console')

  // The listings workbook for 深圳, 5000–8000, through the form.
  const dir = join(t.stateDir, 'browser', 'downloads')
  await downloadsTo(page, dir)
  await page.select('#report-dist-province', '440000')
  await page.waitForSelector('#report-dist-city option[value="440300"]')
  await page.select('#report-dist-city', '440300')
  await page.type('#report-minprice', '5000')
  await page.type('#report-maxprice', '8000')
  await page.click('[data-download=listings]')
  const book = await downloaded(dir, 'listings.xlsx')
  t.check('下载房源表 saves listings.xlsx, a zip (XLSX)', book !== null && book.subarray(0, 2).toString() === 'PK', book ? `${book.length} bytes` : 'no file')
  if (book) {
    const api = await t.api('GET', '/api/houseinfos/?district=440300&minprice=5000&maxprice=8000&size=50')
    const ids = api.data.results.map((r) => r.houseid).sort((a, b) => a - b).join(' ')
    const inBook = bookIds(join(dir, 'listings.xlsx')).split(' ').map(Number).sort((a, b) => a - b).join(' ')
    t.check(`  ... holding the listings the search shows for the same filters (${ids})`, ids !== '' && ids === inBook, `book ${inBook}`)
  }
  const notice = await page.$eval('[data-section=reports] .notice', (e) => e.textContent).catch(() => '')
  t.check('  ... and says so', notice.includes('已下载 listings.xlsx'), notice)

  // The stored workbook, listed and downloaded (X-Accel-Redirect behind the handler).
  const row = await page.$(`[data-file="listings-${year}-01-01_${year}-12-31.xlsx"] button`)
  t.check('the stored workbook is listed', row !== null)
  if (row && built) {
    await row.click()
    const got = await downloaded(dir, `listings-${year}-01-01_${year}-12-31.xlsx`)
    t.check('  ... and downloads byte for byte', got !== null && Buffer.compare(got, readFileSync(stored)) === 0)
  }
  await t.screenshot(page, 'reports-console-downloaded')
  t.consoleClean(page, 'reports as 管理员', ['status of 404'])  // /favicon.ico of the page the session is set on
  t.sameOriginOnly(page, 'reports as 管理员')
  await page.close()

  t.section('reports: other roles, and the search page')
  {
    const p = await t.page()
    await signIn(t, p, 'hellokitty', '123123')
    await p.goto(`${t.base}/console.html`, { waitUntil: 'networkidle0' })
    t.check('经纪人 sees 报表 too', (await p.waitForSelector('[data-section-link=reports]', { timeout: 8000 }).catch(() => null)) !== null)
    await p.close()
  }
  {
    const p = await t.page()
    await signIn(t, p, 'wangdachui', '123123')
    await p.goto(`${t.base}/console.html#reports`, { waitUntil: 'networkidle0' })
    await new Promise((r) => setTimeout(r, 300))
    t.check('普通用户 sees no 报表', (await p.$('[data-section-link=reports]')) === null && (await p.$('[data-chart]')) === null)
    await p.close()
  }
  {
    const p = await t.page()
    const scripts = []
    p.on('response', (r) => { if (r.url().endsWith('.js')) scripts.push(r.url()) })
    await p.goto(`${t.base}/`, { waitUntil: 'networkidle0' })
    t.check(`the search page loads no chart script (${scripts.length} scripts)`, scripts.length > 0 && !scripts.some((u) => /reports-chart|echarts/.test(u)), scripts.join(' '))
    await p.close()
  }
  rmSync(stored, { force: true })
}
