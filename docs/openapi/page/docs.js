// The API's documentation page (/api/docs/): Swagger UI over the bundled
// document beside it. Everything comes from this origin: no validator badge
// (it would call another site), no remote config.
/* global SwaggerUIBundle */
window.ui = SwaggerUIBundle({
  url: '/api/docs/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  docExpansion: 'list',
  defaultModelsExpandDepth: 0,
  displayOperationId: false,
  // "Try it out" sends the token the site's pages keep, when there is one,
  // unless one was given through Authorize.
  requestInterceptor: (req) => {
    const token = window.localStorage.getItem('zufang.token')
    if (token && !req.headers.token && !req.headers.Authorization) req.headers.token = token
    return req
  },
})
