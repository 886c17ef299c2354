// Publishing a listing through the form, finding it, editing it, managing
// its photos and deleting it on the my-listings page, as wuzetian (房东);
// wangdachui (普通用户) is refused the form and the API.
import { writeFileSync, rmSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
import { until } from '../lib.mjs'

// A small valid PNG of one colour (each colour a different file).
function png(path, [r, g, b], w = 8, h = 6) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf) => {
    let c = 0xffffffff
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(td))
    return Buffer.concat([len, td, sum])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => [r, g, b]).flat())])
  const raw = Buffer.concat(Array.from({ length: h }, () => row))
  writeFileSync(path, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]))
  return path
}

const userIdOf = (tok) => JSON.parse(Buffer.from(tok.split('.')[1], 'base64url').toString()).data.userid

// Signs the tab in as saveSession does (the token and the login's answer in
// localStorage), once, before the first page of the site runs its scripts.
async function signIn(t, page, username, password) {
  const res = await t.api('POST', '/api/tokens/', { body: { username, password } })
  if (!res.data || !res.data.token) throw new Error(`login of ${username} refused: ${JSON.stringify(res.data)}`)
  await page.evaluateOnNewDocument((origin, tok, user) => {
    if (location.origin !== origin || sessionStorage.getItem('spec.signed-in')) return
    sessionStorage.setItem('spec.signed-in', '1')
    localStorage.setItem('zufang.token', tok)
    localStorage.setItem('zufang.user', JSON.stringify(user))
  }, new URL(t.base).origin, res.data.token,
  { username: res.data.username, realname: res.data.realname, userid: userIdOf(res.data.token) })
  return res.data.token
}

const text = (page, sel) => page.$eval(sel, (e) => e.textContent.trim()).catch(() => null)
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

async function selectWhenReady(page, sel, value) {
  await until(page, (p) => p.$eval(sel, (s, v) => !s.disabled && [...s.options].some((o) => o.value === v), value).catch(() => false),
    8000, `${sel} offers ${value}`)
  await page.select(sel, value)
}

async function setValue(page, sel, value) {
  await page.$eval(sel, (e) => { e.value = '' })
  await page.type(sel, String(value))
}

