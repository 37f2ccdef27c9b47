import { describe, expect, it } from 'vitest';
import { runSoql, SoqlError } from '../../../src/emulators/salesforce/soql.ts';
import { to18 } from '../../../src/emulators/salesforce/ids.ts';
import { InMemorySoqlSource } from '../../../src/emulators/salesforce/soql-memory-source.ts';
import type { SoqlField, SoqlObject, SoqlOptions } from '../../../src/emulators/salesforce/soql-source.ts';

/** 18-character ids with real key prefixes: 005 User, 001 Account, 003 Contact, 00Q Lead, 006 Opportunity, 00K OCR. */
const id = (prefix: string, n: number): string => to18(`${prefix}0000Zk${String(n).padStart(6, '0')}`);

const f = (name: string, type: SoqlField['type'], extra: Partial<SoqlField> = {}): SoqlField => ({ name, type, ...extra });
const ref = (name: string, to: string[], relationshipName: string): SoqlField => f(name, 'reference', { referenceTo: to, relationshipName });
const system = [f('Id', 'id'), f('IsDeleted', 'boolean'), f('CreatedDate', 'datetime'), f('SystemModstamp', 'datetime')];

const objects: SoqlObject[] = [
  { name: 'User', fields: [...system, f('Name', 'string'), f('Email', 'email'), ref('ManagerId', ['User'], 'Manager')] },
  // Group's own Type field must not shadow Owner.Type, the polymorphic pseudo-field.
  { name: 'Group', fields: [...system, f('Name', 'string'), f('Email', 'email'), f('Type', 'picklist')] },
  {
    name: 'Account',
    fields: [...system, f('Name', 'string'), f('Industry', 'picklist'), f('AnnualRevenue', 'currency'), f('NumberOfEmployees', 'int'),
      f('BillingAddress', 'address'), ref('OwnerId', ['User'], 'Owner')],
    childRelationships: [
      { relationshipName: 'Contacts', childSObject: 'Contact', field: 'AccountId' },
      { relationshipName: 'Opportunities', childSObject: 'Opportunity', field: 'AccountId' },
    ],
  },
  {
    name: 'Contact',
    fields: [...system, f('FirstName', 'string'), f('LastName', 'string'), f('Email', 'email'), f('Birthdate', 'date'),
      ref('AccountId', ['Account'], 'Account'), ref('OwnerId', ['User'], 'Owner')],
  },
  {
    name: 'Lead',
    fields: [...system, f('FirstName', 'string'), f('LastName', 'string'), f('Company', 'string'), f('Email', 'email'),
      f('Status', 'picklist'), f('Interests__c', 'multipicklist'), f('IsConverted', 'boolean'), f('NumberOfEmployees', 'int'),
      f('AnnualRevenue', 'currency'), f('Description', 'textarea'), ref('OwnerId', ['User', 'Group'], 'Owner')],
  },
  {
    name: 'Opportunity',
    fields: [...system, f('Name', 'string'), f('Amount', 'currency'), f('CloseDate', 'date'), f('StageName', 'picklist'),
      ref('AccountId', ['Account'], 'Account')],
    childRelationships: [{ relationshipName: 'OpportunityContactRoles', childSObject: 'OpportunityContactRole', field: 'OpportunityId' }],
  },
  {
    name: 'OpportunityContactRole',
    fields: [...system, f('Role', 'picklist'), f('IsPrimary', 'boolean'), ref('OpportunityId', ['Opportunity'], 'Opportunity'),
      ref('ContactId', ['Contact'], 'Contact')],
  },
];

const stamp = (iso: string): string => iso.replace('Z', '+0000');
const base = { IsDeleted: false, CreatedDate: stamp('2026-01-01T00:00:00.000Z'), SystemModstamp: stamp('2026-01-01T00:00:00.000Z') };

const users = { ada: id('005', 1), bob: id('005', 2) };
const groupId = id('00G', 1);
const accounts = { acme: id('001', 1), globex: id('001', 2), orphan: id('001', 3) };
const contacts = { jane: id('003', 1), john: id('003', 2), zed: id('003', 3) };
const opportunities = { big: id('006', 1), small: id('006', 2) };

function world(): InMemorySoqlSource {
  return new InMemorySoqlSource(objects)
    .insert('User',
      { ...base, Id: users.ada, Name: 'Ada Admin', Email: 'ada@example.com', ManagerId: users.bob },
      { ...base, Id: users.bob, Name: 'Bob Boss', Email: 'bob@example.com', ManagerId: null })
    .insert('Group', { ...base, Id: groupId, Name: 'Queue', Email: null, Type: 'Queue' })
    .insert('Account',
      { ...base, Id: accounts.acme, Name: 'Acme', Industry: 'Energy', AnnualRevenue: 5_000_000, NumberOfEmployees: 120, OwnerId: users.ada,
        BillingAddress: { city: 'Paris', country: 'France' } },
      { ...base, Id: accounts.globex, Name: 'Globex', Industry: 'Media', AnnualRevenue: 750_000.5, NumberOfEmployees: 12, OwnerId: users.bob,
        BillingAddress: null },
      { ...base, Id: accounts.orphan, Name: 'Orphan', Industry: null, AnnualRevenue: null, NumberOfEmployees: null, OwnerId: users.bob,
        BillingAddress: null })
    .insert('Contact',
      { ...base, Id: contacts.jane, FirstName: 'Jane', LastName: 'Doe', Email: 'jane@acme.com', Birthdate: '1990-05-17', AccountId: accounts.acme, OwnerId: users.ada },
      { ...base, Id: contacts.john, FirstName: 'John', LastName: 'doe', Email: 'john@acme.com', Birthdate: null, AccountId: accounts.acme, OwnerId: users.bob },
      { ...base, Id: contacts.zed, FirstName: null, LastName: 'Zed', Email: null, Birthdate: '2001-12-31', AccountId: null, OwnerId: users.bob })
    .insert('Lead',
      lead(1, { FirstName: 'Ann', LastName: 'Lee', Company: 'Initech', Email: 'ann@initech.com', Status: 'Open', Interests__c: 'Golf;Chess',
        NumberOfEmployees: 50, AnnualRevenue: 100, SystemModstamp: stamp('2026-11-28T10:00:00.000Z'), OwnerId: users.ada }),
      lead(2, { FirstName: 'Ben', LastName: "O'Neil", Company: 'Hooli', Email: 'ben@hooli.com', Status: 'Working', Interests__c: 'Chess',
        NumberOfEmployees: 5, AnnualRevenue: 2.5, SystemModstamp: stamp('2026-11-29T00:10:00.000Z'), OwnerId: groupId }),
      lead(3, { FirstName: null, LastName: 'Cho', Company: '100% Pure', Email: null, Status: 'Open', Interests__c: null,
        NumberOfEmployees: null, AnnualRevenue: null, SystemModstamp: stamp('2026-10-15T23:59:59.999Z'), OwnerId: users.bob,
        Description: 'line1\nline2' }),
      lead(4, { FirstName: 'Dee', LastName: 'under_score', Company: 'Umbrella', Email: 'dee@umbrella.com', Status: 'Closed', Interests__c: 'Golf',
        NumberOfEmployees: 500, AnnualRevenue: 1e6, SystemModstamp: stamp('2025-12-31T23:00:00.000Z'), OwnerId: users.ada, IsConverted: true }),
      lead(5, { FirstName: 'Eve', LastName: 'Gone', Company: 'Deleted Inc', Status: 'Open', IsDeleted: true, OwnerId: users.ada, IsConverted: null }))
    .insert('Opportunity',
      { ...base, Id: opportunities.big, Name: 'Big deal', Amount: 90_000, CloseDate: '2026-12-15', StageName: 'Prospecting', AccountId: accounts.acme },
      { ...base, Id: opportunities.small, Name: 'Small deal', Amount: 500, CloseDate: '2026-11-28', StageName: 'Closed Won', AccountId: accounts.globex })
    .insert('OpportunityContactRole',
      { ...base, Id: id('00K', 1), OpportunityId: opportunities.big, ContactId: contacts.jane, Role: 'Decision Maker', IsPrimary: true },
      { ...base, Id: id('00K', 2), OpportunityId: opportunities.big, ContactId: contacts.john, Role: 'Business User', IsPrimary: false },
      { ...base, Id: id('00K', 3), OpportunityId: opportunities.big, ContactId: contacts.zed, Role: 'Technical Buyer', IsPrimary: false, IsDeleted: true });
}

