// The site's pages, one HTML entry each, built into files Nginx serves
// (nginx/nginx.conf.in): HTML at the root, content-hashed scripts and styles
// under /assets/ (kept a year by browsers). SITE_OUT names the output folder
// (tools/build-site.sh sets it to $BUILD_DIR/site).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { resolve } from 'node:path'

// Every page of the site: the file name is its path (/listing.html).
export const PAGES = ['index', 'listing', 'login', 'register', 'account', 'publish', 'mine', 'console']

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: process.env.SITE_OUT || resolve(__dirname, '../../build/site'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline data: URLs for small assets: the Content-Security-Policy
    // allows the site's own files only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2020',
    rollupOptions: {
      input: Object.fromEntries(PAGES.map((p) => [p, resolve(__dirname, `${p}.html`)])),
    },
  },
})
