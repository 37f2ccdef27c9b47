/**
 * Salesforce record ids: a 3-character key prefix naming the object, then 12 characters unique in the org
 * (15, case-sensitive), plus a 3-character suffix that encodes the case of the 15 so that the 18-character form
 * survives case-insensitive tools. The suffix algorithm is Salesforce's documented one: for each block of 5
 * characters, a 5-bit number whose bit i is set when character i is an upper-case letter, written as one
 * character of "A…Z0…5". Docs: "ID Field Type" (SOAP API Developer Guide, Field Types) and the knowledge
 * article "What are Salesforce IDs composed of?".
 */

const suffixAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const idCharacters = /^[0-9A-Za-z]+$/;

export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let block = 0; block < 3; block += 1) {
    let bits = 0;
    for (let position = 0; position < 5; position += 1) {
      const character = id15.charCodeAt(block * 5 + position);
      if (character >= 65 && character <= 90) bits |= 1 << position;
    }
    suffix += suffixAlphabet[bits];
  }
  return suffix;
}

/** The 18-character form of a well-formed 15-character id. */
export function to18(id15: string): string {
  return id15 + caseSafeSuffix(id15);
}

/**
 * Normalises a 15- or 18-character id to its canonical 18-character form, or returns undefined when it is not
 * an id at all (Salesforce then answers MALFORMED_ID). An 18-character id is case-insensitive: its suffix
 * restores the case of the first 15, as Salesforce does for ids that passed through Excel or a lower-casing tool.
 */
export function canonicalId(candidate: string): string | undefined {
  if (!idCharacters.test(candidate)) return undefined;
  if (candidate.length === 15) return to18(candidate);
  if (candidate.length !== 18) return undefined;
  const suffix = candidate.slice(15).toUpperCase();
  let restored = '';
  for (let block = 0; block < 3; block += 1) {
    const bits = suffixAlphabet.indexOf(suffix[block] as string);
    if (bits < 0) return undefined;
    for (let position = 0; position < 5; position += 1) {
      const character = candidate[block * 5 + position] as string;
      restored += bits & (1 << position) ? character.toUpperCase() : character.toLowerCase();
    }
  }
  // Digits cannot carry case: a suffix claiming an upper-case digit is not one Salesforce ever issued.
  if (caseSafeSuffix(restored) !== suffix) return undefined;
  return restored + suffix;
}

/** Issues ids in the shape a production org does: prefix, a 2-character pod, "0", a 9-character counter. */
export class IdFactory {
  constructor(private counter = 0) {}

  next(keyPrefix: string): string {
    this.counter += 1;
    let value = this.counter;
    let digits = '';
    for (let index = 0; index < 9; index += 1) {
      digits = base62[value % 62] + digits;
      value = Math.floor(value / 62);
    }
    return to18(`${keyPrefix}Hs0${digits}`);
  }

  get issued(): number {
    return this.counter;
  }
}
