// Runs the browser specs against a running stack:
//   node tests/browser/run.mjs [SPEC...]      (tests/browser.sh runs every spec)
// BASE (http://127.0.0.1:$HTTP_PORT) and STATE_DIR name the stack. One line per
// check, then "N passed, N failed"; exits 1 when a check failed. Screenshots
// go to $STATE_DIR/browser/.
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Tester, launchChromium } from './lib.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const base = process.env.BASE || `http://127.0.0.1:${process.env.HTTP_PORT || 8080}`
const stateDir = process.env.STATE_DIR || join(here, '..', '..', 'var')
const all = readdirSync(join(here, 'specs')).filter((f) => f.endsWith('.mjs')).map((f) => f.replace(/\.mjs$/, '')).sort()
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : all

const browser = await launchChromium()
const t = new Tester({ base, stateDir, browser })
for (const name of wanted) {
  if (!all.includes(name)) { t.check(`spec ${name} exists`, false, `specs: ${all.join(' ')}`); continue }
  t.section(`browser: ${name}`)
  await t.newContext()
  try {
    const spec = await import(pathToFileURL(join(here, 'specs', `${name}.mjs`)).href)
    await spec.default(t)
  } catch (e) {
    t.check(`${name} ran to its end`, false, e.stack || String(e))
  }
  await t.closePages()
}
await browser.close()
console.log(`\n${t.passed} passed, ${t.failed} failed`)
process.exit(t.failed === 0 ? 0 : 1)
