/**
 * The REST API as plain functions from a request to a response, so the same handlers serve HTTP, Composite
 * subrequests and Composite Batch items: a subrequest is a real API request that does not count as a call.
 */

export interface ApiRequest {
  method: string;
  /** "62.0" */
  version: string;
  /** The path after /services/data/vXX.X, e.g. "/sobjects/Account/001…" */
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | undefined>;
}

export interface ApiResponse {
  status: number;
  /** A JSON body. */
  body?: unknown;
  /** A body sent as is (Bulk API 2.0 CSV), with its Content-Type in headers. */
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (request: ApiRequest, params: Record<string, string>) => ApiResponse;

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  handler: Handler;
}

export class ApiRouter {
  private readonly routes: Route[] = [];

  /** Routes match in the order added: put literal segments ("describe") before parameters (":id"). */
  add(method: string, pattern: string, handler: Handler): void {
    this.routes.push({ method, pattern, segments: pattern.split('/').filter(Boolean), handler });
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string>; pattern: string } | undefined {
    const parts = path.split('/').filter(Boolean).map((part) => decodeURIComponent(part));
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const matched = route.segments.every((segment, index) => {
        const part = parts[index] as string;
        if (segment.startsWith(':')) {
          params[segment.slice(1)] = part;
          return true;
        }
        return segment.toLowerCase() === part.toLowerCase();
      });
      if (matched) return { handler: route.handler, params, pattern: route.pattern };
    }
    return undefined;
  }

  /** The methods routes accept at this path: when the path exists under other methods Salesforce answers 405, not 404. */
  allowedMethods(path: string): string[] {
    const parts = path.split('/').filter(Boolean);
    const methods = this.routes
      .filter((route) => route.segments.length === parts.length && route.segments.every((segment, index) => segment.startsWith(':') || segment.toLowerCase() === parts[index]?.toLowerCase()))
      .map((route) => route.method);
    return [...new Set(methods)];
  }
}
