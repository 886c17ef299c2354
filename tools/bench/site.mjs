// The site's pages measured in Debian's headless Chromium (run by
// tools/bench-site.sh, which documents the variables): Lighthouse scores,
// the time to the search page's first results drawn, and the bytes a first
// visit of / transfers. Progress goes to stderr, the table to stdout.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const browserDir = join(here, '..', '..', 'tests', 'browser')
const { launchChromium } = await import(pathToFileURL(join(browserDir, 'lib.mjs')).href)
const lighthouseDir = join(browserDir, 'node_modules', 'lighthouse')

const env = process.env
const base = (env.BASE || `http://127.0.0.1:${env.HTTP_PORT || 8080}`).replace(/\/$/, '')
const lighthouseRuns = int(env.LIGHTHOUSE_RUNS || env.RUNS || '3', 'LIGHTHOUSE_RUNS', 1, 25)
const loads = int(env.LOADS || env.RUNS || '7', 'LOADS', 1, 50)
const parts = (env.PARTS || 'lighthouse draw bytes').split(/[\s,]+/).filter(Boolean)
const user = env.BENCH_USER || 'jackfrued'
const password = env.BENCH_PASSWORD || '123456'
// 深圳 (a city of 广东), 5000-8000 元: the search page's URL keeps the pickers'
// ids (prov, city), and asks the API for district=440300.
const searchUrl = env.SEARCH_URL || '/?prov=440000&city=440300&minprice=5000&maxprice=8000'
const resultSelectors = [env.RESULT_SELECTOR || '[data-result]', '.result-card', 'a[href^="/listing.html"]']
const auditsUnder = int(env.AUDITS_UNDER || '90', 'AUDITS_UNDER', 0, 101)
const RESULTS_MARK = 'zufang:results'
// Every wait has an end: a Lighthouse run, a page load, a login.
const LIGHTHOUSE_TIMEOUT = 150_000
const LOAD_TIMEOUT = 30_000
const API_TIMEOUT = 10_000
const CATEGORIES = ['performance', 'accessibility', 'best-practices']
const SHORT = { performance: 'perf', accessibility: 'a11y', 'best-practices': 'best' }

function int(text, name, min, max) {
  const n = Number(text)
  if (!Number.isInteger(n) || n < min || n > max) fail(`${name} must be a whole number ${min}..${max}, not ${text}`)
  return n
}
function fail(message) { console.error(`error: ${message}`); process.exit(2) }
function progress(message) { console.error(`  ${message}`) }
for (const p of parts) if (!['lighthouse', 'draw', 'bytes'].includes(p)) fail(`PARTS: ${p} is not one of lighthouse draw bytes`)
if (new URL(base).hostname !== '127.0.0.1') fail(`BASE must be on 127.0.0.1 (traffic stays on loopback), not ${base}`)

