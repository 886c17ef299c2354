// The search as the page's URL carries it, and the API query built from it.
//
// The URL keeps the pickers' own ids (prov, city, county): a district's
// detail names no parent, so the pickers could not be restored from the
// API's single `district`. The API query takes the known filters only,
// `district` being the county when one is chosen, else the city.

import { sameOrigin } from '../../lib/api.js'

export const KEYS = ['prov', 'city', 'county', 'minprice', 'maxprice', 'minarea', 'maxarea', 'type', 'title', 'ordering', 'page']

// The API's default page size (contract §2: `size` defaults to 5); the page
// numbers are built from `count` and this.
export const PAGE_SIZE = 5

export const PRICE_BANDS = [
  { min: 0, max: 1000 }, { min: 1000, max: 2000 }, { min: 2000, max: 3000 },
  { min: 3000, max: 5000 }, { min: 5000, max: 8000 }, { min: 8000, max: null },
]
export const AREA_BANDS = [
  { min: 0, max: 30 }, { min: 30, max: 50 }, { min: 50, max: 70 },
  { min: 70, max: 90 }, { min: 90, max: 120 }, { min: 120, max: null },
]
export const ORDERINGS = [
  { value: '', label: '默认' },
  { value: '-pubdate', label: '最新' },
  { value: 'price', label: '租金从低到高' },
  { value: '-price', label: '租金从高到低' },
]

// A band's value in a <select> ("5000-8000", "8000-") and its words.
export function bandValue(min, max) {
  if ((min === '' || min == null) && (max === '' || max == null)) return ''
  return `${min ?? ''}-${max ?? ''}`
}
export function bandLabel(min, max, unit) {
  const lo = min === '' || min == null ? null : min
  const hi = max === '' || max == null ? null : max
  if (lo !== null && hi !== null) return `${lo}-${hi} ${unit}`
  if (lo !== null) return `${lo} ${unit}以上`
  if (hi !== null) return `${hi} ${unit}以下`
  return ''
}
export function parseBand(value) {
  if (!value) return { min: '', max: '' }
  const [min = '', max = ''] = value.split('-')
  return { min, max }
}

// The state from a query string: every known key as a string ('' if absent).
export function stateFromSearch(search) {
  const q = new URLSearchParams(search)
  const s = {}
  for (const k of KEYS) s[k] = (q.get(k) || '').trim()
  return s
}

// The page URL's query for a state (empty values left out, keys in order).
export function searchOf(state) {
  const q = new URLSearchParams()
  for (const k of KEYS) if (state[k] !== '' && state[k] != null) q.set(k, String(state[k]))
  const s = q.toString()
  return s ? `?${s}` : ''
}

// The API query for a state.
export function apiQuery(state) {
  return {
    district: state.county || state.city,
    minprice: state.minprice,
    maxprice: state.maxprice,
    minarea: state.minarea,
    maxarea: state.maxarea,
    type: state.type,
    title: state.title,
    ordering: state.ordering,
    page: state.page && state.page !== '1' ? state.page : '',
  }
}

// The province of a city by the national district code (440300 → 440000).
export function provinceOf(cityId) {
  return Math.floor(Number(cityId) / 10000) * 10000
}

// The page number a link of the API names (no `page` means the first).
export function pageOfLink(path) {
  if (!path) return null
  const p = new URL(path, location.origin).searchParams.get('page')
  return p ? Number(p) : 1
}

// The page numbers to show: the first, the last, and two either side of the
// current one, with null where numbers are left out.
export function pageNumbers(current, last) {
  const out = []
  for (let n = 1; n <= last; n++) {
    if (n === 1 || n === last || Math.abs(n - current) <= 2) out.push(n)
    else if (out[out.length - 1] !== null) out.push(null)
  }
  return out
}

// A photo's URL: the API gives `/media/images/<file>` in lists and photos,
// the bare file name as a detail's `mainphoto`.
export function photoUrl(path) {
  if (!path) return ''
  if (/^https?:/.test(path)) return sameOrigin(path)
  if (path.startsWith('/')) return path
  return `/media/images/${path}`
}
