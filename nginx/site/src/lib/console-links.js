// The staff console's sections and the privilege each needs to be listed
// (GET on its API path); the console page and the site header both read it.
export const CONSOLE_SECTIONS = [
  { key: 'agents', label: '经纪人', path: '/api/agents/' },
  { key: 'estates', label: '楼盘', path: '/api/estates/' },
  { key: 'housetypes', label: '户型', path: '/api/housetypes/' },
  { key: 'tags', label: '标签', path: '/api/tags/' },
  { key: 'users', label: '用户', path: '/api/users/' },
  { key: 'reports', label: '报表', path: '/api/reports/' },
]

// Every role may read agents, house types, tags and (普通用户 too) estates:
// the console shows a section when the role may change it (POST, PUT or
// DELETE) or, for users, list them (POST /api/users/ is registration, open
// to anyone, so it says nothing of staff); reports are only read, so a
// read of their path is what shows them.
export function consoleSections(privs, allows) {
  return CONSOLE_SECTIONS.filter((s) =>
    s.key === 'users' || s.key === 'reports'
      ? allows(privs, 'GET', s.path)
      : ['POST', 'PUT', 'PATCH', 'DELETE'].some((m) => allows(privs, m, s.path)))
}
