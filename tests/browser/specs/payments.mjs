// A deposit as a renter pays it: a visitor on a listing is offered the
// login, signs in and comes back, clicks 付款预定, lands on the gateway's
// page (the stand-in the stack runs, tools/alipay-standin.py), pays, is sent
// back to the account page and sees the order under 我的订单 as 已支付; the
// database says paid, once.
import { deleteOrdersMade, until } from '../lib.mjs'

async function text(page, sel) {
  return page.$eval(sel, (e) => e.textContent.trim()).catch(() => null)
}

export default async function (t) {
  t.section('payments: 付款预定 through the gateway and back')
  const houseid = t.sql('SELECT MIN(houseid) FROM tb_house_info')[0][0]
  const userid = t.sql("SELECT userid FROM tb_user WHERE username = 'wangdachui'")[0][0]
  const before = new Set(t.sql(`SELECT out_trade_no FROM tb_payment_order WHERE userid = ${userid}`).map((r) => r[0]))
  let made = []
  const page = await t.page()
  try {
    await page.goto(`${t.base}/listing.html?id=${houseid}`, { waitUntil: 'networkidle0' })
    await page.evaluate(() => localStorage.clear())
    await page.reload({ waitUntil: 'networkidle0' })
    await page.waitForSelector('[data-state=ready]', { timeout: 8000 })
    const loginLink = await page.$('[data-action=login-to-reserve]')
    t.check('a visitor is offered the login instead of 付款预定', !!loginLink && !(await page.$('[data-action=reserve]')))
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), loginLink.click()])
    await page.type('#login-username', 'wangdachui')
    await page.type('#login-password', '123123')
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('button[type=submit]')])
    t.check('after the login the listing again', page.url() === `${t.base}/listing.html?id=${houseid}`, page.url())
    await page.waitForSelector('[data-action=reserve]', { timeout: 8000 })
    t.check('signed in: the 付款预定 button', (await text(page, '[data-action=reserve]')) === '付款预定')
    t.sameOriginOnly(page, 'the listing page')
    t.consoleClean(page, 'the listing page')

    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('[data-action=reserve]')])
    const gw = new URL(page.url())
    t.check('付款预定 goes to the gateway page (location.href = url)', gw.pathname === '/gateway.do' &&
      gw.searchParams.get('method') === 'alipay.trade.page.pay', page.url())
    const outTradeNo = (await text(page, '#out-trade-no')) || ''
    made = [outTradeNo]
    t.check('  ... which accepted the signature and shows the order', /^ZF[0-9a-f]{30}$/.test(outTradeNo) &&
      (await text(page, '#subject')) === '租房订金', outTradeNo)
    const row = t.sql(`SELECT state, userid, houseid FROM tb_payment_order WHERE out_trade_no = '${outTradeNo}'`)[0] || []
    t.check('  ... an order created for the user and the listing', row.join(' ') === `created ${userid} ${houseid}`, row.join(' '))
    await t.screenshot(page, 'payments-gateway')

    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('#pay')])
    const back = new URL(page.url())
    t.check('支付 comes back to the account page', back.pathname === '/account.html' &&
      back.searchParams.get('out_trade_no') === outTradeNo, page.url())
    const stateOf = (p) => p.$eval(`[data-order="${outTradeNo}"]`, (e) => e.dataset.state).catch(() => null)
    await until(page, async (p) => (await stateOf(p)) === 'paid', 10000, 'the order shown paid').catch(() => null)
    const shown = await stateOf(page)
    t.check('  ... 我的订单 shows the order 已支付', shown === 'paid' &&
      (await text(page, `[data-order="${outTradeNo}"] [data-field=state]`)) === '已支付')
    const paid = t.sql(`SELECT state, paid_at IS NOT NULL FROM tb_payment_order WHERE out_trade_no = '${outTradeNo}'`)[0] || []
    t.check('  ... paid in the database', paid.join(' ') === 'paid 1', paid.join(' '))
    const outcomes = t.sql(`SELECT outcome FROM tb_payment_notification WHERE out_trade_no = '${outTradeNo}'`).map((r) => r[0])
    t.check('  ... by one verified notification', outcomes.join(' ') === 'paid', outcomes.join(' '))
    t.consoleClean(page, 'the account page')
    await t.screenshot(page, 'payments-orders')
  } finally {
    deleteOrdersMade(t, userid, before, made)
    await page.close()
  }
}
