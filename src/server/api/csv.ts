/**
 * CSV as RFC 4180 writes it (CRLF rows; a field with a comma, quote, CR or LF in double quotes, quotes doubled),
 * made safe to open in a spreadsheet: vendor messages and record values are attacker-influenced, and a cell
 * starting with = + - @ (or a tab or CR) would run as a formula, so it gets a leading apostrophe
 * (OWASP "CSV Injection").
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
