/**
 * The org's rolling 24-hour API request count, the figure behind `Sforce-Limit-Info: api-usage=used/max` and
 * `/limits` DailyApiRequests (REST API Developer Guide, "Limit Info Header" and "Limits").
 */
export class ApiUsage {
  private readonly calls: number[] = [];
  private first = 0;

  record(at: number): void {
    this.calls.push(at);
  }

  used(at: number): number {
    const horizon = at - 24 * 60 * 60 * 1000;
    while (this.first < this.calls.length && (this.calls[this.first] as number) <= horizon) this.first += 1;
    // Compact now and then so a long-running emulator does not keep every call it ever served.
    if (this.first > 10_000 && this.first * 2 > this.calls.length) {
      this.calls.splice(0, this.first);
      this.first = 0;
    }
    return this.calls.length - this.first;
  }

  reset(): void {
    this.calls.length = 0;
    this.first = 0;
  }
}
