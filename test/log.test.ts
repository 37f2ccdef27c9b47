import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('createLogger', () => {
  it('never writes tokens, emails or phones, however deep they sit', () => {
    const out = capture();
    const log = createLogger({ level: 'debug', destination: out.stream });
    log.info({ accessToken: 'sek-123', record: { Email: 'ada@example.com', Phone: '+1 555 0100' }, req: { headers: { authorization: 'Bearer abc' } } }, 'synced');
    log.debug({ batch: { first: { email: 'grace@example.com' } } }, 'detail');
    const text = out.text();
    for (const secret of ['sek-123', 'ada@example.com', '+1 555 0100', 'Bearer abc', 'grace@example.com']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    expect(text).toContain('synced');
  });
});
