// Compares the API's document with the groups' route tables: every route a
// group declares (`GROUP --routes`: METHOD PATTERN ACCESS per line) must be
// documented, with the same access, and every documented operation must be a
// route of some group.
//
//   node check-routes.mjs OPENAPI_JSON GROUP_BINARY...
//
// An operation's `x-access` (public, signed-in, privileged) must equal its
// route's, and its `security` must say the same: none (or an optional `{}`)
// for public routes, a token for the others. Exit 0 when all agree; 1 with
// one line per difference otherwise.
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { basename } from 'node:path'

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']
const [docPath, ...binaries] = process.argv.slice(2)
if (!docPath || binaries.length === 0) {
  console.error('usage: node check-routes.mjs OPENAPI_JSON GROUP_BINARY...')
  process.exit(64)
}

const problems = []
const routes = new Map() // "GET /api/x/" -> { group, access }
for (const bin of binaries) {
  const group = basename(bin)
  let out
  try {
    out = execFileSync(bin, ['--routes'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    problems.push(`${group}: \`${group} --routes\` failed (${(e.stderr || e.message).trim()})`)
    continue
  }
  const lines = out.split('\n').filter((l) => l.trim() !== '')
  if (lines.length === 0) problems.push(`${group}: \`--routes\` printed no route`)
  for (const line of lines) {
    const [method, pattern, access, ...rest] = line.split(' ')
    if (!method || !pattern || !access || rest.length > 0) {
      problems.push(`${group}: unreadable route line "${line}"`)
      continue
    }
    const key = `${method} ${pattern}`
    if (routes.has(key)) problems.push(`${key}: routed by both ${routes.get(key).group} and ${group}`)
    routes.set(key, { group, access })
  }
}

const doc = JSON.parse(readFileSync(docPath, 'utf8'))
const documented = new Map()
for (const [path, item] of Object.entries(doc.paths || {})) {
  for (const m of METHODS) {
    if (item[m]) documented.set(`${m.toUpperCase()} ${path}`, item[m])
  }
}

for (const [key, { group, access }] of routes) {
  const op = documented.get(key)
  if (!op) {
    problems.push(`${key}: a route of ${group} that the document does not describe`)
    continue
  }
  if (op['x-access'] !== access) {
    problems.push(`${key}: x-access is ${JSON.stringify(op['x-access'])}, the route is ${access}`)
  }
  const security = op.security ?? doc.security ?? []
  const optional = security.length === 0 || security.some((req) => Object.keys(req).length === 0)
  if (access === 'public' && !optional) problems.push(`${key}: public, but its security requires a token`)
  if (access !== 'public' && optional) problems.push(`${key}: ${access}, but its security lets it be called without a token`)
}
for (const key of documented.keys()) {
  if (!routes.has(key)) problems.push(`${key}: documented, but no group routes it`)
}

for (const p of problems) console.log(`openapi: ${p}`)
const groups = binaries.length
if (problems.length > 0) {
  console.log(`openapi: ${problems.length} difference(s) between the document and ${groups} groups' routes`)
  process.exit(1)
}
console.log(`openapi: ${routes.size} routes of ${groups} groups, each documented with its access; nothing else documented`)
