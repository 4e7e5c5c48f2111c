/**
 * Opening the database file safely: version check before any write, pragmas, migrations.
 *
 * A database written by a newer Hashwatch is refused *before* SQLite gets a chance to write to it (setting
 * WAL mode or checkpointing would change the file), so a technician who briefly runs an older build keeps
 * their newer data intact.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { HashwatchError } from '../../../shared/errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

type Db = Database.Database;

/** Pages in the WAL after which a commit checkpoints, when the connection checkpoints by itself. */
export const IN_THREAD_AUTOCHECKPOINT = 8000;

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/**
 * The schema version of an existing file, read without writing anything: from the header when the file was
 * closed cleanly, through a read-only connection when a WAL may hold a newer header.
 */
function peekVersion(path: string): number | null {
  if (path === ':memory:' || path === '' || !existsSync(path)) return null;
  const size = statSync(path).size;
  if (size === 0) return null;
  const wal = `${path}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) {
    let ro: Db | null = null;
    try {
      ro = new Database(path, { readonly: true, fileMustExist: true });
      return Number(ro.pragma('user_version', { simple: true }));
    } catch (e) {
      throw new HashwatchError(
        'Conflict',
        `${path} is not a readable SQLite database: ${(e as Error).message}`,
      );
    } finally {
      ro?.close();
    }
  }
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 100 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new HashwatchError('Conflict', `${path} is not an SQLite database; Hashwatch will not touch it.`);
  }
  return header.readUInt32BE(60);
}

function refuseNewer(path: string, version: number): never {
  throw new HashwatchError(
    'Conflict',
    `The database ${path} was written by a newer version of Hashwatch (schema v${version}; this version ` +
      `understands up to v${SCHEMA_VERSION}). Update Hashwatch to open it. The file was not modified.`,
    { path, schemaVersion: version, supportedVersion: SCHEMA_VERSION },
  );
}

/** Open (creating if needed), configure and migrate the database at `path`. */
export function openDatabase(path: string): Db {
  const existing = peekVersion(path);
  if (existing !== null && existing > SCHEMA_VERSION) refuseNewer(path, existing);

  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > SCHEMA_VERSION) refuseNewer(path, version);
    if (version === 0) {
      const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as {
        n: number;
      };
      if (tables.n > 0) {
        throw new HashwatchError('Conflict', `${path} is an SQLite database that Hashwatch did not create.`);
      }
    }
    // WAL: readers (charts) never block the poller's writes. NORMAL: a commit survives a crash of the
    // process; a power cut may lose the last few commits but never corrupts the file.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('temp_store = MEMORY');
    // The pages of the current time block are touched by every cycle; keep them (and the B-tree
    // interiors) in cache. 8 MB is a ceiling, not an allocation; it counts in the process's RSS (at
    // 10,000 miners 16 MB made no measurable difference to a cycle's write time; tests/bench/store.ts).
    db.pragma('cache_size = -8192');
    // Checkpoint less often than the 1000-page default: a 10,000-miner cycle dirties a few thousand pages,
    // and a checkpoint inside every commit would double its cost. A file database hands checkpoints to
    // a worker thread instead (checkpointer.ts); this is what remains when no worker can run.
    db.pragma(`wal_autocheckpoint = ${IN_THREAD_AUTOCHECKPOINT}`);
    db.pragma('journal_size_limit = 67108864');
    migrate(db, version);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Apply every migration above `from`, each in its own transaction with its `user_version` bump. */
export function migrate(db: Db, from: number): void {
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
