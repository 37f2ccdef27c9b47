import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { apiError } from './api/route-kit.ts';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>crmsync</title></head>
<body>
<h1>crmsync is running</h1>
<p>The web UI has not been built. Build it once with <code>npm run build:web</code> (Vite writes it to
<code>web/dist</code>) and reload this page.</p>
<p>The HTTP API works meanwhile: see <code>docs/http-api.md</code> and <code>/api/openapi.json</code>.</p>
</body></html>
`;

function isApiPath(url: string): boolean {
  const path = url.split('?')[0] ?? url;
  return path === '/api' || path.startsWith('/api/') || path === '/metrics';
}

/**
 * The settings UI: a single-page app, so any page path that is not a file gets index.html and the app routes it.
 * The files hold no data (every /api route stays protected), so they are public: the sign-in page must load.
 */
export function registerStaticUi(app: FastifyInstance, webRoot: string | null): void {
  const built = webRoot !== null && existsSync(join(webRoot, 'index.html'));
  if (built) {
    void app.register(fastifyStatic, { root: webRoot, wildcard: true, index: ['index.html'] });
  } else {
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE));
  }
  app.setNotFoundHandler((request, reply) => {
    if ((request.method === 'GET' || request.method === 'HEAD') && !isApiPath(request.url) && built) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    }
    return apiError(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
  });
}