function lead(n: number, fields: Record<string, unknown>): Record<string, unknown> {
  return { ...base, Id: id('00Q', n), FirstName: null, Email: null, Interests__c: null, IsConverted: false, Description: null, ...fields };
}

/** Sunday 29 November 2026, 00:30 UTC. */
const now = new Date('2026-11-29T00:30:00.000Z');
const options: SoqlOptions = { apiVersion: '62.0', now, includeDeleted: false };
const source = world();
const run = (soql: string, overrides: Partial<SoqlOptions> = {}) => runSoql(soql, source, { ...options, ...overrides });
const ids = (soql: string, overrides: Partial<SoqlOptions> = {}): string[] =>
  run(soql, overrides).records.map((row) => String(row['Id']));
const leadIds = (...numbers: number[]): string[] => numbers.map((n) => id('00Q', n));

function errorOf(soql: string): SoqlError {
  try {
    run(soql);
  } catch (error) {
    if (error instanceof SoqlError) return error;
    throw error;
  }
  throw new Error(`expected ${soql} to fail`);
}

describe('SELECT … FROM: row shape (REST query resource)', () => {
  it('answers each row with attributes {type, url} first, then the fields in SELECT order', () => {
    const result = run(`SELECT Name, Id, Industry FROM Account WHERE Name = 'Acme'`);
    expect(result.objectName).toBe('Account');
    expect(result.totalSize).toBe(1);
    expect(result.records).toEqual([
      { attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${accounts.acme}` }, Name: 'Acme', Id: accounts.acme, Industry: 'Energy' },
    ]);
    expect(Object.keys(result.records[0]!)).toEqual(['attributes', 'Name', 'Id', 'Industry']);
  });

  it('matches object and field names case-insensitively and answers in the schema spelling', () => {
    const result = run(`select name, INDUSTRY from account where NAME = 'acme'`);
    expect(result.objectName).toBe('Account');
    expect(Object.keys(result.records[0]!)).toEqual(['attributes', 'Name', 'Industry']);
  });

  it('returns nulls for empty fields rather than dropping them', () => {
    expect(run(`SELECT Industry FROM Account WHERE Name = 'Orphan'`).records[0]).toMatchObject({ Industry: null });
  });

  it('returns a compound address field as stored', () => {
    expect(run(`SELECT BillingAddress FROM Account WHERE Name = 'Acme'`).records[0]).toMatchObject({ BillingAddress: { city: 'Paris', country: 'France' } });
  });
});

describe('parent relationship fields', () => {
  it('nests a parent as { attributes, Field } and shares it between columns', () => {
    const [row] = run(`SELECT Id, Account.Name, Account.Industry, LastName FROM Contact WHERE Id = '${contacts.jane}'`).records;
    expect(row).toEqual({
      attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${contacts.jane}` },
      Id: contacts.jane,
      Account: { attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${accounts.acme}` }, Name: 'Acme', Industry: 'Energy' },
      LastName: 'Doe',
    });
    expect(Object.keys(row!)).toEqual(['attributes', 'Id', 'Account', 'LastName']);
  });

  it('follows two levels (Account.Owner.Email) and answers a missing parent as null', () => {
    const rows = run(`SELECT LastName, Account.Owner.Email FROM Contact ORDER BY LastName`).records;
    expect(rows.map((row) => row['Account'])).toEqual([
      { attributes: { type: 'Account', url: expect.stringContaining(accounts.acme) as unknown },
        Owner: { attributes: { type: 'User', url: `/services/data/v62.0/sobjects/User/${users.ada}` }, Email: 'ada@example.com' } },
      { attributes: { type: 'Account', url: expect.stringContaining(accounts.acme) as unknown },
        Owner: { attributes: { type: 'User', url: `/services/data/v62.0/sobjects/User/${users.ada}` }, Email: 'ada@example.com' } },
      null,
    ]);
  });

  it('resolves a polymorphic owner to whichever object the id names', () => {
    const rows = run(`SELECT Owner.Name FROM Lead WHERE Id IN ('${id('00Q', 1)}', '${id('00Q', 2)}') ORDER BY Id`).records;
    expect(rows.map((row) => row['Owner'])).toEqual([
      { attributes: { type: 'User', url: expect.stringContaining(users.ada) as unknown }, Name: 'Ada Admin' },
      { attributes: { type: 'Group', url: expect.stringContaining(groupId) as unknown }, Name: 'Queue' },
    ]);
  });

  it('answers Type on a polymorphic relationship: the object the reference lands on', () => {
    expect(ids(`SELECT Id FROM Lead WHERE Owner.Type = 'group'`)).toEqual(leadIds(2));
    expect(ids(`SELECT Id FROM Lead WHERE Owner.Type IN ('User') ORDER BY Owner.Type, Id`)).toEqual(leadIds(1, 3, 4));
    expect(run(`SELECT Owner.Type, Owner.Name FROM Lead WHERE Id = '${id('00Q', 2)}'`).records[0]).toEqual({
      attributes: expect.anything() as unknown,
      Owner: { attributes: { type: 'Group', url: expect.stringContaining(groupId) as unknown }, Type: 'Group', Name: 'Queue' },
    });
    // Only polymorphic relationships have it: Account is a plain lookup.
    expect(errorOf(`SELECT Account.Type FROM Contact`).message).toMatch(/No such column 'Type' on entity 'Account'/);
  });

  it('answers TYPEOF with the fields of the branch the parent\'s type selects, ELSE for the others', () => {
    const rows = run(
      `SELECT Id, TYPEOF Owner WHEN User THEN Email, Name WHEN Group THEN Name END, LastName FROM Lead WHERE Id IN ('${id('00Q', 1)}', '${id('00Q', 2)}') ORDER BY Id`,
    ).records;
    expect(rows.map((row) => row['Owner'])).toEqual([
      { attributes: { type: 'User', url: `/services/data/v62.0/sobjects/User/${users.ada}` }, Email: 'ada@example.com', Name: 'Ada Admin' },
      { attributes: { type: 'Group', url: `/services/data/v62.0/sobjects/Group/${groupId}` }, Name: 'Queue' },
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['attributes', 'Id', 'Owner', 'LastName']);
    const otherwise = run(`SELECT TYPEOF Owner WHEN User THEN Email ELSE Name END FROM Lead WHERE Id = '${id('00Q', 2)}'`).records[0];
    expect(otherwise!['Owner']).toEqual({ attributes: expect.objectContaining({ type: 'Group' }) as unknown, Name: 'Queue' });
  });

  it('refuses TYPEOF branches naming an object or field the relationship cannot reach', () => {
    expect(errorOf(`SELECT TYPEOF Owner WHEN Account THEN Name END FROM Lead`).errorCode).toBe('INVALID_TYPE');
    expect(errorOf(`SELECT TYPEOF Owner WHEN User THEN Nope END FROM Lead`).message).toMatch(/No such column 'Nope' on entity 'User'/);
  });

  it('filters and sorts on parent fields', () => {
    expect(ids(`SELECT Id FROM Contact WHERE Account.Name = 'ACME' ORDER BY FirstName DESC`)).toEqual([contacts.john, contacts.jane]);
    // "WHERE Contact.LastName = null" also returns rows with no parent (Condition Expression Syntax, API 13.0+).
    expect(ids(`SELECT Id FROM Contact WHERE Account.Name = null`)).toEqual([contacts.zed]);
  });
});

describe('WHERE comparisons', () => {
  it('compares text case-insensitively', () => {
    expect(ids(`SELECT Id FROM Lead WHERE LastName = 'LEE'`)).toEqual(leadIds(1));
    expect(ids(`SELECT Id FROM Contact WHERE LastName = 'Doe'`)).toEqual([contacts.jane, contacts.john]);
  });

  it('orders text by its upper-cased form for < and >', () => {
    expect(ids(`SELECT Id FROM Lead WHERE LastName < 'd'`)).toEqual(leadIds(3));
    expect(ids(`SELECT Id FROM Lead WHERE LastName >= 'o'`)).toEqual(leadIds(2, 4));
  });

  it('compares numbers, including decimals and negative values', () => {
    expect(ids(`SELECT Id FROM Lead WHERE NumberOfEmployees > 10`)).toEqual(leadIds(1, 4));
    expect(ids(`SELECT Id FROM Lead WHERE AnnualRevenue <= 2.5`)).toEqual(leadIds(2));
    expect(ids(`SELECT Id FROM Lead WHERE AnnualRevenue > -1 AND AnnualRevenue < 101`)).toEqual(leadIds(1, 2));
    expect(ids(`SELECT Id FROM Lead WHERE NumberOfEmployees > 49.5`)).toEqual(leadIds(1, 4));
  });

  it('compares booleans, a boolean null counting as false (Use null in WHERE)', () => {
    expect(ids(`SELECT Id FROM Lead WHERE IsConverted = true`)).toEqual(leadIds(4));
    expect(ids(`SELECT Id FROM Lead WHERE IsConverted != TRUE`)).toEqual(leadIds(1, 2, 3));
    // "WHERE Test_c = null is equivalent to WHERE Test_c = false"; "!= null is equivalent to = true".
    expect(ids(`SELECT Id FROM Lead WHERE IsConverted = null`, { includeDeleted: true })).toEqual(leadIds(1, 2, 3, 5));
    expect(ids(`SELECT Id FROM Lead WHERE IsConverted != null`, { includeDeleted: true })).toEqual(leadIds(4));
    expect(ids(`SELECT Id FROM Lead WHERE IsConverted = false`, { includeDeleted: true })).toEqual(leadIds(1, 2, 3, 5));
  });

  it('treats = null and != null as presence tests, and lets != match nulls', () => {
    expect(ids(`SELECT Id FROM Lead WHERE Email = null`)).toEqual(leadIds(3));
    expect(ids(`SELECT Id FROM Lead WHERE Email != null`)).toEqual(leadIds(1, 2, 4));
    expect(ids(`SELECT Id FROM Lead WHERE FirstName != 'Ann'`)).toEqual(leadIds(2, 3, 4));
    expect(ids(`SELECT Id FROM Lead WHERE NumberOfEmployees < 1000`)).toEqual(leadIds(1, 2, 4));
  });

  it('matches IN and NOT IN lists', () => {
    expect(ids(`SELECT Id FROM Lead WHERE Status IN ('open', 'Closed')`)).toEqual(leadIds(1, 3, 4));
    expect(ids(`SELECT Id FROM Lead WHERE Status NOT IN ('Open')`)).toEqual(leadIds(2, 4));
    expect(ids(`SELECT Id FROM Lead WHERE FirstName NOT IN ('Ann', 'Ben')`)).toEqual(leadIds(3, 4));
  });

  it('orders Ids for chunked scans: WHERE Id > last ORDER BY Id LIMIT n', () => {
    expect(ids(`SELECT Id FROM Lead WHERE Id > '${id('00Q', 1)}' ORDER BY Id LIMIT 2`)).toEqual(leadIds(2, 3));
    expect(ids(`SELECT Id FROM Lead WHERE Id > '${id('00Q', 3).slice(0, 15)}' ORDER BY Id DESC`)).toEqual(leadIds(4));
  });

  it('compares Ids on their 15-character form: case-sensitive, unless the 18-character suffix restores the case', () => {
    expect(ids(`SELECT Id FROM Lead WHERE Id = '${id('00Q', 2).slice(0, 15)}'`)).toEqual(leadIds(2));
    expect(ids(`SELECT Id FROM Contact WHERE AccountId = '${accounts.globex}'`)).toEqual([]);
    expect(ids(`SELECT Id FROM Contact WHERE AccountId = '${accounts.acme.slice(0, 15)}'`)).toEqual([contacts.jane, contacts.john]);
    expect(ids(`SELECT Id FROM Contact WHERE AccountId = '${accounts.acme.slice(0, 15).toLowerCase()}'`)).toEqual([]);
    // The 18-character form survives lower-casing: its suffix carries the case.
    expect(ids(`SELECT Id FROM Contact WHERE AccountId = '${accounts.acme.toLowerCase()}'`)).toEqual([contacts.jane, contacts.john]);
  });
});

describe('LIKE', () => {
  it('treats % and _ as wildcards, case-insensitively', () => {
    expect(ids(`SELECT Id FROM Lead WHERE Company LIKE 'ini%'`)).toEqual(leadIds(1));
    expect(ids(`SELECT Id FROM Lead WHERE LastName LIKE '_ee'`)).toEqual(leadIds(1));
    expect(ids(`SELECT Id FROM Lead WHERE Email LIKE '%@%.COM'`)).toEqual(leadIds(1, 2, 4));
  });

  it('matches \\% and \\_ literally', () => {
    expect(ids(`SELECT Id FROM Lead WHERE Company LIKE '100\\%%'`)).toEqual(leadIds(3));
    expect(ids(`SELECT Id FROM Lead WHERE LastName LIKE '%\\_%'`)).toEqual(leadIds(4));
    expect(ids(`SELECT Id FROM Lead WHERE Company LIKE '%\\%'`)).toEqual([]);
  });

  it('does not treat regular-expression characters specially', () => {
    expect(ids(`SELECT Id FROM Lead WHERE Email LIKE 'ann@initech.c.m'`)).toEqual([]);
    expect(ids(`SELECT Id FROM Lead WHERE Email LIKE 'ann@initech.com'`)).toEqual(leadIds(1));
  });
});

describe('quoted string escapes', () => {
  it("decodes \\' \\\\ and \\n", () => {
    expect(ids(`SELECT Id FROM Lead WHERE LastName = 'O\\'Neil'`)).toEqual(leadIds(2));
    expect(ids(`SELECT Id FROM Lead WHERE Description = 'line1\\nline2'`)).toEqual(leadIds(3));
  });

  it('refuses an unknown escape as a malformed query', () => {
    const error = errorOf(`SELECT Id FROM Lead WHERE LastName = 'a\\qb'`);
    expect(error.errorCode).toBe('MALFORMED_QUERY');
  });
});

describe('multi-select picklists: INCLUDES / EXCLUDES', () => {
  it("INCLUDES ('a;b', 'c') means (a and b) or c", () => {
    expect(ids(`SELECT Id FROM Lead WHERE Interests__c INCLUDES ('chess')`)).toEqual(leadIds(1, 2));
    expect(ids(`SELECT Id FROM Lead WHERE Interests__c INCLUDES ('Golf;Chess')`)).toEqual(leadIds(1));
    expect(ids(`SELECT Id FROM Lead WHERE Interests__c INCLUDES ('Golf;Tennis', 'Chess')`)).toEqual(leadIds(1, 2));
  });

  it('EXCLUDES keeps records holding none of the values, nulls included', () => {
    expect(ids(`SELECT Id FROM Lead WHERE Interests__c EXCLUDES ('Golf')`)).toEqual(leadIds(2, 3));
  });

  it('= matches the exact set of values in any order', () => {
    expect(ids(`SELECT Id FROM Lead WHERE Interests__c = 'chess;golf'`)).toEqual(leadIds(1));
    expect(ids(`SELECT Id FROM Lead WHERE Interests__c = 'Chess'`)).toEqual(leadIds(2));
  });
});

describe('AND, OR, NOT and parentheses', () => {
  it('combines conditions', () => {
    expect(ids(`SELECT Id FROM Lead WHERE Status = 'Open' AND NumberOfEmployees > 10`)).toEqual(leadIds(1));
    expect(ids(`SELECT Id FROM Lead WHERE Status = 'Closed' OR LastName = 'Cho'`)).toEqual(leadIds(3, 4));
    expect(ids(`SELECT Id FROM Lead WHERE (Status = 'Closed' OR LastName = 'Cho') AND Email != null`)).toEqual(leadIds(4));
    expect(ids(`SELECT Id FROM Lead WHERE Status = 'Closed' OR (LastName = 'Cho' AND Email != null)`)).toEqual(leadIds(4));
  });

  it('applies NOT to the expression right after it', () => {
    expect(ids(`SELECT Id FROM Lead WHERE NOT Status = 'Open'`)).toEqual(leadIds(2, 4));
    expect(ids(`SELECT Id FROM Lead WHERE NOT (Status = 'Open' OR Status = 'Closed')`)).toEqual(leadIds(2));
    expect(ids(`SELECT Id FROM Lead WHERE NOT Status = 'Open' AND NumberOfEmployees > 10`)).toEqual(leadIds(4));
    expect(ids(`SELECT Id FROM Lead WHERE NumberOfEmployees > 1 AND (NOT Status = 'Open')`)).toEqual(leadIds(2, 4));
  });

  it('refuses AND and OR mixed without parentheses (Logical Operators: "Parentheses are required")', () => {
    const error = errorOf(`SELECT Id FROM Lead WHERE Status = 'Open' OR Status = 'Closed' AND IsConverted = true`);
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toMatch(/unexpected token: 'AND'$/);
  });

  it('refuses two conditions with no operator between them, pointing at the second', () => {
    const soql = `SELECT Id FROM Lead WHERE Status = 'Open' AND LastName = 'Lee' Status = 'Closed'`;
    const column = soql.lastIndexOf('Status') + 1;
    expect(errorOf(soql).message).toContain(`ERROR at Row:1:Column:${column}\nunexpected token: 'Status'`);
  });

  it('refuses an unescaped quote inside a string', () => {
    expect(errorOf(`SELECT Id FROM Lead WHERE LastName = 'O'Neil'`).errorCode).toBe('MALFORMED_QUERY');
  });

  it('points past quoted literals at the operator that mixes AND and OR', () => {
    const soql = `SELECT Id FROM Lead WHERE Company = 'Black and White' OR Status = 'Open' AND IsConverted = true`;
    const column = soql.indexOf(' AND ') + 2;
    expect(errorOf(soql).message).toContain(`\n${' '.repeat(column - 1)}^\nERROR at Row:1:Column:${column}\nunexpected token: 'AND'`);
  });
});

describe('deleted records', () => {
  it('leaves deleted records out of query and returns them for queryAll', () => {
    expect(ids(`SELECT Id FROM Lead`)).toEqual(leadIds(1, 2, 3, 4));
    expect(ids(`SELECT Id FROM Lead`, { includeDeleted: true })).toEqual(leadIds(1, 2, 3, 4, 5));
    expect(ids(`SELECT Id FROM Lead WHERE IsDeleted = true`, { includeDeleted: true })).toEqual(leadIds(5));
    expect(ids(`SELECT Id FROM Lead WHERE IsDeleted = true`)).toEqual([]);
  });
});

describe('ORDER BY, LIMIT, OFFSET', () => {
  it('sorts ascending with nulls first by default (ORDER BY: "By default, null values are sorted first")', () => {
    expect(ids(`SELECT Id FROM Lead ORDER BY FirstName`)).toEqual(leadIds(3, 1, 2, 4));
    expect(ids(`SELECT Id FROM Lead ORDER BY FirstName ASC NULLS LAST`)).toEqual(leadIds(1, 2, 4, 3));
  });

  it('keeps nulls first when sorting descending, unless NULLS LAST (the page\'s DESC example spells it out)', () => {
    expect(ids(`SELECT Id FROM Lead ORDER BY NumberOfEmployees DESC`)).toEqual(leadIds(3, 4, 1, 2));
    expect(ids(`SELECT Id FROM Lead ORDER BY NumberOfEmployees DESC NULLS LAST`)).toEqual(leadIds(4, 1, 2, 3));
  });

  it('sorts text case-insensitively and on several keys', () => {
    expect(ids(`SELECT Id FROM Contact ORDER BY LastName, FirstName DESC`)).toEqual([contacts.john, contacts.jane, contacts.zed]);
    expect(ids(`SELECT Id FROM Lead ORDER BY Status DESC, SystemModstamp ASC`)).toEqual(leadIds(2, 3, 1, 4));
  });

  it('sorts datetimes chronologically and dates by day', () => {
    expect(ids(`SELECT Id FROM Lead ORDER BY SystemModstamp`)).toEqual(leadIds(4, 3, 1, 2));
    expect(ids(`SELECT Id FROM Contact ORDER BY Birthdate DESC`)).toEqual([contacts.john, contacts.zed, contacts.jane]);
  });

  it('applies OFFSET then LIMIT after sorting', () => {
    expect(ids(`SELECT Id FROM Lead ORDER BY SystemModstamp LIMIT 2`)).toEqual(leadIds(4, 3));
    expect(ids(`SELECT Id FROM Lead ORDER BY SystemModstamp LIMIT 2 OFFSET 1`)).toEqual(leadIds(3, 1));
    expect(ids(`SELECT Id FROM Lead ORDER BY SystemModstamp OFFSET 3`)).toEqual(leadIds(2));
    expect(run(`SELECT Id FROM Lead LIMIT 0`).records).toEqual([]);
  });

  it('refuses an OFFSET above 2,000 with NUMBER_OUTSIDE_VALID_RANGE (OFFSET documentation)', () => {
    const error = errorOf(`SELECT Id FROM Lead ORDER BY Id LIMIT 10 OFFSET 2001`);
    expect(error.errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
    expect(run(`SELECT Id FROM Lead ORDER BY Id OFFSET 2000`).records).toEqual([]);
  });
});

describe('errors, worded as Salesforce words them', () => {
  it('INVALID_TYPE for an unknown object', () => {
    const error = errorOf(`SELECT Id FROM Foo`);
    expect(error.errorCode).toBe('INVALID_TYPE');
    expect(error.message).toBe(
      `\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\nsObject type 'Foo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  });

  it('INVALID_FIELD for an unknown column, pointing at it', () => {
    const error = errorOf(`SELECT Id, Foo FROM Lead`);
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toBe(
      `\nSELECT Id, Foo FROM Lead\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  });

  it('INVALID_FIELD for an unknown column in WHERE and ORDER BY, naming the entity that lacks it', () => {
    expect(errorOf(`SELECT Id FROM Lead WHERE Foo__c = 'x'`).message).toMatch(/No such column 'Foo__c' on entity 'Lead'/);
    expect(errorOf(`SELECT Id FROM Contact ORDER BY Account.Nope`).message).toMatch(/No such column 'Nope' on entity 'Account'/);
  });

  it('INVALID_FIELD for an unknown parent relationship', () => {
    const error = errorOf(`SELECT Acccount.Name FROM Contact`);
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toMatch(/Didn't understand relationship 'Acccount' in field path\. If you are attempting to use a custom relationship, be sure to append the '__r'/);
  });

  it('MALFORMED_QUERY naming the unexpected token', () => {
    const missingFrom = errorOf(`SELECT FROM Lead`);
    expect(missingFrom.errorCode).toBe('MALFORMED_QUERY');
    expect(missingFrom.message).toBe(`\nSELECT FROM Lead\n       ^\nERROR at Row:1:Column:8\nunexpected token: 'FROM'`);
    expect(errorOf(`SELECT Id FROM Lead WHERE`).message).toMatch(/unexpected token: '<EOF>'$/);
  });
});

describe('datetime literals against datetime fields (Date Formats and Date Literals in WHERE)', () => {
  it('compares instants, honouring Z, ±hh:mm offsets and milliseconds', () => {
    expect(ids(`SELECT Id FROM Lead WHERE SystemModstamp > 2026-11-28T10:00:00Z`)).toEqual(leadIds(2));
    expect(ids(`SELECT Id FROM Lead WHERE SystemModstamp >= 2026-11-28T10:00:00Z`)).toEqual(leadIds(1, 2));
    expect(ids(`SELECT Id FROM Lead WHERE SystemModstamp = 2026-11-28T11:00:00+01:00`)).toEqual(leadIds(1));
    expect(ids(`SELECT Id FROM Lead WHERE SystemModstamp = 2026-11-28T02:00:00-08:00`)).toEqual(leadIds(1));
    expect(ids(`SELECT Id FROM Lead WHERE SystemModstamp > 2026-10-15T23:59:59.998Z AND SystemModstamp < 2026-10-16T00:00:00Z`)).toEqual(leadIds(3));
    expect(ids(`SELECT Id FROM Lead WHERE SystemModstamp > 2026-10-15T23:59:59.999Z AND SystemModstamp < 2026-10-16T00:00:00Z`)).toEqual([]);
  });

  it('answers a modstamp window the way sync engines page through it', () => {
    const window = `SELECT Id, SystemModstamp FROM Lead WHERE SystemModstamp > 2026-01-01T00:00:00.000+00:00 AND SystemModstamp <= 2026-11-29T00:10:00Z ORDER BY SystemModstamp ASC, Id ASC LIMIT 2`;
    expect(run(window).records).toEqual([
      { attributes: expect.anything() as unknown, Id: id('00Q', 3), SystemModstamp: '2026-10-15T23:59:59.999+0000' },
      { attributes: expect.anything() as unknown, Id: id('00Q', 1), SystemModstamp: '2026-11-28T10:00:00.000+0000' },
    ]);
  });
});

describe('relative date literals (now: Sunday 2026-11-29 00:30 UTC)', () => {
  const cases: Array<[string, number[]]> = [
    ['= TODAY', [2]],
    ['= YESTERDAY', [1]],
    ['> TODAY', []],
    ['< TODAY', [1, 3, 4]],
    ['>= YESTERDAY', [1, 2]],
    ['<= YESTERDAY', [1, 3, 4]],
    ['!= TODAY', [1, 3, 4]],
    ['= LAST_N_DAYS:1', [1, 2]],
    ['= LAST_N_DAYS:45', [1, 2, 3]],
    ['= LAST_N_DAYS:44', [1, 2]],
    ['= N_DAYS_AGO:1', [1]],
    ['= NEXT_N_DAYS:3', []],
    ['= THIS_WEEK', [2]],
    ['= LAST_WEEK', [1]],
    ['= THIS_MONTH', [1, 2]],
    ['= LAST_MONTH', [3]],
    ['= LAST_N_MONTHS:1', [3]],
    ['= THIS_QUARTER', [1, 2, 3]],
    ['= THIS_YEAR', [1, 2, 3]],
    ['= LAST_YEAR', [4]],
    ['< THIS_YEAR', [4]],
    ['= LAST_90_DAYS', [1, 2, 3]],
    ['= THIS_FISCAL_YEAR', [1, 2, 3]],
    ['IN (TODAY, LAST_YEAR)', [2, 4]],
  ];
  it.each(cases)('SystemModstamp %s', (condition, expected) => {
    expect(ids(`SELECT Id FROM Lead WHERE SystemModstamp ${condition}`)).toEqual(leadIds(...expected));
  });

  it('applies them to date fields by day', () => {
    expect(ids(`SELECT Id FROM Opportunity WHERE CloseDate = YESTERDAY`)).toEqual([opportunities.small]);
    expect(ids(`SELECT Id FROM Opportunity WHERE CloseDate = NEXT_MONTH`)).toEqual([opportunities.big]);
    expect(ids(`SELECT Id FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:16`)).toEqual([opportunities.big]);
    expect(ids(`SELECT Id FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:15`)).toEqual([]);
    expect(ids(`SELECT Id FROM Opportunity WHERE CloseDate > TODAY`)).toEqual([opportunities.big]);
  });

  it('compares date literals against date fields', () => {
    expect(ids(`SELECT Id FROM Opportunity WHERE CloseDate = 2026-11-28`)).toEqual([opportunities.small]);
    expect(ids(`SELECT Id FROM Opportunity WHERE CloseDate >= 2026-11-29`)).toEqual([opportunities.big]);
    expect(ids(`SELECT Id FROM Contact WHERE Birthdate < 2000-01-01`)).toEqual([contacts.jane]);
  });
});

describe('date functions (Date Functions, applied in UTC)', () => {
  it.each([
    ['CALENDAR_YEAR(SystemModstamp) = 2025', [4]],
    ['CALENDAR_MONTH(SystemModstamp) = 11', [1, 2]],
    ['CALENDAR_QUARTER(SystemModstamp) = 4', [1, 2, 3, 4]],
    ['FISCAL_YEAR(SystemModstamp) = 2026', [1, 2, 3]],
    ['DAY_IN_MONTH(SystemModstamp) = 15', [3]],
    // "1 for Sunday": 2026-11-29 is a Sunday.
    ['DAY_IN_WEEK(SystemModstamp) = 1', [2]],
    ['DAY_IN_YEAR(SystemModstamp) = 365', [4]],
    ['HOUR_IN_DAY(SystemModstamp) >= 23', [3, 4]],
    ['WEEK_IN_MONTH(SystemModstamp) = 5', [2, 4]],
    ['DAY_ONLY(SystemModstamp) = 2026-11-28', [1]],
    ['DAY_ONLY(SystemModstamp) = YESTERDAY', [1]],
    ['CALENDAR_YEAR(SystemModstamp) IN (2024, 2025)', [4]],
  ])('WHERE %s', (condition, expected) => {
    expect(ids(`SELECT Id FROM Lead WHERE ${condition}`)).toEqual(leadIds(...expected));
  });

  it('reads date fields too ("32 for February 1"; weeks count from the first of the year)', () => {
    expect(ids(`SELECT Id FROM Opportunity WHERE WEEK_IN_YEAR(CloseDate) = 50 AND DAY_IN_YEAR(CloseDate) = 349`)).toEqual([opportunities.big]);
    expect(ids(`SELECT Id FROM Contact WHERE DAY_IN_YEAR(Birthdate) = 365`)).toEqual([contacts.zed]);
  });

  it('groups and orders by a date function, answered as an unnamed expression', () => {
    expect(run(`SELECT CALENDAR_YEAR(SystemModstamp), COUNT(Id) FROM Lead GROUP BY CALENDAR_YEAR(SystemModstamp) ORDER BY CALENDAR_YEAR(SystemModstamp) DESC`).records).toEqual([
      { attributes: { type: 'AggregateResult' }, expr0: 2026, expr1: 3 },
      { attributes: { type: 'AggregateResult' }, expr0: 2025, expr1: 1 },
    ]);
  });

  it('refuses a date function over a field that is not a date, and DAY_ONLY over a date', () => {
    expect(errorOf(`SELECT Id FROM Lead WHERE CALENDAR_YEAR(LastName) = 2026`).errorCode).toBe('INVALID_FIELD');
    expect(errorOf(`SELECT Id FROM Opportunity WHERE DAY_ONLY(CloseDate) = 2026-01-01`).errorCode).toBe('INVALID_FIELD');
    expect(errorOf(`SELECT Id FROM Lead WHERE CALENDAR_YEAR(SystemModstamp) = '2026'`).message).toMatch(/must be of type integer and should not be enclosed in quotes$/);
    expect(errorOf(`SELECT CALENDAR_YEAR(SystemModstamp), COUNT(Id) FROM Lead GROUP BY Status`).message).toMatch(/Field must be grouped or aggregated/);
  });
});

describe('a value of the wrong type is refused as Salesforce refuses it', () => {
  const cases: Array<[string, string]> = [
    [`CreatedDate > 2026-01-01`, `value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes`],
    [`CreatedDate > '2026-01-01T00:00:00Z'`, `value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes`],
    [`IsConverted = 'true'`, `value of filter criterion for field 'IsConverted' must be of type boolean and should not be enclosed in quotes`],
    [`NumberOfEmployees = '5'`, `value of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes`],
    [`AnnualRevenue > 'lots'`, `value of filter criterion for field 'AnnualRevenue' must be of type double and should not be enclosed in quotes`],
    [`LastName = 5`, `value of filter criterion for field 'LastName' must be of type string and should be enclosed in quotes`],
    [`Status IN ('Open', 5)`, `value of filter criterion for field 'Status' must be of type string and should be enclosed in quotes`],
  ];
  it.each(cases)('WHERE %s → INVALID_FIELD', (condition, message) => {
    const error = errorOf(`SELECT Id FROM Lead WHERE ${condition}`);
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message.endsWith(`\n${message}`)).toBe(true);
  });

  it('refuses a datetime against a date field', () => {
    const error = errorOf(`SELECT Id FROM Opportunity WHERE CloseDate = 2026-01-01T00:00:00Z`);
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toMatch(/must be of type date and should not be enclosed in quotes$/);
  });

  it('points the caret at the offending literal', () => {
    expect(errorOf(`SELECT Id FROM Lead WHERE IsConverted = 'yes'`).message).toMatch(/^\nSELECT Id FROM Lead WHERE IsConverted = 'yes'\n {40}\^\nERROR at Row:1:Column:41\n/);
  });

  it('refuses a malformed Id with INVALID_QUERY_FILTER_OPERATOR', () => {
    const error = errorOf(`SELECT Id FROM Contact WHERE AccountId = 'nope'`);
    expect(error.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(error.message).toMatch(/invalid ID field: nope$/);
  });

  it('refuses INCLUDES on a field that is not a multi-select picklist, and LIKE on one that is', () => {
    const includes = errorOf(`SELECT Id FROM Lead WHERE Status INCLUDES ('Open')`);
    expect(includes.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(includes.message).toMatch(/includes or excludes operator only valid on multipicklist field$/);
    const like = errorOf(`SELECT Id FROM Lead WHERE Interests__c LIKE 'G%'`);
    expect(like.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(like.message).toMatch(/invalid operator on multipicklist field$/);
  });
});

describe('child relationship subqueries', () => {
  it('nests children as { totalSize, done, records } and answers null when there are none', () => {
    const rows = run(`SELECT Name, (SELECT ContactId, Role FROM OpportunityContactRoles ORDER BY Role) FROM Opportunity ORDER BY Name`).records;
    expect(rows).toEqual([
      {
        attributes: { type: 'Opportunity', url: `/services/data/v62.0/sobjects/Opportunity/${opportunities.big}` },
        Name: 'Big deal',
        OpportunityContactRoles: {
          totalSize: 2,
          done: true,
          records: [
            { attributes: { type: 'OpportunityContactRole', url: `/services/data/v62.0/sobjects/OpportunityContactRole/${id('00K', 2)}` },
              ContactId: contacts.john, Role: 'Business User' },
            { attributes: { type: 'OpportunityContactRole', url: `/services/data/v62.0/sobjects/OpportunityContactRole/${id('00K', 1)}` },
              ContactId: contacts.jane, Role: 'Decision Maker' },
          ],
        },
      },
      { attributes: expect.anything() as unknown, Name: 'Small deal', OpportunityContactRoles: null },
    ]);
  });

  it('filters, sorts and limits children, with parent fields inside the subquery', () => {
    const [row] = run(
      `SELECT Id, (SELECT Contact.Email FROM OpportunityContactRoles WHERE IsPrimary = false OR Role LIKE 'Dec%' ORDER BY Contact.Email DESC LIMIT 1) FROM Opportunity WHERE Id = '${opportunities.big}'`,
    ).records;
    const children = row!['OpportunityContactRoles'] as { records: Array<Record<string, unknown>> };
    expect(children.records.map((child) => child['Contact'])).toEqual([
      { attributes: { type: 'Contact', url: expect.stringContaining(contacts.john) as unknown }, Email: 'john@acme.com' },
    ]);
  });

  it('includes deleted children only for queryAll', () => {
    const count = (includeDeleted: boolean): unknown =>
      (run(`SELECT (SELECT Id FROM OpportunityContactRoles) FROM Opportunity WHERE Id = '${opportunities.big}'`, { includeDeleted })
        .records[0]!['OpportunityContactRoles'] as { totalSize: number }).totalSize;
    expect(count(false)).toBe(2);
    expect(count(true)).toBe(3);
  });

  it('allows OFFSET in a subquery only under a parent LIMIT 1 (OFFSET documentation)', () => {
    const soql = (limit: number): string =>
      `SELECT Name, (SELECT Role FROM OpportunityContactRoles ORDER BY Role LIMIT 1 OFFSET 1) FROM Opportunity ORDER BY Amount DESC LIMIT ${limit}`;
    expect(errorOf(soql(2)).errorCode).toBe('MALFORMED_QUERY');
    const [row] = run(soql(1)).records;
    expect((row!['OpportunityContactRoles'] as { records: unknown[] }).records).toEqual([
      { attributes: expect.anything() as unknown, Role: 'Decision Maker' },
    ]);
  });

  it('refuses an unknown child relationship with INVALID_TYPE', () => {
    const error = errorOf(`SELECT Id, (SELECT Id FROM Contact) FROM Account`);
    expect(error.errorCode).toBe('INVALID_TYPE');
    expect(error.message).toMatch(/Didn't understand relationship 'Contact' in FROM part of query call\./);
  });
});

describe('semi-joins and anti-joins', () => {
  it('keeps records whose Id is (or is not) selected by the inner query', () => {
    expect(ids(`SELECT Id FROM Contact WHERE Id IN (SELECT ContactId FROM OpportunityContactRole WHERE IsPrimary = true)`)).toEqual([contacts.jane]);
    expect(ids(`SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)`)).toEqual([accounts.acme]);
    expect(ids(`SELECT Id FROM Account WHERE Id NOT IN (SELECT AccountId FROM Opportunity)`)).toEqual([accounts.orphan]);
  });

  it('refuses a semi-join on a field that is not an Id', () => {
    expect(errorOf(`SELECT Id FROM Contact WHERE LastName IN (SELECT ContactId FROM OpportunityContactRole)`).errorCode).toBe('INVALID_FIELD');
    // Checked when the query is compiled, even where no row would ever reach the semi-join.
    expect(errorOf(`SELECT Id FROM Group WHERE Name = 'nobody' AND Id IN (SELECT Bogus FROM Contact)`).errorCode).toBe('INVALID_FIELD');
    expect(errorOf(`SELECT Id FROM Group WHERE Name = 'nobody' AND Id IN (SELECT Id FROM Nope__c)`).errorCode).toBe('INVALID_TYPE');
  });
});

describe('COUNT() and aggregates (COUNT() and COUNT(fieldName))', () => {
  it('COUNT() answers the count as totalSize with no records', () => {
    expect(run(`SELECT COUNT() FROM Lead`)).toEqual({ objectName: 'Lead', totalSize: 4, records: [] });
    expect(run(`SELECT COUNT() FROM Lead WHERE Status = 'Open'`).totalSize).toBe(2);
    expect(run(`SELECT COUNT() FROM Lead`, { includeDeleted: true }).totalSize).toBe(5);
    expect(run(`SELECT COUNT() FROM Lead LIMIT 3`).totalSize).toBe(3);
  });

  it('COUNT() must stand alone and cannot be ordered', () => {
    expect(errorOf(`SELECT Id, COUNT() FROM Lead`).errorCode).toBe('MALFORMED_QUERY');
    expect(errorOf(`SELECT COUNT() FROM Lead ORDER BY Id`).errorCode).toBe('MALFORMED_QUERY');
  });

  it('COUNT(Id) answers one AggregateResult row with expr0', () => {
    expect(run(`SELECT COUNT(Id) FROM Lead WHERE Email != null`)).toEqual({
      objectName: 'Lead',
      totalSize: 1,
      records: [{ attributes: { type: 'AggregateResult' }, expr0: 3 }],
    });
  });

  it('counts non-null values for COUNT(field) and numbers unaliased aggregates expr0, expr1 …', () => {
    expect(run(`SELECT COUNT(Id), COUNT(FirstName) named, MAX(NumberOfEmployees), MIN(LastName) FROM Lead`).records).toEqual([
      { attributes: { type: 'AggregateResult' }, expr0: 4, named: 3, expr1: 500, expr2: 'Cho' },
    ]);
  });

  it('groups with GROUP BY, one row per group', () => {
    const rows = run(`SELECT Status, COUNT(Id), SUM(NumberOfEmployees) FROM Lead GROUP BY Status ORDER BY Status`).records;
    expect(rows).toEqual([
      { attributes: { type: 'AggregateResult' }, Status: 'Closed', expr0: 1, expr1: 500 },
      { attributes: { type: 'AggregateResult' }, Status: 'Open', expr0: 2, expr1: 50 },
      { attributes: { type: 'AggregateResult' }, Status: 'Working', expr0: 1, expr1: 5 },
    ]);
  });

  it('refuses a field that is neither grouped nor aggregated', () => {
    const error = errorOf(`SELECT LastName, COUNT(Id) FROM Lead`);
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toMatch(/Field must be grouped or aggregated: LastName$/);
  });
});

describe('GROUP BY, HAVING and ordering by aggregates', () => {
  it('finds duplicate values the way a dedup check asks for them', () => {
    const rows = run(`SELECT LastName, COUNT(Id) FROM Contact GROUP BY LastName HAVING COUNT(Id) > 1`).records;
    // Text groups case-insensitively: 'Doe' and 'doe' are one group.
    expect(rows).toEqual([{ attributes: { type: 'AggregateResult' }, LastName: 'Doe', expr0: 2 }]);
  });

  it('filters groups on grouped fields and on aggregates, combined with AND/OR', () => {
    const statuses = (having: string): unknown[] =>
      run(`SELECT Status FROM Lead GROUP BY Status HAVING ${having} ORDER BY Status`).records.map((row) => row['Status']);
    expect(statuses(`MAX(NumberOfEmployees) >= 50`)).toEqual(['Closed', 'Open']);
    expect(statuses(`Status != 'Open' AND COUNT(Id) = 1`)).toEqual(['Closed', 'Working']);
    expect(statuses(`(Status = 'Open' OR SUM(AnnualRevenue) < 3) AND COUNT(Id) >= 1`)).toEqual(['Open', 'Working']);
    expect(statuses(`MAX(SystemModstamp) > 2026-11-01T00:00:00Z`)).toEqual(['Open', 'Working']);
  });

  it('orders groups by an aggregate', () => {
    const rows = run(`SELECT Status s, COUNT(Id) n FROM Lead GROUP BY Status ORDER BY COUNT(Id) DESC, Status LIMIT 2`).records;
    expect(rows).toEqual([
      { attributes: { type: 'AggregateResult' }, s: 'Open', n: 2 },
      { attributes: { type: 'AggregateResult' }, s: 'Closed', n: 1 },
    ]);
  });

  it('computes COUNT_DISTINCT, AVG, MIN and MAX over dates, text and numbers', () => {
    expect(run(`SELECT COUNT_DISTINCT(Status), AVG(NumberOfEmployees), MIN(SystemModstamp), MAX(LastName) FROM Lead`).records).toEqual([
      { attributes: { type: 'AggregateResult' }, expr0: 3, expr1: 185, expr2: '2025-12-31T23:00:00.000+0000', expr3: 'under_score' },
    ]);
    expect(run(`SELECT MIN(Birthdate) FROM Contact`).records[0]).toMatchObject({ expr0: '1990-05-17' });
  });

  it('answers one row with a zero count when nothing matches, and no rows when no group forms', () => {
    expect(run(`SELECT COUNT(Id), MAX(NumberOfEmployees) FROM Lead WHERE Status = 'Nope'`).records).toEqual([
      { attributes: { type: 'AggregateResult' }, expr0: 0, expr1: null },
    ]);
    expect(run(`SELECT Status, COUNT(Id) FROM Lead WHERE Status = 'Nope' GROUP BY Status`).records).toEqual([]);
  });

  it('refuses an aggregate over a field type it does not support (Support for Field Types in Aggregate Functions)', () => {
    const error = errorOf(`SELECT SUM(LastName) FROM Lead`);
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toMatch(/field LastName does not support aggregate operator SUM$/);
    expect(errorOf(`SELECT MAX(IsConverted) FROM Lead`).errorCode).toBe('INVALID_FIELD');
  });

  it('refuses HAVING or ORDER BY on a field that is not grouped', () => {
    expect(errorOf(`SELECT Status, COUNT(Id) FROM Lead GROUP BY Status HAVING LastName = 'Lee'`).message).toMatch(/Field must be grouped or aggregated: LastName$/);
    expect(errorOf(`SELECT Status, COUNT(Id) FROM Lead GROUP BY Status ORDER BY LastName`).message).toMatch(/Field must be grouped or aggregated: LastName$/);
  });
});

describe('aliases', () => {
  it('accepts the FROM alias as a prefix of field paths', () => {
    expect(run(`SELECT c.LastName, c.Account.Name FROM Contact c WHERE c.Account.Name = 'Acme' ORDER BY c.FirstName`).records).toEqual([
      { attributes: expect.anything() as unknown, LastName: 'Doe', Account: { attributes: expect.anything() as unknown, Name: 'Acme' } },
      { attributes: expect.anything() as unknown, LastName: 'doe', Account: { attributes: expect.anything() as unknown, Name: 'Acme' } },
    ]);
  });

  it('refuses an alias on a plain field outside aggregate queries', () => {
    expect(errorOf(`SELECT LastName surname FROM Contact`).message).toMatch(/unexpected token: 'surname'$/);
  });
});

describe('error positions inside subqueries', () => {
  it('points at an unknown child relationship and at an unknown field inside a subquery', () => {
    expect(errorOf(`SELECT Id, (SELECT Id FROM Nopes) FROM Account`).message).toMatch(/^\nSELECT Id, \(SELECT Id FROM Nopes\) FROM Account\n {27}\^\nERROR at Row:1:Column:28\n/);
    const error = errorOf(`SELECT Id, (SELECT Bogus FROM Contacts) FROM Account`);
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toMatch(/ERROR at Row:1:Column:20\nNo such column 'Bogus' on entity 'Contact'/);
  });

  it('counts rows and columns on a query written over several lines', () => {
    expect(errorOf(`SELECT Id\nFROM Lead\nWHERE Bogus = 1`).message).toMatch(/^\nWHERE Bogus = 1\n {6}\^\nERROR at Row:3:Column:7\n/);
  });
});

describe('FIELDS()', () => {
  it('FIELDS(STANDARD) selects the standard fields in schema order', () => {
    const [row] = run(`SELECT FIELDS(STANDARD) FROM Opportunity WHERE Id = '${opportunities.small}'`).records;
    expect(Object.keys(row!)).toEqual(['attributes', 'Id', 'IsDeleted', 'CreatedDate', 'SystemModstamp', 'Name', 'Amount', 'CloseDate', 'StageName', 'AccountId']);
  });

  it('FIELDS(ALL) and FIELDS(CUSTOM) need a LIMIT of at most 200', () => {
    expect(errorOf(`SELECT FIELDS(ALL) FROM Lead`).errorCode).toBe('MALFORMED_QUERY');
    expect(errorOf(`SELECT FIELDS(CUSTOM) FROM Lead LIMIT 201`).errorCode).toBe('MALFORMED_QUERY');
    const [row] = run(`SELECT Id, FIELDS(CUSTOM) FROM Lead ORDER BY Id LIMIT 1`).records;
    expect(row).toEqual({ attributes: expect.anything() as unknown, Id: id('00Q', 1), Interests__c: 'Golf;Chess' });
  });

  it('refuses a field selected twice (the fieldList cannot contain duplicate field names)', () => {
    expect(errorOf(`SELECT Name, Id, name FROM Account`).message).toMatch(/duplicate field selected: name$/i);
  });
});

describe('scale: a modstamp window is one pass over the records', () => {
  const n = 20_000;
  const leadObject = objects.find((object) => object.name === 'Lead')!;

  /** Records that count every field read, so the test sees how often the evaluator touches each one. */
  function countingWorld(): { source: InMemorySoqlSource; reads: () => number } {
    let reads = 0;
    const counted = new InMemorySoqlSource([leadObject]);
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < n; i++) {
      // Modstamps out of scan order, so both the filter and the sort have work to do.
      const stamp = new Date(start + ((i * 7919) % n) * 60_000).toISOString().replace('Z', '+0000');
      const record = lead(i + 1, { Id: `00Q${String(i).padStart(12, '0')}AAA`, LastName: `L${i}`, SystemModstamp: stamp });
      counted.insert('Lead', new Proxy(record, { get: (target, key) => ((reads += 1), Reflect.get(target, key)) }));
    }
    return { source: counted, reads: () => reads };
  }

  it('reads each record a bounded number of times, however many rows match, for a bounded or a full sort', () => {
    const { source: counted, reads } = countingWorld();
    const window = `SELECT Id, SystemModstamp FROM Lead WHERE SystemModstamp > 2026-01-02T00:00:00Z AND SystemModstamp <= 2026-01-12T00:00:00Z ORDER BY SystemModstamp, Id`;
    const before = reads();
    const limited = runSoql(`${window} LIMIT 2000`, counted, options);
    const limitedReads = reads() - before;
    const full = runSoql(window, counted, options);
    const fullReads = reads() - before - limitedReads;

    expect(limited.records).toEqual(full.records.slice(0, 2000));
    const stamps = full.records.map((row) => String(row['SystemModstamp']));
    expect(stamps).toEqual([...stamps].sort());
    expect(full.totalSize).toBe(14_400);
    // IsDeleted (scan), two window bounds, two sort keys, the projected fields and the url Id: about 8 reads per
    // record, well under the log2(n) ≈ 14 a comparator reading records would cost.
    expect(limitedReads).toBeLessThan(10 * n);
    expect(fullReads).toBeLessThan(10 * n);
  });
});
