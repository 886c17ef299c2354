// What the console shows of each resource: the table's columns, the search,
// the form's fields and how a row's id is named. The section keys and API
// paths are those of src/lib/console-links.js.
//
// A field: {key, label, type: text|number|checkbox|textarea|sex|district|password,
//   required (left out of the body when blank, so the API answers
//   `该字段是必填项。`), createOnly (only in the form that creates),
//   fixedOnEdit (shown, not changeable, when editing), maxlength}.
// search: {param} is a query parameter of the API; {local} filters in the
// page what was loaded (all pages, 50 a request, when `allPages`).

// A district id as the picker's {province, city, county}: ids are the
// national codes (440303 is a county of the city 440300 in the province
// 440000), so the parents are the id with its last digits zeroed.
export function districtValue(distid) {
  const id = Number(distid)
  if (!id) return { province: null, city: null, county: null }
  const province = Math.floor(id / 10000) * 10000
  const city = Math.floor(id / 100) * 100
  if (id === province) return { province, city: null, county: null }
  if (id === city) return { province, city, county: null }
  return { province, city, county: id }
}

export function districtId(v) {
  return (v && (v.county || v.city)) || null
}

const stars = (key, label) => ({ key, label, type: 'number', min: 0, max: 5 })

export const SECTIONS = {
  agents: {
    title: '经纪人',
    path: '/api/agents/',
    id: 'agentid',
    paginated: true,
    search: { param: 'name', label: '按姓名搜索（开头相同）' },
    columns: [
      { key: 'agentid', label: '编号' },
      { key: 'name', label: '姓名' },
      { key: 'tel', label: '电话' },
      { key: 'servstar', label: '服务星级' },
    ],
    detail: true, // the list lacks some fields: the form reads the detail
    fields: [
      { key: 'name', label: '姓名', type: 'text', required: true, maxlength: 255 },
      { key: 'tel', label: '电话', type: 'text', required: true, maxlength: 20 },
      stars('servstar', '服务星级'),
      stars('realstar', '真实星级'),
      stars('profstar', '专业星级'),
      { key: 'certificated', label: '已认证', type: 'checkbox' },
    ],
  },
  estates: {
    title: '楼盘',
    path: '/api/estates/',
    id: 'estateid',
    paginated: true,
    search: { param: 'name', label: '按名称搜索（开头相同）', district: true },
    columns: [
      { key: 'estateid', label: '编号' },
      { key: 'name', label: '名称' },
    ],
    detail: true,
    fields: [
      { key: 'name', label: '名称', type: 'text', required: true, maxlength: 255 },
      { key: 'district', label: '所在区域', type: 'district', required: true },
      { key: 'hot', label: '热度', type: 'number', min: 0 },
      { key: 'intro', label: '简介', type: 'textarea', maxlength: 511 },
    ],
  },
  housetypes: {
    title: '户型',
    path: '/api/housetypes/',
    id: 'typeid',
    paginated: false,
    search: { local: 'name', label: '按名称筛选' },
    columns: [
      { key: 'typeid', label: '编号' },
      { key: 'name', label: '名称' },
    ],
    fields: [
      { key: 'typeid', label: '编号', type: 'number', required: true, fixedOnEdit: true, min: 1 },
      { key: 'name', label: '名称', type: 'text', required: true, maxlength: 255 },
    ],
  },
  tags: {
    title: '标签',
    path: '/api/tags/',
    id: 'tagid',
    paginated: true,
    search: { local: 'content', label: '按内容筛选（全部标签中）', allPages: true },
    columns: [
      { key: 'tagid', label: '编号' },
      { key: 'content', label: '内容' },
    ],
    fields: [
      { key: 'content', label: '内容', type: 'text', required: true, maxlength: 20 },
    ],
  },
  users: {
    title: '用户',
    path: '/api/users/',
    id: 'userid',
    paginated: true,
    search: { param: 'username', label: '按用户名搜索（开头相同）' },
    columns: [
      { key: 'userid', label: '编号' },
      { key: 'username', label: '用户名' },
      { key: 'realname', label: '姓名' },
      { key: 'sex', label: '性别', format: (v) => (v === false ? '女' : v === true ? '男' : '') },
      { key: 'tel', label: '手机' },
      { key: 'email', label: '邮箱' },
    ],
    fields: [
      { key: 'username', label: '用户名', type: 'text', required: true, createOnly: true, maxlength: 20 },
      { key: 'password', label: '密码', type: 'password', required: true, createOnly: true },
      { key: 'realname', label: '姓名', type: 'text', required: true, maxlength: 20 },
      { key: 'sex', label: '性别', type: 'sex' },
      { key: 'tel', label: '手机', type: 'text', required: true, maxlength: 20 },
      { key: 'email', label: '邮箱', type: 'text', maxlength: 255 },
    ],
  },
}
