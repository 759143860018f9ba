import type { PasswordCheckRecord } from '@dockbase/api';
import type { SqliteDatabase } from './sqlite.js';

/** How many containers' checks are kept; the oldest go when more come (removed containers' among them). */
export const PASSWORD_CHECKS_KEPT = 500;

interface Row {
  container_id: string;
  instance_id: string;
  status: 'ok' | 'rejected';
  message: string | null;
  at: string;
}

/**
 * The last verdict on each container's password (migration 6): whoever checked it (a job here, the page)
 * records it, and the page reads them all at load, one request, no docker command. Never a password.
 */
export class PasswordChecks {
  constructor(private readonly db: SqliteDatabase) {}

  put(record: Omit<PasswordCheckRecord, 'at'>): PasswordCheckRecord {
    const at = new Date().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO password_checks (container_id, instance_id, status, message, at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (container_id) DO UPDATE SET instance_id = excluded.instance_id, status = excluded.status,
             message = excluded.message, at = excluded.at`,
        )
        .run(record.containerId, record.instanceId, record.status, record.message ?? null, at);
      this.db
        .prepare('DELETE FROM password_checks WHERE container_id NOT IN (SELECT container_id FROM password_checks ORDER BY at DESC, rowid DESC LIMIT ?)')
        .run(PASSWORD_CHECKS_KEPT);
    });
    return { ...record, at };
  }

  list(): PasswordCheckRecord[] {
    return (this.db.prepare('SELECT * FROM password_checks ORDER BY at DESC, rowid DESC').all() as unknown as Row[]).map((r) => ({
      containerId: r.container_id,
      instanceId: r.instance_id,
      status: r.status,
      ...(r.message !== null ? { message: r.message } : {}),
      at: r.at,
    }));
  }
}
