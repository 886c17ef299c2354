// Mounts a page's root component on #app, with the site's stylesheet.
import { createApp } from 'vue'
import '../style.css'

export function mountPage(component) {
  createApp(component).mount('#app')
}
