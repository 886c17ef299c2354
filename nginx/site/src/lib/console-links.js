// The staff console's sections and the privilege each needs to be listed
// (GET on its API path); the console page and the site header both read it.
export const CONSOLE_SECTIONS = [
  { key: 'agents', label: '经纪人', path: '/api/agents/' },
  { key: 'estates', label: '楼盘', path: '/api/estates/' },
  { key: 'housetypes', label: '户型', path: '/api/housetypes/' },
  { key: 'tags', label: '标签', path: '/api/tags/' },
  { key: 'users', label: '用户', path: '/api/users/' },
]

// Agents, house types and tags can be read by anyone, and estates by every
// signed-in role (普通用户 and 房东 hold GET /api/estates/ to see the estate
// of a listing): the console shows a section when the role may change it
// (POST, PUT or DELETE) or, for users, read it.
export function consoleSections(privs, allows) {
  return CONSOLE_SECTIONS.filter((s) =>
    ['POST', 'PUT', 'PATCH', 'DELETE'].some((m) => allows(privs, m, s.path)) ||
    (s.key === 'users' && allows(privs, 'GET', s.path)))
}
