// The browser tests' library: Debian's Chromium driven by puppeteer-core
// against a running stack, checks printed as the shell tests print theirs.
//
// A spec (specs/NAME.mjs) exports `default async function (t)`; t offers:
//   t.check(name, ok, detail)    one check: "  ok    name" or "  FAIL  name"
//                                with detail, the console of every page the
//                                spec opened and the requests that failed
//   t.section(title)
//   await t.page({width, height}) a new tab (1280x900 unless given) whose
//                                console errors, page errors and failing
//                                requests are recorded
//   await t.screenshot(page, name)  $STATE_DIR/browser/NAME.png
//   t.consoleClean(page, name)   a check that the page logged no error
//   t.sameOriginOnly(page, name) a check that it requested nothing from elsewhere
//   await t.api(method, path, {body, token, form}) -> {status, data} (Node's fetch)
//   await t.login(username, password) -> token (throws when refused)
//   t.sql(query) -> rows as arrays of strings (the stack's MariaDB, as root)
//   await t.memcached(cmd) -> the answer's lines (the stack's memcached,
//                                127.0.0.1:$MEMCACHED_PORT, text protocol)
//   t.base, t.stateDir, t.unique (a suffix for names no run has used)
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import puppeteer from 'puppeteer-core'

export class Tester {
  constructor({ base, stateDir, browser }) {
    this.base = base
    this.stateDir = stateDir
    this.browser = browser
    this.passed = 0
    this.failed = 0
    this.pages = []
    this.unique = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`
    this.shots = join(stateDir, 'browser')
    mkdirSync(this.shots, { recursive: true })
  }

  section(title) { console.log(`\n${title}`) }

  check(name, ok, detail = '') {
    if (ok) {
      this.passed++
      console.log(`  ok    ${name}`)
      return true
    }
    this.failed++
    console.log(`  FAIL  ${name}`)
    if (detail) console.log(`        ${String(detail).slice(0, 600)}`)
    for (const p of this.pages) {
      if (p.page.isClosed()) continue
      console.log(`        page ${p.page.url()}`)
      for (const line of p.log.slice(-15)) console.log(`          console: ${line}`)
      for (const line of p.failedRequests.slice(-10)) console.log(`          request: ${line}`)
    }
    return false
  }

  async page({ width = 1280, height = 900, mobile = false } = {}) {
    const page = await (this.context || this.browser).newPage()
    await page.setViewport({ width, height, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1 })
    page.setDefaultTimeout(10000)
    const entry = { page, log: [], errors: [], failedRequests: [], foreign: [] }
    const origin = new URL(this.base).origin
    page.on('request', (r) => {
      const u = r.url()
      if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin) entry.foreign.push(u)
    })
    page.on('console', (m) => {
      const line = `${m.type()}: ${m.text()}`
      entry.log.push(line)
      if (m.type() === 'error') entry.errors.push(line)
    })
    page.on('pageerror', (e) => { entry.log.push(`pageerror: ${e.message}`); entry.errors.push(`pageerror: ${e.message}`) })
    page.on('requestfailed', (r) => entry.failedRequests.push(`${r.method()} ${r.url()} failed: ${r.failure()?.errorText}`))
    page.on('response', (r) => {
      if (r.status() >= 400) entry.failedRequests.push(`${r.request().method()} ${r.url()} -> ${r.status()}`)
    })
    this.pages.push(entry)
    return page
  }

  entryOf(page) { return this.pages.find((p) => p.page === page) }

  // No console error and no page error since the page opened (a 4xx the
  // test provoked on purpose logs an error line in Chromium: `allow` lists
  // substrings of the lines expected).
  consoleClean(page, name, allow = []) {
    const e = this.entryOf(page)
    const errors = e.errors.filter((l) => !allow.some((a) => l.includes(a)))
    return this.check(`${name}: no console errors`, errors.length === 0, errors.join(' | '))
  }

  // Nothing the page loaded came from another origin.
  sameOriginOnly(page, name) {
    const e = this.entryOf(page)
    return this.check(`${name}: loads nothing from another origin`, e.foreign.length === 0, e.foreign.join(' '))
  }

  async screenshot(page, name) {
    await page.screenshot({ path: join(this.shots, `${name}.png`), fullPage: true })
  }

  async api(method, path, { body, token, form } = {}) {
    const headers = { Accept: 'application/json' }
    if (token) headers.token = token
    let payload
    if (form) payload = form
    else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body) }
    const res = await fetch(this.base + path, { method, headers, body: payload })
    const text = await res.text()
    let data = null
    try { data = text ? JSON.parse(text) : null } catch { data = text }
    return { status: res.status, data }
  }

  async login(username, password) {
    const res = await this.api('POST', '/api/tokens/', { body: { username, password } })
    if (!res.data || !res.data.token) throw new Error(`login of ${username} refused: ${JSON.stringify(res.data)}`)
    return res.data.token
  }

  sql(query) {
    const out = execFileSync('mariadb', ['--socket', join(this.stateDir, 'run', 'mysqld.sock'), '-u', 'root',
      '--batch', '--skip-column-names', 'zufang', '-e', query], { encoding: 'utf8' })
    return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'))
  }

  // One command of memcached's text protocol ("get KEY", "delete KEY"): the
  // lines of its answer, up to the one that ends it.
  memcached(cmd) {
    const port = Number(process.env.MEMCACHED_PORT || 11211)
    const last = /^(END|STORED|NOT_STORED|EXISTS|NOT_FOUND|DELETED|TOUCHED|OK|\d+|ERROR.*|CLIENT_ERROR.*|SERVER_ERROR.*)$/
    return new Promise((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port })
      let buf = ''
      const timer = setTimeout(() => { sock.destroy(); reject(new Error(`memcached: no answer to ${cmd}`)) }, 3000)
      sock.setEncoding('utf8')
      sock.on('connect', () => sock.write(`${cmd}\r\n`))
      sock.on('data', (chunk) => {
        buf += chunk
        if (!buf.endsWith('\r\n')) return
        const lines = buf.slice(0, -2).split('\r\n')
        if (!last.test(lines[lines.length - 1])) return
        clearTimeout(timer)
        sock.end()
        resolve(lines)
      })
      sock.on('error', (e) => { clearTimeout(timer); reject(e) })
    })
  }

  // Each spec runs in a browser context of its own: no storage (a token
  // another spec left), cookies or cached answers carried over.
  async newContext() {
    await this.closePages()
    this.context = await this.browser.createBrowserContext()
  }

  async closePages() {
    for (const p of this.pages) if (!p.page.isClosed()) await p.page.close()
    this.pages = []
    if (this.context) {
      await this.context.close()
      this.context = null
    }
  }
}

// Chromium as the tests and Lighthouse run it: Debian's, headless.
export async function launchChromium() {
  return puppeteer.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--lang=zh-CN'],
  })
}

// Waits until fn(page) is true (polled), or throws after ms.
export async function until(page, fn, ms = 8000, what = 'condition') {
  const end = Date.now() + ms
  for (;;) {
    if (await fn(page)) return
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

// The text of every element matching selector.
export async function texts(page, selector) {
  return page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()))
}

// The deposit orders a spec made for a user (those in `made`, and any not in
// `before`), with their notifications and expiry jobs: whatever the spec
// made, and only that.
export function deleteOrdersMade(t, userid, before, made) {
  const mine = t.sql(`SELECT out_trade_no FROM tb_payment_order WHERE userid = ${userid}`).map((r) => r[0])
  for (const n of new Set([...made, ...mine.filter((n) => !before.has(n))])) {
    if (!/^ZF[0-9a-f]{30}$/.test(n)) continue
    t.sql(`DELETE FROM tb_payment_notification WHERE out_trade_no = '${n}'`)
    t.sql(`DELETE FROM tb_payment_order WHERE out_trade_no = '${n}'`)
    t.sql(`DELETE FROM tb_job WHERE kind = 'payments.expire' AND payload LIKE '%${n}%'`)
  }
}
