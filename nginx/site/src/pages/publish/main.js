import { mountPage } from '../../lib/mount.js'
import Page from './Page.vue'

mountPage(Page)
