/** What the API-call benchmarks share: the vendors' page and batch sizes, and the emulators' admin API. */

// Page and batch sizes of the vendors' APIs (SPEC section 7).
export const SOQL_PAGE = 2_000;
export const SOBJECT_COLLECTION = 200;
export const HUBSPOT_BATCH = 100;
export const HUBSPOT_SEARCH_PAGE = 200;
export const pages = (count: number, size: number) => Math.max(1, Math.ceil(count / size));

/** An emulator's call counts (`/__emulator/stats`). */
export interface Stats {
  total: number;
  byEndpoint: Record<string, number>;
}

export async function admin(url: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}/__emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`emulator admin ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}
