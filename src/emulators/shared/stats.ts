/**
 * Counts vendor API calls by route pattern ("GET /services/data/:version/query"), the figure that
 * benchmarks and the API-budget tests compare crmsync's own ledger against. Admin calls are not counted.
 */
export class CallStats {
  private byEndpoint = new Map<string, number>();
  private totalCalls = 0;

  record(method: string, routePattern: string): void {
    const key = `${method.toUpperCase()} ${routePattern}`;
    this.byEndpoint.set(key, (this.byEndpoint.get(key) ?? 0) + 1);
    this.totalCalls += 1;
  }

  get total(): number {
    return this.totalCalls;
  }

  reset(): void {
    this.byEndpoint.clear();
    this.totalCalls = 0;
  }

  snapshot(): { total: number; byEndpoint: Record<string, number> } {
    return { total: this.totalCalls, byEndpoint: Object.fromEntries([...this.byEndpoint].sort()) };
  }
}
