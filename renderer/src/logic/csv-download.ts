/**
 * Names for exported files: the miner and the export time, safe on every file system.
 */

/** `hashwatch-10.0.0.5-20261203-1425.csv` (local time; unsafe characters become `-`). */
export function csvFileName(subject: string, atMs: number): string {
  const d = new Date(atMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}`;
  const safe = subject.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'miner';
  return `hashwatch-${safe}-${stamp}.csv`;
}
