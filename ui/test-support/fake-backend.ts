/** An in-memory Dockbase backend client (notes, history, Docker Hub tags) for component tests. */
import { BackendError, type BackendClient, type HistoryEntry, type InstanceMeta, type TagsPage } from '../src/backend-client/client';

export class FakeBackend implements BackendClient {
  readonly records = new Map<string, InstanceMeta>();
  /** Docker Hub's tags per engine; an engine without an entry gets an error (Docker Hub unreachable). */
  readonly tags = new Map<string, string[]>();
  up = true;
  /** Health checks still to miss while up (a busy machine: the answer comes after the check gave up). */
  missedHealthChecks = 0;
  healthChecks = 0;
  /** What the standalone host says of a backend it gave up on (its health check then fails with this). */
  cannotStart: string | undefined;

  failure(): string | undefined {
    return this.cannotStart;
  }

  async available(): Promise<boolean> {
    this.healthChecks++;
    if (this.cannotStart) return false;
    if (this.up && this.missedHealthChecks > 0) {
      this.missedHealthChecks--;
      return false;
    }
    return this.up;
  }

  /** While down, every call fails as a backend that does not answer (503 from the host). */
  private check(): void {
    if (!this.up) throw new BackendError('unavailable', 'The Dockbase backend is not running right now; the host is starting it again.', 503);
  }

  async listTags(image: InstanceMeta['engine']): Promise<TagsPage> {
    this.check();
    const names = this.tags.get(image);
    if (!names) throw new Error('Docker Hub is not reachable.');
    const tags = names.map((name) => ({ name, lastUpdated: '2026-11-01T00:00:00Z', architectures: ['amd64', 'arm64'], size: 1000 }));
    return { image, tags, page: 1, hasMore: false, stale: false };
  }

  async getInstance(id: string): Promise<InstanceMeta | undefined> {
    this.check();
    const r = this.records.get(id);
    return r && structuredClone(r);
  }

  async saveInstance(id: string, input: Pick<InstanceMeta, 'name' | 'engine' | 'settings'>): Promise<InstanceMeta> {
    this.check();
    const now = this.now();
    const old = this.records.get(id);
    const record: InstanceMeta = { id, ...input, notes: old?.notes ?? '', history: old?.history ?? [], createdAt: old?.createdAt ?? now, updatedAt: now };
    this.records.set(id, record);
    return structuredClone(record);
  }

  async setNotes(id: string, notes: string): Promise<InstanceMeta> {
    this.check();
    const r = this.need(id);
    r.notes = notes;
    r.updatedAt = this.now();
    return structuredClone(r);
  }

  async addHistory(id: string, entry: Omit<HistoryEntry, 'at'>): Promise<HistoryEntry> {
    this.check();
    const r = this.need(id);
    const full = { at: this.now(), ...entry };
    r.history.unshift(full);
    return full;
  }

  async deleteInstance(id: string): Promise<void> {
    this.check();
    this.records.delete(id);
  }

  private need(id: string): InstanceMeta {
    const r = this.records.get(id);
    if (!r) throw new Error('not found');
    return r;
  }

  private tick = 0;
  /** Strictly increasing timestamps, so every write is a new version. */
  private now(): string {
    return new Date(Date.UTC(2026, 10, 25, 18, 0, 0, this.tick++)).toISOString();
  }
}