export default async function (t) {
  const files = [`/tmp/zf-publish-spec-${t.unique}-a.png`, `/tmp/zf-publish-spec-${t.unique}-b.png`,
    `/tmp/zf-publish-spec-${t.unique}-c.png`]
  const seed = Number.parseInt(t.unique.slice(-4), 36) || 7
  png(files[0], [seed % 256, 40, 90])
  png(files[1], [20, seed % 256, 120])
  png(files[2], [200, 90, seed % 256])
  const title = `测试<b>房源</b> ${t.unique}`
  let houseid = null
  let tok = null
  const privilegesServed = (await t.api('GET', '/api/users/4/privileges/', { token: await t.login('wuzetian', '123456') })).status !== 404
  const mineServed = (await t.api('GET', '/api/users/4/houseinfos/', { token: await t.login('wuzetian', '123456') })).status !== 404
  // Until the API serves them, the pages' requests for these answer 404.
  const missing = privilegesServed && mineServed ? [] : ['status of 404']
  try {
    t.section('a visitor without a token is sent to log in')
    {
      const page = await t.page()
      await page.goto(t.base + '/publish.html', { waitUntil: 'networkidle0' })
      t.check('publish.html sends the visitor to /login.html?next=/publish.html',
        page.url() === `${t.base}/login.html?next=%2Fpublish.html`, page.url())
      await page.goto(t.base + '/mine.html', { waitUntil: 'networkidle0' })
      t.check('mine.html sends the visitor to /login.html?next=/mine.html',
        page.url() === `${t.base}/login.html?next=%2Fmine.html`, page.url())
      await page.close()
    }

    t.section('wuzetian (房东) publishes a listing through the form')
    const page = await t.page()
    tok = await signIn(t, page, 'wuzetian', '123456')
    await page.goto(t.base + '/publish.html', { waitUntil: 'networkidle0' })
    await page.waitForSelector('form[data-form="publish"]')
    t.check('the form is shown', true)
    if (privilegesServed) {
      t.check('the header links 发布房源 and 我的房源', !!(await page.$('a[data-nav="publish"]')) && !!(await page.$('a[data-nav="mine"]')))
    }
    // An empty form: the API's field messages under their fields.
    await page.click('button[data-action="submit"]')
    await until(page, async (p) => (await text(p, '#e-title')) !== '', 8000, 'a message under 标题')
    t.check('an empty form shows the API\'s message under 标题', (await text(page, '#e-title')) === '该字段不能为空。',
      await text(page, '#e-title'))
    t.check('… and under 面积, 户型, 街道', (await text(page, '#e-area')) === '该字段是必填项。' &&
      (await text(page, '#e-type')) === '该字段是必填项。' && (await text(page, '#e-street')) === '该字段不能为空。',
      `${await text(page, '#e-area')} | ${await text(page, '#e-type')} | ${await text(page, '#e-street')}`)
    t.check('… and asks for a main photo and the district', (await text(page, '#e-mainphoto')) === '请上传一张主图。' &&
      (await text(page, '[data-error="district"]')) === '请选择城市。')

    await setValue(page, '#f-title', title)
    await selectWhenReady(page, '#f-dist-province', '440000')
    await selectWhenReady(page, '#f-dist-city', '440300')
    await selectWhenReady(page, '#f-dist-county', '440303')
    await until(page, async (p) => (await text(p, '[data-note="estate"]')) !== '正在加载楼盘…', 8000, 'the estates')
    const estates = await page.$$eval('#f-estate option', (os) => os.map((o) => o.value).filter(Boolean))
    t.check('the estate picker lists the county\'s estates (罗湖区)', estates.length > 0, `estates: ${estates.length}`)
    const estate = estates[0]
    if (estate) await page.select('#f-estate', estate)
    await selectWhenReady(page, '#f-type', '3')
    await page.click('input[name="tags"][value="1"]')
    await page.click('input[name="tags"][value="6"]')
    await page.click('input[name="hassubway"]')
    await setValue(page, '#f-area', 68)
    await setValue(page, '#f-floor', 5)
    await setValue(page, '#f-totalfloor', 18)
    await setValue(page, '#f-direction', '南北')
    await setValue(page, '#f-price', 4200)
    await setValue(page, '#f-street', '深南东路 1001 号')
    await setValue(page, '#f-detail', '近地铁，采光好。')
    t.check('租金单位 defaults to 元/月', (await page.$eval('#f-priceunit', (e) => e.value)) === '元/月')
    // The agent: search by name, then pick.
    await setValue(page, '#f-agent-name', '袁')
    await page.click('button[data-action="find-agent"]')
    await until(page, (p) => p.$$eval('#f-agent option', (os) => os.some((o) => o.textContent.startsWith('袁晓孟'))), 8000, 'agent 袁晓孟')
    const agentId = await page.$$eval('#f-agent option', (os) => os.find((o) => o.textContent.startsWith('袁晓孟')).value)
    await page.select('#f-agent', agentId)

    const mainInput = await page.$('#f-mainphoto')
    await mainInput.uploadFile(files[0])
    await page.waitForSelector('img[data-photo="uploaded"]')
    const mainSrc = await page.$eval('img[data-photo="uploaded"]', (e) => e.getAttribute('src'))
    const mainLoaded = await page.$eval('img[data-photo="uploaded"]', (e) => e.complete && e.naturalWidth > 0)
    t.check('the main photo is uploaded and shown from /media/images/', /^\/media\/images\/[0-9a-f]{32}\.png$/.test(mainSrc) &&
      (mainLoaded || await until(page, (p) => p.$eval('img[data-photo="uploaded"]', (e) => e.naturalWidth > 0), 4000).then(() => true, () => false)),
      mainSrc)
    const extraInput = await page.$('#f-extra')
    await extraInput.uploadFile(files[1])
    await t.screenshot(page, 'publish-filled-desktop')

    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('button[data-action="submit"]')])
    const landed = new URL(page.url())
    houseid = Number(landed.searchParams.get('id'))
    t.check('publishing lands on /listing.html?id=N', landed.pathname === '/listing.html' && houseid > 0, page.url())
    t.consoleClean(page, 'publish (desktop)', ['status of 400', ...missing])
    t.sameOriginOnly(page, 'publish (desktop)')

    const d = (await t.api('GET', `/api/houseinfos/${houseid}/`)).data || {}
    t.check('the API has the listing with the title, price, area, floors and direction given',
      d.title === title && d.price === 4200 && d.area === 68 && d.floor === 5 && d.totalfloor === 18 &&
      d.direction === '南北' && d.priceunit === '元/月' && d.street === '深南东路 1001 号' && d.detail === '近地铁，采光好。',
      JSON.stringify(d))
    t.check('… in 罗湖区, 两室一厅, with the estate and agent picked',
      d.district?.distid === 440303 && d.type?.typeid === 3 && String(d.estate?.estateid) === estate &&
      String(d.agent?.agentid) === agentId, JSON.stringify({ district: d.district, type: d.type, estate: d.estate, agent: d.agent }))
    t.check('… the tags and booleans ticked', JSON.stringify((d.tags || []).map((x) => x.tagid)) === '[1,6]' &&
      d.hassubway === true && d.isshared === false && d.hasagentfees === false, JSON.stringify(d.tags))
    t.check('… the main photo as the uploaded file, and the extra photo added',
      `/media/images/${d.mainphoto}` === mainSrc && (d.photos || []).length === 2, JSON.stringify({ m: d.mainphoto, p: d.photos }))

    t.section('the listing is found by its title')
    const found = await t.api('GET', `/api/houseinfos/?title=${encodeURIComponent(t.unique)}`)
    t.check('GET /api/houseinfos/?title=<unique> finds it', found.data?.count === 1 && found.data.results[0].houseid === houseid,
      JSON.stringify(found.data))
    {
      const search = await t.page()
      await search.goto(`${t.base}/?title=${encodeURIComponent(t.unique)}`, { waitUntil: 'networkidle0' })
      const ok = await until(search, (p) => p.$(`a[href*="listing.html?id=${houseid}"]`).then(Boolean), 8000).then(() => true, () => false)
      t.check('the search page /?title=<unique> links the listing', ok,
        ok ? '' : await search.$eval('.results', (e) => e.textContent.slice(0, 300)).catch((e) => String(e)))
      await search.close()
    }

    t.section('editing: the form is filled from the listing and PUT saves a new price')
    await page.goto(`${t.base}/publish.html?id=${houseid}`, { waitUntil: 'networkidle0' })
    await page.waitForSelector('form[data-form="publish"]')
    await until(page, (p) => p.$eval('#f-dist-county', (s) => s.value === '440303'), 8000, 'the county filled in')
    const filled = await page.evaluate(() => ({
      title: document.querySelector('#f-title').value, price: document.querySelector('#f-price').value,
      type: document.querySelector('#f-type').value, city: document.querySelector('#f-dist-city').value,
      tags: [...document.querySelectorAll('input[name="tags"]:checked')].map((e) => e.value).join(','),
      subway: document.querySelector('input[name="hassubway"]').checked,
    }))
    t.check('the edit form shows the listing as published', filled.title === title && filled.price === '4200' &&
      filled.type === '3' && filled.city === '440300' && filled.tags === '1,6' && filled.subway, JSON.stringify(filled))
    t.check('… and its main photo', (await page.$eval('img[data-photo="uploaded"]', (e) => e.getAttribute('src')).catch(() => null)) === mainSrc)
    await setValue(page, '#f-price', 3900)
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('button[data-action="submit"]')])
    t.check('saving lands on the listing page', page.url() === `${t.base}/listing.html?id=${houseid}`, page.url())
    const after = (await t.api('GET', `/api/houseinfos/${houseid}/`)).data || {}
    t.check('the API has the new price, the rest unchanged', after.price === 3900 && after.title === title &&
      after.area === 68 && JSON.stringify((after.tags || []).map((x) => x.tagid)) === '[1,6]' &&
      after.mainphoto === d.mainphoto && (after.photos || []).length === 2, JSON.stringify(after))

    t.section('someone else\'s listing, and one that is gone')
    {
      const theirs = await t.page()
      await signIn(t, theirs, 'wuzetian', '123456')
      await theirs.goto(`${t.base}/publish.html?id=1`, { waitUntil: 'networkidle0' })
      await theirs.waitForSelector('form[data-form="publish"]')
      const before = (await t.api('GET', '/api/houseinfos/1/')).data
      await theirs.click('button[data-action="submit"]')
      await until(theirs, (p) => p.$('form .notice-error').then(Boolean), 8000, 'the refusal')
      t.check('saving a listing of another publisher shows the API\'s refusal',
        (await text(theirs, 'form .notice-error')) === '您没有执行该操作的权限。', await text(theirs, 'form .notice-error'))
      t.check('… and leaves it as it was', JSON.stringify((await t.api('GET', '/api/houseinfos/1/')).data) === JSON.stringify(before))
      await theirs.goto(`${t.base}/publish.html?id=99999999`, { waitUntil: 'networkidle0' })
      t.check('editing a listing that does not exist says so, with no form',
        (await text(theirs, 'main .notice-error'))?.includes('没有找到这套房源') && !(await theirs.$('form[data-form="publish"]')),
        await text(theirs, 'main .notice-error'))
      t.consoleClean(theirs, 'publish.html?id= of others', ['status of 403', 'status of 404'])
      await theirs.close()
    }

    t.section('no answer from the API: a message, not a blank page')
    {
      const cut = await t.page()
      await signIn(t, cut, 'wuzetian', '123456')
      await cut.setRequestInterception(true)
      cut.on('request', (r) => (new URL(r.url()).pathname.startsWith('/api/users/4/houseinfos/') ? r.abort() : r.continue()))
      await cut.goto(`${t.base}/mine.html`, { waitUntil: 'networkidle0' })
      t.check('mine.html says the server cannot be reached', (await text(cut, 'main .notice-error')) === '无法连接服务器，请检查网络后重试。',
        await text(cut, 'main .notice-error'))
      await cut.close()
    }

    t.section('375 px: both pages fit a phone (the listing on my listings)')
    for (const path of ['/publish.html', '/mine.html']) {
      const phone = await t.page({ width: 375, height: 800, mobile: true })
      await signIn(t, phone, 'wuzetian', '123456')
      await phone.goto(t.base + path, { waitUntil: 'networkidle0' })
      await phone.waitForSelector(path === '/publish.html' ? 'form[data-form="publish"]' : 'main .notice, main .mine-list')
      const o = await overflow(phone)
      t.check(`phone ${path} needs no sideways scrolling (${o} px)`, o <= 0)
      t.consoleClean(phone, `phone ${path}`, missing)
      t.sameOriginOnly(phone, `phone ${path}`)
      await t.screenshot(phone, `${path === '/publish.html' ? 'publish' : 'mine'}-phone`)
      await phone.close()
    }

    t.section('my listings: photos added and removed, the listing deleted')
    const mine = await t.page()
    await signIn(t, mine, 'wuzetian', '123456')
    await mine.goto(`${t.base}/mine.html`, { waitUntil: 'networkidle0' })
    if (!mineServed) {
      const msg = await text(mine, '.notice')
      t.check('without GET /api/users/{id}/houseinfos/ the page says so', msg?.includes('暂时无法列出'), msg)
      console.log('        (GET /api/users/{id}/houseinfos/ is not served yet: photos and deletion through the page not checked)')
    } else {
      const item = `li[data-houseid="${houseid}"]`
      await mine.waitForSelector(item)
      const itemTitle = await text(mine, `${item} .title a`)
      t.check('the listing is on my listings, its title as text (markup shown, not run)', itemTitle === title, itemTitle)
      t.check('… with its price and district', (await text(mine, `${item} .price`)) === '3900 元/月' &&
        (await text(mine, `${item} .facts`))?.includes('罗湖区'))
      t.check('… 编辑 links the form', (await mine.$eval(`${item} a[data-action="edit"]`, (a) => a.getAttribute('href'))) ===
        `/publish.html?id=${houseid}`)
      await mine.click(`${item} button[data-action="photos"]`)
      await mine.waitForSelector(`${item} [data-panel="photos"] form`)
      const shown = await mine.$$eval(`${item} [data-photoid] img`, (is) => is.map((i) => i.getAttribute('src')))
      t.check('照片 shows the listing\'s two photos', shown.length === 2, JSON.stringify(shown))
      const add = await mine.$(`${item} [data-panel="photos"] input[type="file"]`)
      await add.uploadFile(files[2])
      await mine.click(`${item} button[data-action="add-photo"]`)
      await until(mine, (p) => p.$$(`${item} [data-photoid]`).then((l) => l.length === 3), 8000, 'a third photo')
      let photos = (await t.api('GET', `/api/houseinfos/${houseid}/photos/`)).data || []
      t.check('a photo added on the page is the listing\'s third', photos.length === 3, JSON.stringify(photos))
      const added = photos[photos.length - 1]
      await t.screenshot(mine, 'mine-photos-desktop')
      await mine.click(`${item} [data-photoid="${added.photoid}"] button[data-action="remove-photo"]`)
      await until(mine, (p) => p.$$(`${item} [data-photoid]`).then((l) => l.length === 2), 8000, 'the photo removed')
      photos = (await t.api('GET', `/api/houseinfos/${houseid}/photos/`)).data || []
      t.check('removing it leaves the two photos', photos.length === 2 && !photos.some((p) => p.photoid === added.photoid),
        JSON.stringify(photos))

      await mine.click(`${item} button[data-action="delete"]`)
      await mine.waitForSelector('dialog[data-dialog="delete"][open]')
      t.check('删除 asks in a dialog of the page', (await text(mine, 'dialog[open] p'))?.includes(title))
      await t.screenshot(mine, 'mine-confirm-desktop')
      await mine.click('dialog[open] button[data-action="cancel"]')
      await until(mine, (p) => p.$('dialog[open]').then((e) => !e), 4000, 'the dialog closed')
      t.check('取消 keeps the listing', (await t.api('GET', `/api/houseinfos/${houseid}/`)).status === 200 && !!(await mine.$(item)))
      await mine.click(`${item} button[data-action="delete"]`)
      await mine.waitForSelector('dialog[data-dialog="delete"][open]')
      await mine.click('dialog[open] button[data-action="confirm-delete"]')
      await until(mine, (p) => p.$(item).then((e) => !e), 8000, 'the listing gone from the page')
      t.check('确认删除 removes it from the page', true)
      t.check('… and the API answers 404 for it', (await t.api('GET', `/api/houseinfos/${houseid}/`)).status === 404)
      houseid = null
    }
    t.consoleClean(mine, 'mine (desktop)', missing)
    t.sameOriginOnly(mine, 'mine (desktop)')
    await t.screenshot(mine, 'mine-desktop')

    t.section('wangdachui (普通用户) may not publish')
    {
      const other = await t.page()
      const otherTok = await signIn(t, other, 'wangdachui', '123123')
      await other.goto(t.base + '/publish.html', { waitUntil: 'networkidle0' })
      if (privilegesServed) {
        await until(other, async (p) => (await text(p, 'main .notice')) !== '正在加载…', 8000, 'the page decided')
        t.check('publish.html says 您的角色不能发布房源 and shows no form',
          (await text(other, 'main .notice'))?.includes('您的角色不能发布房源') && !(await other.$('form[data-form="publish"]')),
          await text(other, 'main .notice'))
        t.check('the header has no 发布房源 link', !(await other.$('a[data-nav="publish"]')))
      } else {
        console.log('        (GET /api/users/{id}/privileges/ is not served yet: the form shows and the API refuses)')
        await other.waitForSelector('form[data-form="publish"]')
        await other.click('button[data-action="submit"]')
        await until(other, (p) => p.$('form .notice-error').then(Boolean), 8000, 'the refusal')
        t.check('submitting shows the API\'s refusal', (await text(other, 'form .notice-error')) === '您没有执行该操作的权限。',
          await text(other, 'form .notice-error'))
      }
      t.consoleClean(other, 'publish as 普通用户', ['status of 403', ...missing])
      await t.screenshot(other, 'publish-refused-desktop')
      const refused = await t.api('POST', '/api/houseinfos/', { token: otherTok, body: { title: `x${t.unique}` } })
      t.check('the API refuses wangdachui\'s POST /api/houseinfos/ (403)', refused.status === 403 &&
        refused.data?.detail === '您没有执行该操作的权限。', JSON.stringify(refused))
      await other.close()
    }
  } finally {
    if (houseid && tok) await t.api('DELETE', `/api/houseinfos/${houseid}/`, { token: await t.login('wuzetian', '123456') })
    for (const f of files) rmSync(f, { force: true })
  }
}
