// The API's documentation page (/api/docs/): Swagger UI draws every
// operation of the served openapi.json, grouped by handler group, under the
// site's own Content-Security-Policy (nothing inline, nothing from another
// origin), and an operation opens to its parameters and examples.
const METHODS = ['get', 'put', 'post', 'delete', 'patch']

export default async function (t) {
  // The document as served: the bundled OpenAPI 3.1, asked again each time.
  const res = await fetch(t.base + '/api/docs/openapi.json')
  const doc = await res.json().catch(() => null)
  t.check('openapi.json is served as JSON', res.status === 200 && doc !== null &&
    (res.headers.get('content-type') || '').startsWith('application/json'), `${res.status} ${res.headers.get('content-type')}`)
  if (!doc) return
  t.check('it is OpenAPI 3.1', /^3\.1\./.test(doc.openapi || ''), doc.openapi)
  t.check('it is never kept stale (no-cache)', res.headers.get('cache-control') === 'no-cache', res.headers.get('cache-control'))
  const ops = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) if (item[m]) ops.push(`${m.toUpperCase()} ${path}`)
  }
  t.check(`it documents the routes (${ops.length} operations)`, ops.includes('GET /api/houseinfos/') && ops.includes('GET /captcha/'), ops.join(', '))

  const page = await t.page({ width: 1280, height: 900 })
  const answer = await page.goto(t.base + '/api/docs/', { waitUntil: 'networkidle0' })
  const csp = answer.headers()['content-security-policy'] || ''
  t.check('the page has the site\'s strict Content-Security-Policy',
    csp.includes("script-src 'self'") && csp.includes("style-src 'self'") && !csp.includes('unsafe'), csp)
  t.check('the page is asked again each time (no-cache)', answer.headers()['cache-control'] === 'no-cache', answer.headers()['cache-control'])
  await page.waitForSelector('.opblock', { timeout: 15000 }).catch(() => null)
  const title = await page.$eval('.info .title', (e) => e.textContent).catch(() => '')
  t.check('Swagger UI shows the document\'s title', title.includes('租房网 API'), title)

  // Every operation is drawn: method and path of each block.
  const shown = await page.$$eval('.opblock', (els) => els.map((e) => {
    const method = e.querySelector('.opblock-summary-method')?.textContent.trim()
    const path = e.querySelector('.opblock-summary-path')?.getAttribute('data-path')
    return `${method} ${path}`
  }))
  const missing = ops.filter((o) => !shown.includes(o))
  t.check(`every operation is listed (${shown.length} of ${ops.length})`, missing.length === 0 && shown.length === ops.length,
    `missing: ${missing.join(', ')}`)
  t.check('the listing search is among them', shown.includes('GET /api/houseinfos/'), shown.slice(0, 10).join(', '))
  const groups = await page.$$eval('.opblock-tag', (els) => els.map((e) => e.getAttribute('data-tag')))
  t.check('operations are grouped by handler group', ['districts', 'accounts', 'listings', 'pronunciation'].every((g) => groups.includes(g)),
    groups.join(', '))

  // One operation opened: its parameters and its example answer.
  const search = await page.$('#operations-listings-searchListings .opblock-summary-control')
  if (search) await search.click()
  await page.waitForSelector('#operations-listings-searchListings .parameters', { timeout: 5000 }).catch(() => null)
  const params = await page.$$eval('#operations-listings-searchListings .parameter__name', (els) => els.map((e) => e.textContent.replace(/\s|\*/g, '')))
  t.check('the search shows its filters', ['district', 'minprice', 'maxprice', 'ordering'].every((p) => params.includes(p)), params.join(' '))
  const example = await page.$eval('#operations-listings-searchListings .responses-wrapper', (e) => e.textContent).catch(() => '')
  t.check('and its example answer', example.includes('houseid') && example.includes('mainphoto'), example.slice(0, 200))
  const estates = await page.$eval('#operations-estates-listEstates', (e) => e.textContent).catch(() => '')
  t.check('a route that needs a token is marked as such', await page.$('#operations-estates-listEstates .authorization__btn') !== null, estates.slice(0, 100))

  await t.screenshot(page, 'docs')
  const opened = await page.$('#operations-listings-searchListings')
  if (opened) await opened.screenshot({ path: `${t.shots}/docs-search.png` })
  t.consoleClean(page, '/api/docs/')
  t.sameOriginOnly(page, '/api/docs/')

  const phone = await t.page({ width: 375, height: 800, mobile: true })
  await phone.goto(t.base + '/api/docs/', { waitUntil: 'networkidle0' })
  await phone.waitForSelector('.opblock', { timeout: 15000 }).catch(() => null)
  await t.screenshot(phone, 'docs-phone')
  t.consoleClean(phone, '/api/docs/ at 375 px')
}
