// Every page of the site opens, draws the site's frame, logs no error,
// loads nothing from another origin and fits a 375-pixel-wide phone.
const PAGES = ['/', '/listing.html', '/login.html', '/register.html', '/account.html', '/publish.html', '/mine.html', '/console.html']

export default async function (t) {
  for (const [label, opts] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 375, height: 800, mobile: true }]]) {
    for (const path of PAGES) {
      const page = await t.page(opts)
      const res = await page.goto(t.base + path, { waitUntil: 'networkidle0' })
      t.check(`${label} ${path} answers 200 (or 304, kept)`, [200, 304].includes(res.status()), `status ${res.status()}`)
      const brand = await page.$eval('.brand', (e) => e.textContent).catch(() => null)
      t.check(`${label} ${path} draws the site's frame`, brand === '租房网', `brand: ${brand}`)
      if (label === 'phone') {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        t.check(`phone ${path} needs no sideways scrolling (${overflow} px)`, overflow <= 0)
      }
      // A page for the signed-in only may send the visitor to log in:
      // its 403 is expected; anything else logged as an error is not.
      t.consoleClean(page, `${label} ${path}`, ['status of 403'])
      t.sameOriginOnly(page, `${label} ${path}`)
      await t.screenshot(page, `page-${label}-${path.replace(/[/.]/g, '_').replace(/^_+|_+$/g, '') || 'index'}`)
      await page.close()
    }
  }
}
