// The article pronunciation flow as a person would use it: from the home
// page's link to the form, an article pasted in and submitted, the result
// with a reading over every Han character (the API's readings), a switch to
// POJ, the other readings of a character on tap, and a phone's 375 pixels
// with no sideways scrolling. The pages need no script: none is loaded.
const ARTICLE = '紅嬰仔哭。\n阮兜佇台北，一个人食飯。Hello 𪜶 😀'

// The readings of every <rt> on the page, in order.
function pageReadings(page) {
  return page.$$eval('.article rt', (els) => els.map((e) => e.textContent))
}

export default async function (t) {
  for (const [label, opts] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 375, height: 800, mobile: true }]]) {
    const page = await t.page(opts)
    await page.goto(t.base + '/', { waitUntil: 'networkidle0' })
    const link = await page.waitForSelector('a[href="/article_pronunciation/input/"]', { timeout: 8000 }).catch(() => null)
    t.check(`${label}: the home page links to the pronunciation form`, link !== null)
    if (!link) { await page.close(); continue }
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), link.click()])
    t.check(`${label}: the link opens the form`, page.url() === t.base + '/article_pronunciation/input/', page.url())
    const limit = await page.$eval('#text-limit', (e) => e.textContent).catch(() => '')
    t.check(`${label}: the form states the limit`, limit.includes('20000'), limit)
    await t.screenshot(page, `pronunciation-${label}-form`)

    // Paste (as a clipboard would: the whole text at once), then submit.
    await page.$eval('#text', (el, text) => { el.value = text; el.dispatchEvent(new Event('input')) }, ARTICLE)
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('button[type="submit"]')])
    const url = new URL(page.url())
    t.check(`${label}: submitting lands on the result page under an unguessable id`,
      url.pathname === '/article_pronunciation/pronunciation/' && /^[0-9a-f]{32}$/.test(url.searchParams.get('id') || ''), page.url())

    const api = await t.api('POST', '/api/pronunciations/', { body: { text: ARTICLE } })
    const han = api.data.chars.filter((c) => /\p{Script=Han}/u.test(c.char))
    const expected = han.map((c) => (c.reading === null ? '?' : c.reading))
    const shown = await pageReadings(page)
    t.check(`${label}: every Han character is shown over its reading (${shown.length})`, shown.length === han.length,
      `${shown.length} readings for ${han.length} Han characters`)
    t.check(`${label}: the readings are the API's`, JSON.stringify(shown) === JSON.stringify(expected),
      `page ${shown.join(' ')} | api ${expected.join(' ')}`)
    const unknown = await page.$$eval('.article ruby.unknown rb', (els) => els.map((e) => e.textContent))
    t.check(`${label}: characters no dictionary knows are marked`, unknown.length === api.data.unknown, unknown.join(''))
    const words = await page.$$eval('.article .w', (els) => els.map((e) => getComputedStyle(e).whiteSpace))
    t.check(`${label}: words are grouped and do not break inside`, words.length > 0 && words.every((w) => w === 'nowrap'), words.join())
    const rubyShown = await page.$eval('.article rt', (e) => e.getBoundingClientRect().height > 0)
    t.check(`${label}: readings are drawn above the characters`, rubyShown)
    const plain = await page.$eval('.plain-text', (e) => e.textContent)
    t.check(`${label}: the romanised text is below for copying`, plain.includes(api.data.words[0].reading), plain)
    const scripts = await page.$$eval('script', (els) => els.length)
    t.check(`${label}: the page loads no script`, scripts === 0)
    const credit = await page.$eval('.site-footer', (e) => e.textContent)
    t.check(`${label}: the dictionaries are credited`, credit.includes('中華民國教育部') && credit.includes('iTaigi'), credit)

    // Another reading, on tap: a focusable character shows it.
    const other = await page.$('.article .c[data-other]')
    if (other) {
      await other.tap().catch(() => other.click())
      await other.focus()
      const after = await page.evaluate((e) => getComputedStyle(e, '::after').content, other)
      t.check(`${label}: a character's other readings show on tap`, after !== 'none' && after.length > 2, after)
    } else {
      t.check(`${label}: some character of the article has another reading`, false)
    }
    if (label === 'phone') {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      t.check(`phone: the result needs no sideways scrolling (${overflow} px)`, overflow <= 0)
    }
    await t.screenshot(page, `pronunciation-${label}-result`)

    // The switch to POJ: the same page, the API's POJ readings.
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('.switch a[href*="romanization=poj"]')])
    const poj = await t.api('POST', '/api/pronunciations/', { body: { text: ARTICLE, romanization: 'poj' } })
    const pojExpected = poj.data.chars.filter((c) => /\p{Script=Han}/u.test(c.char)).map((c) => (c.reading === null ? '?' : c.reading))
    const pojShown = await pageReadings(page)
    t.check(`${label}: switched to POJ, the API's POJ readings`, JSON.stringify(pojShown) === JSON.stringify(pojExpected),
      `page ${pojShown.join(' ')} | api ${pojExpected.join(' ')}`)
    const current = await page.$eval('.switch a[aria-current="page"]', (e) => e.textContent)
    t.check(`${label}: the switch shows POJ chosen`, current === 'POJ', current)
    await t.screenshot(page, `pronunciation-${label}-poj`)

    // Over the limit: the form again, the message beside the field, the text kept.
    await page.goto(t.base + '/article_pronunciation/input/', { waitUntil: 'networkidle0' })
    const long = '紅'.repeat(20001)
    await page.$eval('#text', (el, text) => { el.value = text }, long)
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('button[type="submit"]')])
    const message = await page.$eval('#text-error', (e) => e.textContent).catch(() => '')
    const kept = await page.$eval('#text', (e) => e.value.length)
    t.check(`${label}: 20,001 characters get the message beside the field, the text kept`,
      message.includes('20000') && kept === 20001, `${message} (${kept} kept)`)
    await t.screenshot(page, `pronunciation-${label}-too-long`)
    t.consoleClean(page, `${label} pronunciation`, ['status of 413'])
    t.sameOriginOnly(page, `${label} pronunciation`)
    await page.close()
  }
}
