// The API reference: the OpenAPI document and a page that renders it with Swagger UI. Both are
// public, since neither holds anything secret. Swagger UI's files come from the swagger-ui-dist
// package and are served from here, so the page works where there is no internet access; the
// page has no inline script, so a Content-Security-Policy of `script-src 'self'` will fit it.
import { dirname } from 'node:path';
import { Router } from 'express';
import { ProblemError } from '../problem';
import { buildOpenApiDocument } from './document';

const SPEC_URL = '/v1/openapi.json';
const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
// Only what the page loads: the package also holds a demo page pointed at a public petstore.
const SWAGGER_UI_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png']);

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>TenantVault API reference</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui" data-spec-url="${SPEC_URL}"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>
`;

// validatorUrl: null, or Swagger UI sends the document's URL to validator.swagger.io.
const INIT_JS = `window.addEventListener('load', function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
  });
});
`;

export function openApiRouter(): Router {
  const router = Router();
  // Built on first use, not at startup: most processes never serve it.
  let spec: string | undefined;
  router.get(SPEC_URL, (_req, res) => {
    spec ??= JSON.stringify(buildOpenApiDocument());
    res.type('json').send(spec);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs/assets/:file', (req, res) => {
    const { file } = req.params;
    if (file === 'init.js') return void res.type('js').send(INIT_JS);
    if (!SWAGGER_UI_FILES.has(file)) throw new ProblemError(404, 'not_found', 'Not found', 'no such file');
    res.sendFile(file, { root: SWAGGER_UI_DIR });
  });
  return router;
}
