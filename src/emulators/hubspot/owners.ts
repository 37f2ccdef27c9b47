import type { FastifyInstance } from 'fastify';
import { notFound, validationError } from './errors.ts';

/**
 * `/crm/v3/owners`: the HubSpot users records can be assigned to (`hubspot_owner_id`). crmsync maps them to
 * Salesforce users by email, so the demo seeds some owners whose emails match Salesforce users.
 */
export interface HubSpotOwner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export class HubSpotOwners {
  private owners = new Map<string, HubSpotOwner>();
  private nextId = 70_000_001;

  reset(): void {
    this.owners.clear();
    this.nextId = 70_000_001;
  }

  add(owner: { email: string; firstName: string; lastName: string; archived?: boolean }): HubSpotOwner {
    const id = String(this.nextId++);
    const now = new Date().toISOString();
    const created: HubSpotOwner = { id, userId: Number(id) - 60_000_000, createdAt: now, updatedAt: now, archived: false, ...owner };
    this.owners.set(id, created);
    return created;
  }

  exists(id: string): boolean {
    const owner = this.owners.get(id);
    return owner !== undefined && !owner.archived;
  }

  all(): HubSpotOwner[] {
    return [...this.owners.values()];
  }

  snapshot(): { owners: HubSpotOwner[]; nextId: number } {
    return { owners: this.all(), nextId: this.nextId };
  }

  restore(snapshot: { owners: HubSpotOwner[]; nextId: number }): void {
    this.owners = new Map(snapshot.owners.map((o) => [o.id, o]));
    this.nextId = snapshot.nextId;
  }

  registerRoutes(app: FastifyInstance): void {
    const render = (o: HubSpotOwner) => ({ ...o, type: 'PERSON', userIdIncludingInactive: o.userId, teams: [] });

    const list = async (request: { query: Record<string, unknown> }) => {
      const q = request.query;
      const limit = q.limit === undefined ? 100 : Number(q.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw validationError(`limit must be between 1 and 500, got ${String(q.limit)}`, { context: { limit: [String(q.limit)] } });
      const archived = q.archived === 'true';
      const email = typeof q.email === 'string' ? q.email.toLowerCase() : undefined;
      const after = q.after === undefined ? 0 : Number(q.after);
      const matching = this.all().filter((o) => o.archived === archived && (email === undefined || o.email.toLowerCase() === email));
      const page = matching.filter((o) => Number(o.id) > after).slice(0, limit);
      const last = page[page.length - 1];
      const more = last !== undefined && matching.some((o) => Number(o.id) > Number(last.id));
      return { results: page.map(render), ...(more && last ? { paging: { next: { after: last.id } } } : {}) };
    };
    // The official client requests "/crm/v3/owners/" with the trailing slash.
    app.get<{ Querystring: Record<string, unknown> }>('/crm/v3/owners', list);
    app.get<{ Querystring: Record<string, unknown> }>('/crm/v3/owners/', list);

    app.get<{ Params: { ownerId: string }; Querystring: Record<string, unknown> }>('/crm/v3/owners/:ownerId', async (request) => {
      const { ownerId } = request.params;
      const byUserId = request.query.idProperty === 'userId';
      const archived = request.query.archived === 'true';
      const owner = this.all().find((o) => (byUserId ? String(o.userId) === ownerId : o.id === ownerId) && o.archived === archived);
      if (!owner) throw notFound(`Owner ${ownerId} not found`, { ownerId: [ownerId] });
      return render(owner);
    });
  }
}
