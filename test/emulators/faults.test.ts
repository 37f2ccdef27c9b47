import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/shared/faults.ts';

describe('FaultInjector', () => {
  it('fails exactly the next N matching calls, then none', () => {
    const faults = new FaultInjector();
    faults.configure({ rules: [{ kind: 'server_error', next: 2, method: 'POST' }] });
    expect(faults.decide('GET', '/x').kind).toBeNull();
    expect(faults.decide('POST', '/x').kind).toBe('server_error');
    expect(faults.decide('POST', '/x').kind).toBe('server_error');
    expect(faults.decide('POST', '/x').kind).toBeNull();
    expect(faults.describe().injected.server_error).toBe(2);
  });

  it('fails about the given share, and the same calls for the same seed', () => {
    const pick = () => {
      const faults = new FaultInjector();
      faults.configure({ seed: 7, rules: [{ kind: 'rate_limit', share: 0.3 }] });
      return Array.from({ length: 1000 }, () => faults.decide('GET', '/q').kind !== null);
    };
    const first = pick();
    const hits = first.filter(Boolean).length;
    expect(hits).toBeGreaterThan(240);
    expect(hits).toBeLessThan(360);
    expect(pick()).toEqual(first);
  });

  it('refuses a rule with both share and next, naming the problem', () => {
    const faults = new FaultInjector();
    expect(() => faults.configure({ rules: [{ kind: 'unavailable', share: 0.5, next: 1 }] })).toThrow(/exactly one of share or next/);
    expect(() => faults.configure({ rules: [{ kind: 'meteor' as never, next: 1 }] })).toThrow(/kind/);
  });
});
