/** Numbers and times as an admin reads them. */
const numberFormat = new Intl.NumberFormat('en-US');

export function formatNumber(value: number | null | undefined, empty = '—'): string {
  return value === null || value === undefined ? empty : numberFormat.format(value);
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

export function formatHour(iso: string): string {
  const date = new Date(iso);
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

/** Only web links are rendered as links: a value that came from a CRM never becomes a script URL. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
