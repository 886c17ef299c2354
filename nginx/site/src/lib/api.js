// The API of the same origin, as the pages use it.
//
// api(method, path, {body, form, query}) resolves to {status, data} for
// every answer the API gives (2xx or not: a 400's field errors or a 403's
// detail are for the page to show) and rejects only when no answer came
// (ApiUnreachable: the network, Nginx down, a body that is not JSON).
// A 403 whose detail says the token is bad clears the session, so the next
// page load shows the visitor signed out.
//
// The token is kept in localStorage (`zufang.token`): every page's script
// needs it for the `token` header, and no cookie carries it, so no other
// site can make the browser send it (no CSRF).
const TOKEN_KEY = 'zufang.token'
const USER_KEY = 'zufang.user'

export const BAD_TOKEN = '无效的令牌或令牌已过期'
export const NO_TOKEN = '请提供用户身份令牌'
export const NO_PRIVILEGE = '您没有执行该操作的权限。'

export class ApiUnreachable extends Error {
  constructor(path, cause) {
    super('无法连接服务器，请检查网络后重试。')
    this.name = 'ApiUnreachable'
    this.path = path
    this.cause = cause
  }
}

export function token() {
  try { return localStorage.getItem(TOKEN_KEY) || '' } catch { return '' }
}

// The signed-in user as the login answered it, plus userid from the token:
// {userid, username, realname} or null.
export function currentUser() {
  if (!token()) return null
  try { return JSON.parse(localStorage.getItem(USER_KEY) || 'null') } catch { return null }
}

export function saveSession(tokenValue, user) {
  localStorage.setItem(TOKEN_KEY, tokenValue)
  localStorage.setItem(USER_KEY, JSON.stringify({ ...user, userid: userIdOf(tokenValue) }))
  sessionStorage.removeItem(PRIVILEGES_KEY)
}

export function clearSession() {
  try {
    localStorage.removeItem(TOKEN_KEY)
    localStorage.removeItem(USER_KEY)
    sessionStorage.removeItem(PRIVILEGES_KEY)
  } catch { /* storage unavailable: nothing kept */ }
}

// The token is a JWT whose payload is {"exp":…,"data":{"userid":N}}.
export function userIdOf(tokenValue) {
  try {
    const part = tokenValue.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
    return JSON.parse(atob(part)).data.userid
  } catch {
    return null
  }
}

// A query string from an object: empty values are left out.
export function queryString(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

// The path and query of a link the API gave (`next`, `previous` are
// absolute URLs with the site's configured host name, which need not be the
// one this page was loaded from): always fetched from this origin.
export function sameOrigin(url) {
  if (!url) return null
  const u = new URL(url, location.origin)
  return u.pathname + u.search
}

// The API's max-age lets a browser keep a list for minutes (houseinfos 120 s,
// house types a day), but a page must show a write at once, also one made
// in another tab or by staff: every GET asks the server again (answered
// from its own cache, which writes keep right), except the districts, which
// change only with a data release.
function cacheMode(method, path) {
  if (method !== 'GET') return 'default'
  return path.startsWith('/api/districts/') || path === '/api/hotcities/' ? 'default' : 'no-cache'
}

// `cache` overrides it (fetch's cache mode).
export async function api(method, path, { body, form, query, cache } = {}) {
  const headers = { Accept: 'application/json' }
  const t = token()
  if (t) headers.token = t
  let payload
  if (form) {
    payload = form  // FormData: the browser sets the multipart boundary
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  const url = path + queryString(query)
  let res
  try {
    res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', cache: cache || cacheMode(method, path) })
  } catch (e) {
    throw new ApiUnreachable(url, e)
  }
  // Read to its end even when empty (204): a page that navigates right
  // after would otherwise abort a response still loading.
  let data = null
  const text = await res.text()
  if (text) {
    try { data = JSON.parse(text) } catch (e) { throw new ApiUnreachable(url, e) }
  }
  if (res.status === 403 && data && data.detail === BAD_TOKEN) clearSession()
  return { status: res.status, data }
}

// The message of an answer that is not a success, for one line on a page.
export function messageOf(res) {
  const d = res && res.data
  if (!d) return `请求失败（${res ? res.status : '无响应'}）`
  if (typeof d.detail === 'string') return d.detail
  if (typeof d.message === 'string') return d.message
  const parts = []
  for (const [k, v] of Object.entries(d)) {
    if (Array.isArray(v)) parts.push(k === 'non_field_errors' ? v.join(' ') : `${k}: ${v.join(' ')}`)
  }
  return parts.length ? parts.join('；') : `请求失败（${res.status}）`
}

// Field errors of a 400 ({"field": ["message", …]}): {field: "message …"}.
export function fieldErrors(res) {
  const out = {}
  if (res && res.status === 400 && res.data && typeof res.data === 'object') {
    for (const [k, v] of Object.entries(res.data)) if (Array.isArray(v)) out[k] = v.join(' ')
  }
  return out
}

// ---- Privileges: which links and buttons a page shows ------------------------
// GET /api/users/{id}/privileges/ answers the caller's roles and privileges
// (method + URL prefix, as the API checks them); kept for the browser
// session. The API refuses what a role may not do whatever a page shows.
const PRIVILEGES_KEY = 'zufang.privileges'

// The privileges kept for this browser session, without asking: null when
// none are kept (a page draws its links from them at once, so the header
// does not grow after load).
export function keptPrivileges() {
  const user = currentUser()
  if (!user || !user.userid) return null
  try {
    const kept = JSON.parse(sessionStorage.getItem(PRIVILEGES_KEY) || 'null')
    return kept && kept.userid === user.userid ? kept : null
  } catch {
    return null
  }
}

export async function privileges() {
  const user = currentUser()
  if (!user || !user.userid) return null
  const kept = keptPrivileges()
  if (kept) return kept
  const res = await api('GET', `/api/users/${user.userid}/privileges/`)
  if (res.status !== 200 || !res.data) return null
  sessionStorage.setItem(PRIVILEGES_KEY, JSON.stringify(res.data))
  return res.data
}

// True when one of the privileges allows METHOD on PATH (its url a prefix).
export function allows(privs, method, path) {
  if (!privs || !Array.isArray(privs.privileges)) return false
  return privs.privileges.some((p) => p.method === method && path.startsWith(p.url))
}
