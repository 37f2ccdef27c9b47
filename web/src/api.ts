/**
 * The UI's one way to the crmsync HTTP API (src/server/api/contract.ts). The session cookie travels by itself
 * (same origin); every change carries the CSRF token the session handed out. A 401 anywhere means the session
 * ended, and the app goes back to the login page.
 */
import type { ApiErrorBody } from '../../src/server/api/contract.ts';

export type * from '../../src/server/api/contract.ts';

let csrfToken: string | null = null;
let onUnauthorized: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function whenUnauthorized(listener: () => void): void {
  onUnauthorized = listener;
}

/** A refusal by the API, with its field-by-field reasons when the input was invalid. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody | null;

  constructor(status: number, body: ApiErrorBody | null, fallback: string) {
    super(body?.message ?? fallback);
    this.status = status;
    this.body = body;
  }

  /** One line per problem: "contacts.hubspotCreatesIn: Invalid option". */
  details(): string[] {
    return (this.body?.issues ?? []).map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    if (response.status === 401 && path !== '/api/session') onUnauthorized();
    const errorBody = parsed && typeof parsed === 'object' && 'message' in parsed ? (parsed as ApiErrorBody) : null;
    throw new ApiError(response.status, errorBody, `${method} ${path} failed with HTTP ${response.status}`);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** The message to show for any failure: the API's own reasons when it gave them. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiError) {
    const details = error.details();
    return details.length > 0 ? `${error.message} (${details.join('; ')})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
