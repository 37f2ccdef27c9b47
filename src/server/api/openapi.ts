import { readFileSync } from 'node:fs';
import { openApiDocument, type ApiRoutes } from './route-kit.ts';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function registerOpenApiRoute(routes: ApiRoutes): void {
  let document: Record<string, unknown> | null = null;
  routes.add(
    { method: 'GET', url: '/api/openapi.json', summary: 'This description of the API (OpenAPI 3.1)', tag: 'meta', response: { status: 200, description: 'OpenAPI 3.1 JSON' } },
    // Built on first use, when every route is registered (this one included).
    async () => (document ??= openApiDocument(routes.specs, { version: packageVersion() })),
  );
}
