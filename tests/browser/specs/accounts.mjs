// Accounts in the browser: registering with an SMS code (read from the
// outbox the `log` sender writes), the countdown of the code button, the
// API's field and form messages, landing signed in on the account page,
// changing the real name, logging out (the old token is refused), logging in
// (a wrong password, `next`, the captcha after failed logins: a wrong one,
// a new image, the right one, a used one refused) and the three pages at
// 375 px. The failure counters this spec makes are always deleted.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { until } from '../lib.mjs'

const BAD_TOKEN = '无效的令牌或令牌已过期'
const PHONE = { width: 375, height: 800, mobile: true }

function setting(name) {
  const build = process.env.BUILD_DIR || join(process.cwd(), 'build')
  try {
    return execFileSync(join(build, 'tools', 'zufang-settings'), ['get', name], { encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}

const text = (page, sel) => page.$eval(sel, (e) => e.textContent.trim()).catch(() => null)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function fill(page, sel, value) {
  await page.$eval(sel, (e) => { e.value = '' })
  await page.type(sel, value)
}

async function submitAndWait(page, sel = 'button[type=submit]') {
  await page.click(sel)
  await until(page, (p) => p.$eval(sel, (b) => !b.disabled).catch(() => true), 10000, 'the form to answer')
}

// The SMS code the job worker wrote for tel, polled.
async function smsCode(t, tel, after) {
  for (let i = 0; i < 100; i++) {
    const rows = t.sql(`SELECT id, message FROM tb_sms_outbox WHERE tel = '${tel}' AND id > ${after} ORDER BY id DESC LIMIT 1`)
    const m = rows.length ? /\d{6}/.exec(rows[0][1]) : null
    if (m) return m[0]
    await sleep(100)
  }
  return null
}

function outboxMax(t) {
  const rows = t.sql('SELECT COALESCE(MAX(id), 0) FROM tb_sms_outbox')
  return Number(rows[0][0])
}

async function noSidewaysScroll(t, page, name) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  t.check(`phone ${name}: no sideways scrolling (${overflow} px)`, overflow <= 0)
}

export default async function (t) {
  const name = `r${t.unique}`.slice(0, 20)
  const password = `pw-${t.unique}`
  const tel = `13${String(Date.now()).slice(-9)}`
  const email = `${name}@example.com`
  const prefix = setting('cache.prefix')
  const allow = ['status of 400']  // the field errors the spec provokes
  // The failure counters of this spec's names and of this address (a
  // right login does not reset an address's): deleted before the spec, after
  // its captcha checks and at its end, whatever happened.
  const forgetFailures = async () => {
    for (const key of [`name:${name.toLowerCase()}`, `name:${tel}`, 'addr:127.0.0.1']) {
      await t.memcached(`delete ${prefix}login-fail:${key}`).catch(() => {})
    }
  }
  await forgetFailures()
  try {
    // ---- Registration ---------------------------------------------------------
    t.section('registration')
    const page = await t.page()
    await page.goto(`${t.base}/register.html`, { waitUntil: 'networkidle0' })
    for (const [id, label] of [['reg-username', '用户名'], ['reg-password', '密码'], ['reg-password2', '确认密码'],
      ['reg-realname', '真实姓名'], ['reg-tel', '手机号'], ['reg-email', '邮箱'], ['reg-code', '短信验证码']]) {
      const l = await text(page, `label[for=${id}]`)
      t.check(`register: the field ${label} has its label`, l === label, `label: ${l}`)
    }
    await fill(page, '#reg-username', name)
    await fill(page, '#reg-password', password)
    await fill(page, '#reg-password2', `${password}x`)
    await fill(page, '#reg-realname', 'abc')
    await fill(page, '#reg-tel', tel)
    await fill(page, '#reg-email', email)
    await fill(page, '#reg-code', '000000')
    await submitAndWait(page)
    t.check('register: a confirmation that differs is refused in the page',
      (await text(page, '[data-error=password2]')) === '两次输入的密码不一致。', await text(page, '[data-error=password2]'))
    await fill(page, '#reg-password2', password)
    await submitAndWait(page)
    t.check('register: realname "abc" shows the API\'s message under 真实姓名',
      (await text(page, '[data-error=realname]')) === '此值与所需格式不匹配。', await text(page, '[data-error=realname]'))

    const before = outboxMax(t)
    await page.click('#reg-send-code')
    await until(page, (p) => p.$eval('#reg-send-code', (b) => /重新发送/.test(b.textContent)), 5000, 'the countdown')
    const button = await page.$eval('#reg-send-code', (b) => ({ text: b.textContent.trim(), disabled: b.disabled }))
    t.check(`register: 获取验证码 counts down (${button.text})`, /^重新发送\((119|120)s\)$/.test(button.text), button.text)
    t.check('register: ... and is disabled meanwhile', button.disabled)
    await sleep(1100)
    const later = await text(page, '#reg-send-code')
    t.check(`register: ... a second later it says less (${later})`, /^重新发送\(1[01]\ds\)$/.test(later) && later !== button.text, later)
    t.check('register: the API\'s 短信验证码发送成功 is shown', (await text(page, '#reg-code-info')) === '短信验证码发送成功')
    const code = await smsCode(t, tel, before)
    t.check(`register: the job worker wrote the SMS code to tb_sms_outbox (${code})`, !!code)

    await fill(page, '#reg-realname', '测试用户')
    await fill(page, '#reg-code', code || '000000')
    await fill(page, '#reg-username', 'jackfrued')
    await submitAndWait(page)
    const taken = await text(page, '[data-error=non_field_errors]')
    t.check('register: a taken name shows 用户名、手机或邮箱已被注册 above the button', taken === '用户名、手机或邮箱已被注册', taken)
    t.check('register: ... and the realname error is gone', !(await text(page, '[data-error=realname]')))
    await t.screenshot(page, 'accounts-register-errors')

    await fill(page, '#reg-username', name)
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('button[type=submit]')])
    t.check('register: created, the visitor lands on /account.html', new URL(page.url()).pathname === '/account.html', page.url())
    const session = await page.evaluate(() => ({ token: localStorage.getItem('zufang.token'), user: localStorage.getItem('zufang.user') }))
    t.check('register: ... signed in (a token kept)', !!session.token)
    const userid = JSON.parse(session.user || '{}').userid
    const row = t.sql(`SELECT userid, realname, tel, email FROM tb_user WHERE username = '${name}'`)[0] || []
    t.check('register: the user is in tb_user with the values typed', Number(row[0]) === userid && row[1] === '测试用户' && row[2] === tel && row[3] === email,
      JSON.stringify(row))

    // ---- My account --------------------------------------------------------------
    t.section('my account')
    await page.waitForSelector('[data-account]')
    const shown = await page.$$eval('[data-k]', (els) => Object.fromEntries(els.map((e) => [e.dataset.k, e.textContent.trim()])))
    t.check('account: shows username, realname, tel, email', shown.username === name && shown.realname === '测试用户' && shown.tel === tel && shown.email === email,
      JSON.stringify(shown))
    t.check('account: ... sex, regdate, point, lastvisit', shown.sex === '男' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(shown.regdate) &&
      /^\d+$/.test(shown.point) && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(shown.lastvisit), JSON.stringify(shown))
    t.check('account: the header shows the user', (await text(page, '[data-nav=account]')) === '测试用户')
    await fill(page, '#acct-realname', 'abc')
    await submitAndWait(page)
    t.check('account: realname "abc" shows the API\'s message under 真实姓名',
      (await text(page, '[data-error=realname]')) === '此值与所需格式不匹配。', await text(page, '[data-error=realname]'))
    t.check('account: the same phone asks for no SMS code', !(await page.$('#acct-code')))
    await fill(page, '#acct-realname', '改名测试')
    await page.click('input[name=sex][type=radio]:not(:checked)')
    await submitAndWait(page)
    t.check('account: saved, it says so', (await text(page, '[data-saved]')) === '资料已保存。', await text(page, '[data-saved]'))
    await page.reload({ waitUntil: 'networkidle0' })
    await page.waitForSelector('[data-account]')
    t.check('account: after a reload the new realname and sex are shown', (await text(page, '[data-k=realname]')) === '改名测试' &&
      (await text(page, '[data-k=sex]')) === '女', `${await text(page, '[data-k=realname]')} ${await text(page, '[data-k=sex]')}`)
    t.check('account: ... and the header has it too', (await text(page, '[data-nav=account]')) === '改名测试')
    await fill(page, '#acct-tel', '13900000000')
    t.check('account: typing a new phone asks for its SMS code', !!(await page.$('#acct-code')) && !!(await page.$('#acct-send-code')))
    await fill(page, '#acct-tel', tel)
    await t.screenshot(page, 'accounts-account')

    // ---- Logout -------------------------------------------------------------------
    t.section('logout')
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('[data-nav=logout]')])
    t.check('logout: the header shows 登录 again', (await text(page, '[data-nav=login]')) === '登录')
    t.check('logout: no token kept', !(await page.evaluate(() => localStorage.getItem('zufang.token'))))
    const old = await t.api('GET', `/api/users/${userid}/`, { token: session.token })
    t.check('logout: the API refuses the old token (403 无效的令牌或令牌已过期)', old.status === 403 && old.data && old.data.detail === BAD_TOKEN,
      `${old.status} ${JSON.stringify(old.data)}`)
    await page.goto(`${t.base}/account.html`, { waitUntil: 'networkidle0' })
    t.check('account: signed out, it sends the visitor to /login.html?next=/account.html',
      page.url() === `${t.base}/login.html?next=%2Faccount.html`, page.url())
    t.consoleClean(page, 'register, account, logout', allow)
    t.sameOriginOnly(page, 'register, account, logout')

    // ---- Login ----------------------------------------------------------------------
    t.section('login')
    const lp = await t.page()
    await lp.goto(`${t.base}/login.html?next=%2Faccount.html`, { waitUntil: 'networkidle0' })
    t.check('login: labels 用户名/手机号/邮箱 and 密码', (await text(lp, 'label[for=login-username]')) === '用户名/手机号/邮箱' &&
      (await text(lp, 'label[for=login-password]')) === '密码')
    t.check('login: no captcha to begin with', !(await lp.$('#login-captcha')))
    await fill(lp, '#login-username', tel)
    await fill(lp, '#login-password', password)
    await Promise.all([lp.waitForNavigation({ waitUntil: 'networkidle0' }), lp.click('button[type=submit]')])
    t.check('login: by phone number, back to next (/account.html)', lp.url() === `${t.base}/account.html`, lp.url())
    await lp.waitForSelector('[data-account]')
    t.check('login: ... signed in as the user', (await text(lp, '[data-k=username]')) === name)
    await lp.evaluate(() => localStorage.clear())

    await lp.goto(`${t.base}/login.html?next=%2F%2Fevil.example%2Fx`, { waitUntil: 'networkidle0' })
    await fill(lp, '#login-username', name)
    await fill(lp, '#login-password', `${password}-wrong`)
    await submitAndWait(lp)
    t.check('login: a wrong password shows 用户名或密码错误', (await text(lp, '.notice-error')) === '用户名或密码错误', await text(lp, '.notice-error'))
    await fill(lp, '#login-password', password)
    await Promise.all([lp.waitForNavigation({ waitUntil: 'networkidle0' }), lp.click('button[type=submit]')])
    t.check('login: next=//evil.example/x goes to this site\'s / instead', lp.url() === `${t.base}/`, lp.url())
    await lp.evaluate(() => localStorage.clear())

    // ---- The captcha after failed logins --------------------------------------------
    t.section('login: the captcha after failed logins')
    const after = Number(setting('login.captcha_after_failures'))
    if (!(after >= 1 && after <= 20)) {
      t.check(`login.captcha_after_failures is at most 20 (it is ${after || '?'}: run with 5 to check the captcha)`, false)
    } else {
      let answer = null
      for (let i = 0; i <= after + 1; i++) {
        const res = await t.api('POST', '/api/tokens/', { body: { username: name, password: `wrong-${i}` } })
        answer = res.data && res.data.code
        if (answer === 200004) break
      }
      t.check(`login: after ${after} failed logins the API asks for a captcha (200004)`, answer === 200004, String(answer))

      const cp = await t.page()
      const captchaId = async () => {
        const c = (await cp.cookies(`${t.base}/api/tokens/`)).find((k) => k.name === 'captcha_id')
        return c ? c.value : null
      }
      const imageShown = () => cp.$eval('img.captcha-img', (i) => i.complete && i.naturalWidth > 0).catch(() => false)
      await cp.goto(`${t.base}/login.html`, { waitUntil: 'networkidle0' })
      await fill(cp, '#login-username', name)
      await fill(cp, '#login-password', password)
      await submitAndWait(cp)
      await cp.waitForSelector('#login-captcha')
      t.check('captcha: the field 验证码 appears', (await text(cp, 'label[for=login-captcha]')) === '验证码')
      await until(cp, imageShown, 5000, 'the captcha image').catch(() => {})
      t.check('captcha: its image is shown', await imageShown())
      const reload = await text(cp, '[data-captcha-reload]')
      t.check('captcha: with a 看不清，换一张 button', reload === '看不清，换一张', reload)
      await until(cp, async () => !!(await captchaId()), 5000, 'the captcha id').catch(() => {})
      const first = await captchaId()
      t.check('captcha: its id comes with the image, in the cookie captcha_id (Path=/api/tokens/)', !!first)
      await t.screenshot(cp, 'accounts-login-captcha')

      await fill(cp, '#login-captcha', 'WRONG')
      await submitAndWait(cp)
      const refused = await text(cp, '#login-captcha-error')
      t.check('captcha: a wrong one is refused with 请输入正确的验证码', refused === '请输入正确的验证码', refused)
      t.check('captcha: ... still signed out', !(await cp.evaluate(() => localStorage.getItem('zufang.token'))))
      await until(cp, async () => (await captchaId()) !== first, 5000, 'a new captcha').catch(() => {})
      const second = await captchaId()
      t.check('captcha: ... and a new captcha is shown', second && second !== first)
      t.check('captcha: ... its field emptied', (await cp.$eval('#login-captcha', (i) => i.value)) === '')

      await cp.click('[data-captcha-reload]')
      await until(cp, async () => (await captchaId()) !== second, 5000, 'the reloaded captcha').catch(() => {})
      await until(cp, imageShown, 5000, 'the reloaded image').catch(() => {})
      const third = await captchaId()
      t.check('captcha: 看不清，换一张 loads another', third && third !== second && await imageShown())

      const got = await t.memcached(`get ${prefix}captcha:${third}`)
      const right = got.length === 3 ? got[1] : null
      t.check(`captcha: its answer is in memcached (${right})`, !!right, JSON.stringify(got))
      await fill(cp, '#login-captcha', (right || '').toLowerCase())
      await Promise.all([cp.waitForNavigation({ waitUntil: 'networkidle0' }), cp.click('button[type=submit]')])
      t.check('captcha: the right one (lower case) logs in', !!(await cp.evaluate(() => localStorage.getItem('zufang.token'))) &&
        cp.url() === `${t.base}/`, cp.url())
      const again = await t.api('POST', '/api/tokens/', { body: { username: name, password, captcha_id: third, captcha: right } })
      t.check('captcha: a used captcha is refused again (200004)', again.data && again.data.code === 200004, JSON.stringify(again.data))
      t.consoleClean(cp, 'login with captcha', allow)
      t.sameOriginOnly(cp, 'login with captcha')
      await cp.close()
      await forgetFailures()
      const after2 = await t.api('POST', '/api/tokens/', { body: { username: name, password } })
      t.check('captcha: with the counters deleted a login needs none again', after2.data && after2.data.code === 200001, JSON.stringify(after2.data))
    }
    t.consoleClean(lp, 'login', allow)
    t.sameOriginOnly(lp, 'login')

    // ---- An API that does not answer -------------------------------------------------
    t.section('account: the API unreachable')
    const token = await t.login(name, password)
    const up = await t.page()
    await up.goto(`${t.base}/login.html`, { waitUntil: 'networkidle0' })
    await up.evaluate((tk, u) => {
      localStorage.setItem('zufang.token', tk)
      localStorage.setItem('zufang.user', JSON.stringify(u))
    }, token, { username: name, realname: '改名测试', userid })
    await up.setRequestInterception(true)
    up.on('request', (r) => (r.url().includes('/api/') ? r.abort() : r.continue()))
    await up.goto(`${t.base}/account.html`, { waitUntil: 'networkidle0' })
    const down = await text(up, '.notice-error')
    t.check('account: an unreachable API is said so', down === '无法连接服务器，请检查网络后重试。', down)
    await up.close()

    // ---- 375 px ------------------------------------------------------------------------
    t.section('the three pages at 375 px')
    for (const path of ['/login.html', '/register.html', '/account.html']) {
      const pp = await t.page(PHONE)
      await pp.goto(`${t.base}/login.html`, { waitUntil: 'networkidle0' })
      await pp.evaluate((tk, u) => {
        localStorage.setItem('zufang.token', tk)
        localStorage.setItem('zufang.user', JSON.stringify(u))
      }, token, { username: name, realname: '改名测试', userid })
      await pp.goto(t.base + path, { waitUntil: 'networkidle0' })
      if (path === '/account.html') {
        await pp.waitForSelector('[data-account]')
        await fill(pp, '#acct-tel', '13900000000')  // the code row shown
      }
      if (path === '/register.html') {
        await submitAndWait(pp)  // the empty form's messages shown
        t.check('phone /register.html: an empty form shows 该字段不能为空。 under the fields',
          (await text(pp, '[data-error=username]')) === '该字段不能为空。', await text(pp, '[data-error=username]'))
      }
      await noSidewaysScroll(t, pp, path)
      t.consoleClean(pp, `phone ${path}`, allow)
      t.sameOriginOnly(pp, `phone ${path}`)
      await t.screenshot(pp, `accounts-phone${path.replace(/[/.]/g, '_').replace(/_html$/, '')}`)
      await pp.close()
    }
    await t.api('DELETE', `/api/tokens/${token}/`, { token })
  } finally {
    await forgetFailures()  // later specs and people are not asked for captchas
    // The user this spec registered, with its roles, logins and codes: a run
    // leaves the data as it found it.
    t.sql(`DELETE ur FROM tb_user_role ur JOIN tb_user u ON u.userid = ur.userid WHERE u.username = '${name}';
           DELETE l FROM tb_login_log l JOIN tb_user u ON u.userid = l.userid WHERE u.username = '${name}';
           DELETE FROM tb_user WHERE username = '${name}';
           DELETE FROM tb_sms_code WHERE tel = '${tel}'`)
  }
}
