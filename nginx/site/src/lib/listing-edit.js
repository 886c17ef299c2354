// What the publishing and my-listings pages share: signing in first, reading
// every page of a list, a county's city and province, photo file names.
import { token, sameOrigin, api, messageOf } from './api.js'

// A visitor without a token goes to log in and comes back here. False when
// the page is being left.
export function requireSignIn() {
  if (token()) return true
  location.replace(`/login.html?next=${encodeURIComponent(location.pathname + location.search)}`)
  return false
}

// Every result of a paginated list, following `next` (at most `limit`).
export async function listAll(path, limit = 500) {
  let res = await api('GET', path)
  if (res.status !== 200) throw new Error(messageOf(res))
  let list = res.data.results || []
  let next = sameOrigin(res.data.next)
  while (next && list.length < limit) {
    res = await api('GET', next)
    if (res.status !== 200) throw new Error(messageOf(res))
    list = list.concat(res.data.results || [])
    next = sameOrigin(res.data.next)
  }
  return list
}

// The province and city of a county. District ids follow the national
// division codes (440303 罗湖区 → 440300 深圳市 → 440000 广东省); the
// city's own list of counties confirms it, else only the county is known.
export async function districtsOfCounty(county) {
  const none = { province: null, city: null, county: null }
  if (!county) return none
  const city = Math.floor(county / 100) * 100
  const province = Math.floor(county / 10000) * 10000
  const res = await api('GET', `/api/districts/${city}/`)
  if (res.status === 200 && (res.data.cities || []).some((c) => c.distid === county)) {
    return { province, city, county }
  }
  return none
}

// Listings keep the main photo as a file name under /media/images/ (the
// list answers the URL, the detail the bare name).
export const MEDIA_IMAGES = '/media/images/'
export function mediaFile(v) {
  if (!v) return ''
  return v.startsWith(MEDIA_IMAGES) ? v.slice(MEDIA_IMAGES.length) : v
}
export function mediaUrl(v) {
  if (!v) return ''
  return v.startsWith('/') ? v : MEDIA_IMAGES + v
}
