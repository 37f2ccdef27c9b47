import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdFactory, canonicalId, to18 } from '../../../src/emulators/salesforce/ids.ts';

describe('Salesforce ids', () => {
  // Vectors: the case-safe suffix algorithm as Salesforce's knowledge article describes it, examples from
  // codegolf.stackexchange.com/q/69127 and gammone.com (each is a real org id and its 18-character form).
  it.each([
    ['a01M00000062mPg', 'a01M00000062mPgIAI'],
    ['001M000000qfPyS', '001M000000qfPySIAU'],
    ['a0FE000000D6r3F', 'a0FE000000D6r3FMAR'],
    ['0F9E000000092w2', '0F9E000000092w2KAA'],
    ['aaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaAAA'],
    ['a0RE000000IJmcN', 'a0RE000000IJmcNMAT'],
    ['a0D30000001n7Pi', 'a0D30000001n7PiEAI'],
  ])('adds the documented case-safe suffix to %s', (id15, id18) => {
    expect(to18(id15)).toBe(id18);
    expect(canonicalId(id15)).toBe(id18);
  });

  it('restores the case of an 18-character id that went through a case-insensitive tool', () => {
    expect(canonicalId('a0re000000ijmcnmat')).toBe('a0RE000000IJmcNMAT');
    expect(canonicalId('A0RE000000IJMCNMAT')).toBe('a0RE000000IJmcNMAT');
  });

  it('refuses what is not an id: wrong length, bad characters, a suffix that claims an upper-case digit', () => {
    expect(canonicalId('001M000000qfPy')).toBeUndefined();
    expect(canonicalId('001M000000qfPyS-')).toBeUndefined();
    expect(canonicalId('001M000000qfPyS!AU')).toBeUndefined();
    // '5' = all five characters upper-case, but the first block "001M0" holds digits.
    expect(canonicalId('001M000000qfPyS5AU')).toBeUndefined();
  });

  it('round-trips any 15-character id through its lower-cased 18-character form', () => {
    const id15 = fc.stringMatching(/^[0-9A-Za-z]{15}$/);
    fc.assert(fc.property(id15, (id) => canonicalId(to18(id).toLowerCase()) === to18(id)));
  });

  it('issues unique 18-character ids with the key prefix', () => {
    const factory = new IdFactory();
    const ids = Array.from({ length: 5000 }, () => factory.next('00Q'));
    expect(new Set(ids).size).toBe(5000);
    for (const id of ids.slice(0, 50)) {
      expect(id).toMatch(/^00Q[0-9A-Za-z]{15}$/);
      expect(canonicalId(id)).toBe(id);
    }
  });
});
