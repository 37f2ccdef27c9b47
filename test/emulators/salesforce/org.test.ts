import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import { SalesforceOrg } from '../../../src/emulators/salesforce/org.ts';
import { runCollection } from '../../../src/emulators/salesforce/rest-collections.ts';

type Operation = { kind: 'create'; lastName: string | null; email: string } | { kind: 'update'; target: number; title: string } | { kind: 'delete'; target: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), lastName: fc.option(fc.string({ minLength: 1, maxLength: 90 }), { nil: null }), email: fc.constantFrom('a@example.com', 'b@example.com', 'bad@', '') }),
  fc.record({ kind: fc.constant('update' as const), target: fc.nat(20), title: fc.string({ maxLength: 130 }) }),
  fc.record({ kind: fc.constant('delete' as const), target: fc.nat(20) }),
);

function apply(org: SalesforceOrg, ids: string[], op: Operation) {
  switch (op.kind) {
    case 'create':
      return { id: org.create('Contact', { LastName: op.lastName, Email: op.email }).Id as string, success: true, errors: [] };
    case 'update':
      return { id: org.update('Contact', ids[op.target % Math.max(ids.length, 1)] ?? '003Hs000009ZZZZIAA', { Title: op.title }).Id as string, success: true, errors: [] };
    case 'delete':
      org.delete(ids[op.target % Math.max(ids.length, 1)] ?? '003Hs000009ZZZZIAA');
      return { success: true, errors: [] };
  }
}

describe('Salesforce org: allOrNone', () => {
  it('leaves the org exactly as it was whenever any record of an allOrNone call fails, and applies all otherwise', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 12 }), (operations) => {
        const org = new SalesforceOrg(() => Date.parse('2026-11-29T10:00:00Z'));
        const seeded = Array.from({ length: 5 }, (_, index) => org.create('Contact', { LastName: `Seed${index}`, Email: `seed${index}@example.com` }).Id as string);
        const before = JSON.stringify(org.store.snapshot());
        const results = runCollection(org, operations, true, (op) => apply(org, seeded, op), () => undefined);
        const after = JSON.stringify(org.store.snapshot());
        if (results.some((result) => !result.success)) {
          expect(after).toBe(before);
          for (const result of results) expect(result.success).toBe(false);
        } else {
          expect(org.store.count('Contact')).toBe(5 + operations.filter((op) => op.kind === 'create').length - new Set(operations.filter((op) => op.kind === 'delete').map((op) => seeded[op.target % 5])).size);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('Salesforce org: nested transactions', () => {
  it('undoes only the inner allOrNone call when it fails inside an outer transaction that then commits', () => {
    const org = new SalesforceOrg(() => Date.parse('2026-11-29T10:00:00Z'));
    const names = () => [...org.store.scan('Account', false)].map((record) => record.Name);
    org.store.transaction(() => {
      org.create('Account', { Name: 'Outer' });
      const inner = runCollection(org, [{ Name: 'Inner' }, {}], true, (input) => ({ id: org.create('Account', input).Id as string, success: true, errors: [] }), () => undefined);
      expect(inner.every((result) => !result.success)).toBe(true);
      org.create('Account', { Name: 'After' });
    });
    expect(names()).toEqual(['Outer', 'After']);
  });
});

describe('Salesforce emulator without a socket', () => {
  it('serves jsforce-shaped requests through Fastify inject', async () => {
    const app = await buildSalesforceEmulator({ seed: 'demo' });
    try {
      const response = await app.inject({ method: 'GET', url: '/services/data/v62.0/query?q=SELECT+COUNT()+FROM+Account', headers: { authorization: 'Bearer x' } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['sforce-limit-info']).toBe('api-usage=1/100000');
      expect(response.json()).toMatchObject({ done: true, records: [] });
      expect(response.json().totalSize).toBeGreaterThan(0);
      // jsforce sends Content-Type: application/json on a DELETE with no body; Salesforce accepts it.
      const deleted = await app.inject({ method: 'DELETE', url: '/services/data/v62.0/composite/sobjects?ids=001Hs000009ZZZZIAA', headers: { authorization: 'Bearer x', 'content-type': 'application/json' } });
      expect(deleted.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
