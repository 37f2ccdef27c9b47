/** Calls an emulator's admin API (`/__emulator/…`), failing loudly: a test must not run on a world it did not set up. */
export async function emulatorAdmin(baseUrl: string, path: string, body?: unknown, method?: 'GET' | 'POST' | 'DELETE'): Promise<unknown> {
  const verb = method ?? (body === undefined ? 'GET' : 'POST');
  const response = await fetch(`${baseUrl}/__emulator/${path}`, {
    method: verb,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`emulator admin ${verb} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}
