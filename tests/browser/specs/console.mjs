// The staff console (/console.html): as 管理员 every section creates, finds,
// edits and deletes through the page (checked against the API), shows the
// API's field errors under their fields and moves between sections with the
// back button; as 经纪人 only the sections and buttons its privileges allow
// are shown and the API's refusal appears on the page; as 普通用户 there is
// no console; a visitor who is not signed in is sent to log in.
import { until, texts } from '../lib.mjs'

const SECTIONS = [
  { key: 'agents', path: '/api/agents/' },
  { key: 'estates', path: '/api/estates/' },
  { key: 'housetypes', path: '/api/housetypes/' },
  { key: 'tags', path: '/api/tags/' },
  { key: 'users', path: '/api/users/' },
  { key: 'reports', path: '/api/reports/' },
]
const ALLOWED_LOGS = ['status of 400', 'status of 403', 'status of 404']
const NO_PRIVILEGE = '您没有执行该操作的权限。'

function userIdOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).data.userid
}

const allows = (privs, method, path) => privs.privileges.some((p) => p.method === method && path.startsWith(p.url))

// The sections a role should see (as src/lib/console-links.js decides).
function expectedSections(privs) {
  return SECTIONS.filter((s) => ['POST', 'PUT', 'PATCH', 'DELETE'].some((m) => allows(privs, m, s.path)) ||
    ((s.key === 'users' || s.key === 'reports') && allows(privs, 'GET', s.path))).map((s) => s.key)
}

// Signs in as api.js's saveSession does after a login, in this tab.
async function signIn(t, page, username, password) {
  const res = await t.api('POST', '/api/tokens/', { body: { username, password } })
  if (!res.data || !res.data.token) throw new Error(`login of ${username} refused: ${JSON.stringify(res.data)}`)
  const token = res.data.token
  const userid = userIdOf(token)
  let privs = (await t.api('GET', `/api/users/${userid}/privileges/`, { token })).data
  // An API without GET /api/users/{id}/privileges/ yet: the same answer from
  // the tables, kept in the tab as api.js keeps the API's.
  const fromTables = !privs || !Array.isArray(privs.privileges)
  if (fromTables) {
    console.log(`        (privileges of ${username} read from the tables: the API has no /privileges/ yet)`)
    privs = { userid, roles: [], privileges: t.sql(`SELECT DISTINCT p.method, p.url FROM tb_user_role ur
      JOIN tb_role_privilege rp ON rp.roleid = ur.roleid JOIN tb_privilege p ON p.privid = rp.privid
      WHERE ur.userid = ${userid}`).map(([method, url]) => ({ method, url })) }
  }
  const session = { token, userid, privs, fromTables, user: { username: res.data.username, realname: res.data.realname, userid } }
  await useSession(t, page, session)
  return session
}

// Another tab of the same session (sessionStorage is the tab's own).
async function useSession(t, page, s) {
  await page.goto(`${t.base}/favicon.svg`)
  await page.evaluate((tk, user, kept) => {
    localStorage.setItem('zufang.token', tk)
    localStorage.setItem('zufang.user', JSON.stringify(user))
    sessionStorage.clear()
    if (kept) sessionStorage.setItem('zufang.privileges', JSON.stringify(kept))
  }, s.token, s.user, s.fromTables ? s.privs : null)
}

async function idle(page, key) {
  await until(page, (p) => p.evaluate((k) => {
    const s = document.querySelector(k ? `[data-section="${k}"]` : '[data-section]')
    return Boolean(s) && ![...s.querySelectorAll(':scope > p[role=status]')].some((e) => e.textContent.includes('正在加载'))
  }, key), 8000, `section ${key} loaded`)
}

async function open(t, page, key) {
  await page.goto(`${t.base}/console.html#${key}`, { waitUntil: 'networkidle0' })
  await idle(page, key)
}

async function search(page, key, text) {
  const box = `#${key}-q`
  await page.$eval(box, (e) => { e.value = '' })
  await page.type(box, text)
  await page.click(`[data-section="${key}"] [data-action=search]`)
  await new Promise((r) => setTimeout(r, 50))
  await idle(page, key)
}

// The ids of the rows whose column `col` reads `text`.
async function rowIds(page, key, col, text) {
  return page.$$eval(`[data-section="${key}"] tbody tr`, (trs, c, x) =>
    trs.filter((tr) => tr.querySelector(`[data-col="${c}"]`)?.textContent.trim() === x).map((tr) => Number(tr.dataset.id)), col, text)
}

async function fill(page, selector, value) {
  await page.$eval(selector, (e) => { e.value = '' })
  await page.type(selector, String(value))
}