function withTimeout(promise, ms, what) {
  let timer
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no end after ${ms / 1000} s`)), ms) }),
  ])
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(base + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(API_TIMEOUT),
  })
  const text = await res.text()
  let data = null
  try { data = JSON.parse(text) } catch { data = text }
  return { status: res.status, data }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const pad = (s, n) => String(s).padEnd(n)
const lpad = (s, n) => String(s).padStart(n)
const kb = (bytes) => `${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KB`

// ---- what to measure --------------------------------------------------------------
const first = await api('GET', '/api/houseinfos/?size=1')
if (first.status !== 200 || !first.data?.results) fail(`GET /api/houseinfos/?size=1 answered ${first.status}: no listings to measure`)
const listingCount = first.data.count
const listingId = first.data.results[0]?.houseid
const out = []  // the table, printed at the end
out.push(`site ${base}: ${listingCount} listings (the API's count); Chromium headless, desktop`)

const browser = await launchChromium()
let failures = 0
try {
  if (parts.includes('lighthouse')) await lighthousePart()
  if (parts.includes('draw')) await drawPart()
  if (parts.includes('bytes')) await bytesPart()
} finally {
  await browser.close().catch(() => {})
}
console.log(out.join('\n'))
process.exit(failures ? 1 : 0)

// ---- 1. Lighthouse ----------------------------------------------------------------
async function lighthousePart() {
  const { default: lighthouse } = await import(pathToFileURL(join(lighthouseDir, 'core', 'index.js')).href)
  const { default: desktopConfig } = await import(pathToFileURL(join(lighthouseDir, 'core', 'config', 'desktop-config.js')).href)
  const config = { ...desktopConfig, settings: { ...desktopConfig.settings, onlyCategories: CATEGORIES } }
  const { version } = JSON.parse(readFileSync(join(lighthouseDir, 'package.json'), 'utf8'))
  const flags = { logLevel: 'error', output: 'json', onlyCategories: CATEGORIES, maxWaitForLoad: 45_000, disableFullPageScreenshot: true }

  const login = await api('POST', '/api/tokens/', { username: user, password })
  if (!login.data?.token) fail(`POST /api/tokens/ refused ${user}: ${login.status} ${JSON.stringify(login.data).slice(0, 200)}`)
  // As nginx/site/src/lib/api.js saveSession keeps it.
  const session = { token: login.data.token, user: { username: login.data.username, realname: login.data.realname, userid: userIdOf(login.data.token) } }

  const pages = [
    { path: '/' },
    { path: searchUrl },
    listingId === undefined ? null : { path: `/listing.html?id=${listingId}` },
    { path: '/publish.html', session, label: `/publish.html (${user})` },
  ].filter(Boolean)
  if (listingId === undefined) out.push('no listing to measure: the API lists none')

  const rows = []
  for (const pg of pages) {
    const runs = []
    for (let i = 1; i <= lighthouseRuns; i++) {
      progress(`lighthouse ${pg.label || pg.path}: run ${i}/${lighthouseRuns}`)
      const context = await browser.createBrowserContext()
      try {
        const page = await context.newPage()
        if (pg.session) {
          // A page of the origin (a file that loads nothing) receives the
          // session first; Lighthouse clears caches but keeps local storage.
          await page.goto(`${base}/favicon.svg`, { timeout: LOAD_TIMEOUT })
          await page.evaluate((s) => {
            localStorage.setItem('zufang.token', s.token)
            localStorage.setItem('zufang.user', JSON.stringify(s.user))
          }, pg.session)
        }
        const result = await withTimeout(lighthouse(base + pg.path, flags, config, page), LIGHTHOUSE_TIMEOUT, 'Lighthouse')
        const lhr = result?.lhr
        if (!lhr) throw new Error('Lighthouse gave no result')
        if (lhr.runtimeError) throw new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`)
        if (pg.session && new URL(lhr.finalDisplayedUrl).pathname !== '/publish.html') {
          throw new Error(`signed in, the page still went to ${lhr.finalDisplayedUrl}`)
        }
        runs.push(lhr)
      } catch (e) {
        failures++
        progress(`  run failed: ${e.message}`)
      } finally {
        await context.close().catch(() => {})
      }
    }
    rows.push({ pg, runs })
  }

  out.push('')
  out.push(`${pad("page", 58)} perf  a11y  best   (median of ${lighthouseRuns} Lighthouse ${version} desktop runs, scores x100)`)
  const failing = []
  for (const { pg, runs } of rows) {
    const label = pg.label || pg.path
    if (!runs.length) { out.push(`${pad(label, 58)} no run ended`); continue }
    const scores = CATEGORIES.map((c) => {
      const vals = runs.map((r) => r.categories[c]?.score).filter((s) => typeof s === 'number').map((s) => Math.round(s * 100))
      return vals.length ? median(vals) : null
    })
    const spread = CATEGORIES.map((c) => runs.map((r) => Math.round((r.categories[c]?.score ?? NaN) * 100)).join('/')).join('  ')
    out.push(`${pad(label, 58)}${scores.map((s) => lpad(s === null ? '-' : Math.round(s), 5)).join(' ')}   runs ${spread}${runs.length < lighthouseRuns ? ` (${runs.length} of ${lighthouseRuns} ended)` : ''}`)
    CATEGORIES.forEach((c, k) => {
      if (scores[k] === null || scores[k] >= auditsUnder) return
      // Audits under 0.9 in any run, with the runs they failed in.
      const seen = new Map()
      for (const r of runs) {
        for (const ref of r.categories[c].auditRefs) {
          const a = r.audits[ref.id]
          if (!a || typeof a.score !== 'number' || a.score >= 0.9) continue
          const e = seen.get(ref.id) || { id: ref.id, title: a.title, weight: ref.weight, scores: [], value: a.displayValue || '', nodes: new Set() }
          e.scores.push(a.score)
          // The elements an audit names (contrast, labels): where to look.
          for (const item of a.details?.items || []) {
            const n = item.node
            if (n?.type === 'node' && e.nodes.size < 3) e.nodes.add(`${n.selector || ''} ${(n.snippet || '').slice(0, 100)}${n.explanation ? ` -- ${n.explanation.split('\n').slice(-1)[0].slice(0, 140)}` : ''}`.trim())
          }
          seen.set(ref.id, e)
        }
      }
      const list = [...seen.values()].sort((x, y) => y.weight - x.weight || x.id.localeCompare(y.id))
      failing.push(`${label}  ${c} ${scores[k]}:`)
      for (const e of list) {
        failing.push(`    ${pad(e.id, 34)} ${e.title}  (score ${e.scores.map((s) => s.toFixed(2)).join('/')} in ${e.scores.length} of ${runs.length} runs` +
          `${e.weight ? `, weight ${e.weight}` : ', weight 0'}${e.value ? `; ${e.value}` : ''})`)
        for (const n of e.nodes) failing.push(`        ${n}`)
      }
      if (!list.length) failing.push('    (no audit under 0.9)')
    })
  }
  if (failing.length) {
    out.push('')
    out.push(`failing audits (score < 0.9) of each category under ${auditsUnder}:`)
    out.push(...failing)
  }
}

function userIdOf(tokenValue) {
  try { return JSON.parse(Buffer.from(tokenValue.split('.')[1], 'base64url').toString()).data.userid } catch { return null }
}

// ---- 2. first results drawn -------------------------------------------------------
// In the page from its first document: the time of the performance mark
// the search page sets when its first results are drawn, or (until it sets
// one) performance.now() in the animation frame after the first element
// matching one of the selectors is in the DOM.
function watchResults(selectors, markName) {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return
  const w = window
  w.__zfResults = { mark: null, drawn: null, selector: null }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === markName && w.__zfResults.mark === null) w.__zfResults.mark = e.startTime
    }).observe({ type: 'mark', buffered: true })
  } catch { /* no observer: the selectors alone */ }
  const look = () => {
    if (w.__zfResults.selector) return true
    for (const s of selectors) {
      if (document.querySelector(s)) {
        w.__zfResults.selector = s
        requestAnimationFrame(() => { w.__zfResults.drawn = performance.now() })
        return true
      }
    }
    return false
  }
  const mo = new MutationObserver(() => { if (look()) mo.disconnect() })
  mo.observe(document, { childList: true, subtree: true })
}

async function loadOnce(path) {
  const context = await browser.createBrowserContext()
  try {
    const page = await context.newPage()
    await page.setViewport({ width: 1350, height: 940, deviceScaleFactor: 1 })
    await page.evaluateOnNewDocument(watchResults, resultSelectors, RESULTS_MARK)
    await page.goto(base + path, { waitUntil: 'domcontentloaded', timeout: LOAD_TIMEOUT })
    const end = Date.now() + LOAD_TIMEOUT
    let state
    let drawnAt = null
    for (;;) {
      state = await page.evaluate(() => window.__zfResults)
      if (state?.mark != null) break
      if (state?.drawn != null && drawnAt === null) drawnAt = Date.now()
      // Drawn by the selector: a mark set in the same render still wins.
      if (drawnAt !== null && Date.now() - drawnAt > 1000) break
      if (Date.now() > end) throw new Error(`no result drawn within ${LOAD_TIMEOUT / 1000} s (no mark ${RESULTS_MARK}, nothing matches ${resultSelectors.join(', ')})`)
      await new Promise((r) => setTimeout(r, 50))
    }
    return state.mark != null ? { ms: state.mark, by: `mark ${RESULTS_MARK}` } : { ms: state.drawn, by: `selector ${state.selector}` }
  } finally {
    await context.close().catch(() => {})
  }
}

async function drawPart() {
  out.push('')
  for (const path of ['/', searchUrl]) {
    const times = []
    const by = new Set()
    for (let i = 1; i <= loads; i++) {
      progress(`first results drawn ${path}: cold load ${i}/${loads}`)
      try {
        const r = await loadOnce(path)
        times.push(r.ms)
        by.add(r.by)
      } catch (e) {
        failures++
        progress(`  load failed: ${e.message}`)
      }
    }
    if (!times.length) { out.push(`first results drawn: ${path}  no load drew a result`); continue }
    out.push(`first results drawn: ${pad(path, 58)} p50 ${lpad(Math.round(median(times)), 4)} ms  max ${lpad(Math.round(Math.max(...times)), 4)} ms` +
      `  (${times.length} cold loads${times.length < loads ? ` of ${loads}` : ''}; by ${[...by].join(', ')})`)
  }
}

// ---- 3. bytes of a first visit ----------------------------------------------------
async function bytesPart() {
  progress('first visit of /: bytes transferred')
  const context = await browser.createBrowserContext()
  try {
    const page = await context.newPage()
    await page.setViewport({ width: 1350, height: 940, deviceScaleFactor: 1 })
    const cdp = await page.createCDPSession()
    const requests = new Map()
    cdp.on('Network.requestWillBeSent', (e) => {
      if (!requests.has(e.requestId)) requests.set(e.requestId, { url: e.request.url, type: e.type || 'Other', bytes: 0, done: false })
    })
    cdp.on('Network.responseReceived', (e) => {
      const r = requests.get(e.requestId)
      if (!r) return
      if (e.type) r.type = e.type
      r.status = e.response.status
    })
    cdp.on('Network.loadingFinished', (e) => { const r = requests.get(e.requestId); if (r) { r.bytes = e.encodedDataLength; r.done = true } })
    cdp.on('Network.loadingFailed', (e) => { const r = requests.get(e.requestId); if (r) { r.done = true; r.failed = e.errorText } })
    await cdp.send('Network.enable')
    await page.evaluateOnNewDocument(watchResults, resultSelectors, RESULTS_MARK)
    await page.goto(base + '/', { waitUntil: 'networkidle0', timeout: LOAD_TIMEOUT })
    // What the first results bring (photos) is part of the visit.
    await page.waitForFunction(() => window.__zfResults && (window.__zfResults.mark != null || window.__zfResults.drawn != null),
      { timeout: LOAD_TIMEOUT }).catch(() => progress('  no result drawn: counting what loaded'))
    await page.waitForNetworkIdle({ idleTime: 500, timeout: LOAD_TIMEOUT }).catch(() => {})
    const all = [...requests.values()].filter((r) => !r.url.startsWith('data:'))
    const foreign = all.filter((r) => new URL(r.url).origin !== new URL(base).origin)
    const groups = [
      ['document', ['Document']], ['script', ['Script']], ['stylesheet', ['Stylesheet']], ['image', ['Image']],
      ['fetch/xhr', ['Fetch', 'XHR']], ['font', ['Font']],
    ]
    const known = new Set(groups.flatMap(([, t]) => t))
    groups.push(['other', [...new Set(all.map((r) => r.type).filter((t) => !known.has(t)))]])
    const total = all.reduce((s, r) => s + r.bytes, 0)
    const split = groups.map(([name, types]) => {
      const rs = all.filter((r) => types.includes(r.type))
      return rs.length ? `${name} ${kb(rs.reduce((s, r) => s + r.bytes, 0))} in ${rs.length}` : null
    }).filter(Boolean)
    out.push('')
    out.push(`first visit of /: ${kb(total)} in ${all.length} requests (${split.join(', ')}); target <= 200 KB: ${total <= 200 * 1024 ? 'met' : 'over'}`)
    out.push('  (encoded bytes with headers, CDP Network.loadingFinished encodedDataLength, 1 KB = 1024 bytes; a new incognito context)')
    const unfinished = all.filter((r) => !r.done)
    const failed = all.filter((r) => r.failed)
    const refused = all.filter((r) => r.status >= 400)
    if (refused.length) out.push(`  answered 4xx/5xx (counted, but not what a page should load): ${refused.map((r) => `${r.url.replace(base, '')} ${r.status}`).join(', ')}`)
    if (failed.length) out.push(`  failed: ${failed.map((r) => `${r.url} (${r.failed})`).join(', ')}`)
    if (unfinished.length) out.push(`  still loading when counted: ${unfinished.map((r) => r.url).join(', ')}`)
    if (foreign.length) out.push(`  from another origin: ${foreign.map((r) => r.url).join(', ')}`)
    if (env.BYTES_DETAIL) for (const r of all.sort((a, b) => b.bytes - a.bytes)) out.push(`    ${lpad(r.bytes, 8)}  ${pad(r.type, 10)} ${r.url}`)
  } catch (e) {
    failures++
    out.push(`first visit of /: not measured: ${e.message}`)
  } finally {
    await context.close().catch(() => {})
  }
}