async function save(page, key) {
  await page.click(`[data-section="${key}"] [data-dialog=form] [data-action=save]`)
}

async function dialogClosed(page, key, which) {
  await until(page, (p) => p.$eval(`[data-section="${key}"] [data-dialog=${which}]`, (d) => !d.open), 8000, `${which} dialog closes`)
}

async function pickDistrict(page, prefix, province, city, county) {
  await page.select(`#${prefix}-province`, String(province))
  await page.waitForSelector(`#${prefix}-city option[value="${city}"]`)
  await page.select(`#${prefix}-city`, String(city))
  await page.waitForSelector(`#${prefix}-county option[value="${county}"]`)
  await page.select(`#${prefix}-county`, String(county))
}

// Create through the form, find by the search, edit, check with the API,
// delete through the confirmation, check it is gone.
async function lifecycle(t, page, admin, s) {
  t.section(`console: ${s.key} as 管理员`)
  await open(t, page, s.key)
  const sec = `[data-section="${s.key}"]`
  await page.click(`${sec} [data-action=create]`)
  await page.waitForSelector(`${sec} [data-dialog=form][open]`)
  await s.create(page)
  await save(page, s.key)
  await dialogClosed(page, s.key, 'form')
  await idle(page, s.key)
  await search(page, s.key, s.search)
  let ids = await rowIds(page, s.key, s.col, s.name)
  t.check(`${s.key}: the new row is found by searching 「${s.search}」`, ids.length === 1, `ids ${ids}; rows ${await texts(page, `${sec} tbody tr`)}`)
  const id = ids[0]
  created.push([s.path, id, admin.token])
  const onlyMatches = (await texts(page, `${sec} tbody td[data-col="${s.col}"]`)).every((x) => x.toLowerCase().includes(s.search.toLowerCase()))
  t.check(`${s.key}: the search shows only matching rows`, onlyMatches)

  await page.click(`${sec} tr[data-id="${id}"] [data-action=edit]`)
  await page.waitForSelector(`${sec} [data-dialog=form][open]`)
  await until(page, (p) => p.$eval(`${sec} [data-dialog=form]`, (d) => !d.textContent.includes('正在读取')), 8000, 'form filled')
  await s.edit(page)
  await save(page, s.key)
  await dialogClosed(page, s.key, 'form')
  await idle(page, s.key)
  const after = await t.api('GET', `${s.path}${id}/`, { token: admin.token })
  t.check(`${s.key}: the edit is what the API answers`, after.status === 200 && s.edited(after.data), JSON.stringify(after.data))
  await t.screenshot(page, `console-${s.key}`)

  await page.click(`${sec} tr[data-id="${id}"] [data-action=delete]`)
  await page.waitForSelector(`${sec} [data-dialog=delete][open]`)
  const question = await page.$eval(`${sec} [data-dialog=delete]`, (d) => d.textContent)
  t.check(`${s.key}: the page asks before deleting`, question.includes('确定删除') && question.includes(String(id)), question)
  await t.screenshot(page, `console-${s.key}-delete`)
  await page.click(`${sec} [data-dialog=delete] [data-action=confirm-delete]`)
  await dialogClosed(page, s.key, 'delete')
  await until(page, async (p) => (await p.$(`${sec} tr[data-id="${id}"]`)) === null, 8000, 'row gone')
  const gone = await t.api('GET', `${s.path}${id}/`, { token: admin.token })
  t.check(`${s.key}: deleted (the API answers ${gone.status})`, gone.status === 404)
  if (gone.status === 404) created.pop()
}

let created = []

export default async function (t) {
  const u = t.unique
  const testUser = `ct_${u}`.slice(0, 20)
  const newUser = `cu_${u}`.slice(0, 20)
  created = []
  try {
    // ---- A visitor who is not signed in -------------------------------------
    t.section('console: signed out')
    {
      const page = await t.page()
      await page.goto(`${t.base}/favicon.svg`)
      await page.evaluate(() => { localStorage.clear(); sessionStorage.clear() })
      await page.goto(`${t.base}/console.html#tags`, { waitUntil: 'networkidle0' })
      await until(page, (p) => p.url().includes('/login.html'), 8000, 'sent to log in')
      t.check('a visitor is sent to log in and back', page.url().endsWith('/login.html?next=%2Fconsole.html%23tags'), page.url())
      await page.close()
    }

    // ---- 管理员 --------------------------------------------------------------
    const page = await t.page()
    const admin = await signIn(t, page, 'jackfrued', '123456')
    await open(t, page, '')
    const listed = await page.$$eval('[data-section-link]', (as) => as.map((a) => a.dataset.sectionLink))
    t.check('管理员 sees every section', listed.join() === SECTIONS.map((s) => s.key).join(), listed.join())
    t.check('no hash opens the first section', page.url().endsWith('#agents') && (await page.$('[data-section=agents]')) !== null, page.url())
    t.check('管理员 has the 管理后台 link', (await page.$('[data-nav=console]')) !== null)

    // The back button goes between sections.
    await page.click('[data-section-link=estates]')
    await idle(page, 'estates')
    await page.click('[data-section-link=tags]')
    await idle(page, 'tags')
    await page.goBack()
    await idle(page, 'estates')
    t.check('the back button returns to the section before', page.url().endsWith('#estates') &&
      (await page.$eval('[aria-current=page]', (a) => a.dataset.sectionLink)) === 'estates')

    // A field error under its field: an agent without a name.
    await open(t, page, 'agents')
    await page.click('[data-section=agents] [data-action=create]')
    await page.waitForSelector('[data-section=agents] [data-dialog=form][open]')
    await fill(page, '#agents-f-tel', '13000000000')
    await save(page, 'agents')
    await page.waitForSelector('[data-section=agents] [data-error=name]')
    const err = await page.$eval('[data-section=agents] [data-error=name]', (e) => ({
      text: e.textContent.trim(), under: e.parentElement.querySelector('label').textContent }))
    t.check('an agent without a name: 该字段是必填项。 under 姓名', err.text === '该字段是必填项。' && err.under.includes('姓名'), JSON.stringify(err))
    t.check('the field with the error is focused', await page.evaluate(() => document.activeElement.id === 'agents-f-name'))
    await t.screenshot(page, 'console-agents-field-error')
    await page.click('[data-section=agents] [data-dialog=form] [data-action=cancel]')

    const agentName = `<i>测试经纪人${u}</i>`
    const [typeid] = t.sql('SELECT MAX(typeid)+1 FROM tb_house_type')[0]
    const specs = [
      {
        key: 'agents', path: '/api/agents/', col: 'name', name: agentName, search: `<i>测试经纪人${u}`,
        create: async (p) => { await fill(p, '#agents-f-name', agentName); await fill(p, '#agents-f-tel', '13000000001'); await fill(p, '#agents-f-servstar', '3') },
        edit: async (p) => { await fill(p, '#agents-f-tel', '13000000002'); await p.click('#agents-f-certificated') },
        edited: (d) => d.name === agentName && d.tel === '13000000002' && d.servstar === 3 && d.certificated === true,
      },
      {
        key: 'estates', path: '/api/estates/', col: 'name', name: `测试楼盘${u}`, search: `测试楼盘${u}`,
        create: async (p) => {
          await fill(p, '#estates-f-name', `测试楼盘${u}`)
          await pickDistrict(p, 'estates-f-district', 440000, 440300, 440303)
          await fill(p, '#estates-f-hot', '7')
        },
        edit: async (p) => {
          await p.waitForSelector('#estates-f-district-county option[value="440303"]')
          await pickDistrict(p, 'estates-f-district', 440000, 440300, 440304)
          await fill(p, '#estates-f-intro', '靠近地铁')
        },
        edited: (d) => d.name === `测试楼盘${u}` && d.district.distid === 440304 && d.hot === 7 && d.intro === '靠近地铁',
      },
      {
        key: 'housetypes', path: '/api/housetypes/', col: 'name', name: `测试户型${u}`, search: `户型${u}`,
        create: async (p) => { await fill(p, '#housetypes-f-typeid', typeid); await fill(p, '#housetypes-f-name', `测试户型${u}`) },
        edit: async (p) => { await fill(p, '#housetypes-f-name', `测试户型${u}改`) },
        edited: (d) => d.typeid === Number(typeid) && d.name === `测试户型${u}改`,
      },
      {
        key: 'tags', path: '/api/tags/', col: 'content', name: `签${u}`, search: u,
        create: async (p) => { await fill(p, '#tags-f-content', `签${u}`) },
        edit: async (p) => { await fill(p, '#tags-f-content', `签${u}改`) },
        edited: (d) => d.content === `签${u}改`,
      },
    ]
    for (const s of specs) await lifecycle(t, page, admin, s)

    // The agent's name was shown as text, never as markup: checked above by
    // the cell's text; no <i> element came from it.
    t.section('console: users as 管理员')
    const tel = `139${String(Date.now()).slice(-8)}`
    t.sql(`INSERT INTO tb_user (username, password, realname, sex, tel, email) VALUES ('${testUser}', 'x', '测试用户', 1, '${tel}', '${testUser}@example.com')`)
    const [testId] = t.sql(`SELECT userid FROM tb_user WHERE username = '${testUser}'`)[0]
    await open(t, page, 'users')
    await search(page, 'users', 'jackfrued')
    t.check('users: searching jackfrued shows jackfrued', (await rowIds(page, 'users', 'username', 'jackfrued')).length === 1)
    await search(page, 'users', testUser)
    t.check('users: the test user is found', (await rowIds(page, 'users', 'username', testUser)).map(String).includes(testId))
    await page.click(`[data-section=users] tr[data-id="${testId}"] [data-action=edit]`)
    await page.waitForSelector('[data-section=users] [data-dialog=form][open]')
    t.check('users: editing shows no user name or password field', (await page.$('#users-f-username')) === null && (await page.$('#users-f-password')) === null)
    t.check('users: the form holds the user', await page.$eval('#users-f-realname', (e) => e.value) === '测试用户')
    await fill(page, '#users-f-realname', '测试改名')
    await page.select('#users-f-sex', 'false')
    await save(page, 'users')
    await dialogClosed(page, 'users', 'form')
    await idle(page, 'users')
    const edited = await t.api('GET', `/api/users/${testId}/`, { token: admin.token })
    t.check('users: realname and sex changed through the page', edited.data && edited.data.realname === '测试改名' && edited.data.sex === false, JSON.stringify(edited.data))
    const cellText = await page.$eval(`[data-section=users] tr[data-id="${testId}"] [data-col=realname]`, (e) => e.textContent.trim())
    t.check('users: the table shows the new name', cellText === '测试改名', cellText)
    await t.screenshot(page, 'console-users')

    // Staff create a user without an SMS code (POST /api/users/ with the
    // privilege): a 201 adds the row; an API that still wants the code says
    // so in the form.
    await page.click('[data-section=users] [data-action=create]')
    await page.waitForSelector('[data-section=users] [data-dialog=form][open]')
    await fill(page, '#users-f-username', newUser)
    await fill(page, '#users-f-password', 'secret123')
    await fill(page, '#users-f-realname', '新建用户')
    await fill(page, '#users-f-tel', `137${String(Date.now()).slice(-8)}`)
    await fill(page, '#users-f-email', `${newUser}@example.com`)
    await save(page, 'users')
    await until(page, (p) => p.evaluate(() => {
      const d = document.querySelector('[data-section=users] [data-dialog=form]')
      return !d.open || Boolean(d.querySelector('[data-form-alert], .error'))
    }), 8000, 'the create answered')
    const outcome = await page.evaluate(() => {
      const d = document.querySelector('[data-section=users] [data-dialog=form]')
      return d.open ? [...d.querySelectorAll('[data-form-alert], .error')].map((e) => e.textContent.trim()).join(' ') : 'created'
    })
    const inTable = t.sql(`SELECT COUNT(*) FROM tb_user WHERE username = '${newUser}'`)[0][0] === '1'
    t.check(`users: creating through the form is done or shows the API's answer (${outcome})`,
      outcome === 'created' ? inTable : outcome.length > 0 && !inTable, outcome)
    if (outcome !== 'created') await page.click('[data-section=users] [data-dialog=form] [data-action=cancel]')
    t.consoleClean(page, 'console as 管理员', ALLOWED_LOGS)
    t.sameOriginOnly(page, 'console as 管理员')

    // The agent's name, markup in text: shown as typed.
    {
      await open(t, page, 'agents')
      const aid = (await t.api('POST', '/api/agents/', { token: admin.token, body: { name: agentName, tel: '13000000003' } })).data.agentid
      created.push(['/api/agents/', aid, admin.token])
      await search(page, 'agents', `<i>测试经纪人${u}`)
      const shown = await page.$eval(`[data-section=agents] tr[data-id="${aid}"] [data-col=name]`, (e) => ({ text: e.textContent.trim(), tags: e.children.length }))
      t.check('a name with markup is shown as its characters', shown.text === agentName && shown.tags === 0, JSON.stringify(shown))
    }

    // 375 px: every section fits.
    t.section('console: 375 px')
    {
      const phone = await t.page({ width: 375, height: 800, mobile: true })
      await useSession(t, phone, admin)
      for (const key of ['agents', 'estates', 'housetypes', 'tags', 'users']) {
        await open(t, phone, key)
        const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        t.check(`375 px ${key}: no sideways scrolling (${overflow} px)`, overflow <= 0)
      }
      await t.screenshot(phone, 'console-phone-users')
      await open(t, phone, 'estates')
      await phone.click('[data-section=estates] [data-action=create]')
      await phone.waitForSelector('[data-section=estates] [data-dialog=form][open]')
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      t.check(`375 px: the form fits (${overflow} px)`, overflow <= 0)
      await t.screenshot(phone, 'console-phone-estates-form')
      t.consoleClean(phone, 'console at 375 px', ALLOWED_LOGS)
      await phone.close()
    }
    await page.close()

    // ---- 经纪人 --------------------------------------------------------------
    t.section('console: 经纪人 (hellokitty)')
    {
      const p = await t.page()
      const agent = await signIn(t, p, 'hellokitty', '123123')
      await open(t, p, '')
      const want = expectedSections(agent.privs)
      const got = await p.$$eval('[data-section-link]', (as) => as.map((a) => a.dataset.sectionLink))
      t.check(`经纪人 sees the sections its privileges allow (${want.join(', ')})`, got.join() === want.join() && want.length > 0 && want.length < SECTIONS.length, `got ${got.join()}`)
      await open(t, p, 'tags')
      const canPut = allows(agent.privs, 'PUT', '/api/tags/')
      const canDelete = allows(agent.privs, 'DELETE', '/api/tags/')
      t.check('经纪人 may not delete tags (its privileges)', !canDelete)
      t.check('tags: no 删除 button for 经纪人', (await p.$('[data-section=tags] [data-action=delete]')) === null)
      t.check('tags: the 编辑 buttons its privileges allow are shown', ((await p.$('[data-section=tags] [data-action=edit]')) !== null) === canPut)
      await t.screenshot(p, 'console-agent-tags')
      const tag = await t.api('POST', '/api/tags/', { token: admin.token, body: { content: `删${u}`.slice(0, 20) } })
      created.push(['/api/tags/', tag.data.tagid, admin.token])
      const refused = await t.api('DELETE', `/api/tags/${tag.data.tagid}/`, { token: agent.token })
      t.check('the API refuses 经纪人 a delete anyway', refused.status === 403 && refused.data.detail === NO_PRIVILEGE, JSON.stringify(refused))
      const hidden = SECTIONS.map((s) => s.key).find((k) => !want.includes(k) && k === 'users') ||
        SECTIONS.map((s) => s.key).find((k) => !want.includes(k))
      await open(t, p, hidden)
      const alert = await p.$eval(`[data-section=${hidden}] [data-alert]`, (e) => e.textContent.trim()).catch(() => null)
      t.check(`opening #${hidden} by hand shows the API's refusal`, hidden !== 'users' || alert === NO_PRIVILEGE, `alert: ${alert}`)
      if (hidden !== 'users') t.check(`#${hidden} shows no write buttons`, (await p.$(`[data-section=${hidden}] [data-action]:not([data-action=search])`)) === null)
      await t.screenshot(p, `console-agent-${hidden}-refused`)
      t.consoleClean(p, 'console as 经纪人', ALLOWED_LOGS)
      t.sameOriginOnly(p, 'console as 经纪人')
      await p.close()
    }

    // ---- 普通用户 ------------------------------------------------------------
    t.section('console: 普通用户 (wangdachui)')
    {
      const p = await t.page()
      await signIn(t, p, 'wangdachui', '123123')
      await p.goto(`${t.base}/console.html`, { waitUntil: 'networkidle0' })
      await until(p, (x) => x.evaluate(() => !document.querySelector('main').textContent.includes('正在加载')), 8000, 'loaded')
      t.check('普通用户 has no 管理后台 link', (await p.$('[data-nav=console]')) === null && (await p.$('[data-nav=account]')) !== null)
      const main = await p.$eval('main', (m) => m.textContent.replace(/\s+/g, ''))
      t.check('普通用户 is told 您的角色没有管理权限 and nothing else', main === '管理后台您的角色没有管理权限', main)
      await t.screenshot(p, 'console-plain-user')
      t.consoleClean(p, 'console as 普通用户', ALLOWED_LOGS)
      await p.close()
    }
  } finally {
    for (const [path, id, token] of created) await t.api('DELETE', `${path}${id}/`, { token }).catch(() => {})
    for (const name of [testUser, newUser]) {
      for (const table of ['tb_user_role', 'tb_login_log']) t.sql(`DELETE FROM ${table} WHERE userid IN (SELECT userid FROM tb_user WHERE username = '${name}')`)
      t.sql(`DELETE FROM tb_user WHERE username = '${name}'`)
    }
  }
}
