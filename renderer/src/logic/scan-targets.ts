/**
 * Parses the Discovery form: scan targets and the advanced options.
 *
 * The core validates targets again and is the authority; this parse only splits what a technician
 * pasted (one per line, comma or space separated) and catches obvious typos before a scan is started,
 * so a 1,024-address scan is not launched with half its list silently dropped.
 */

/** What the targets box turned into. */
export interface ParsedTargets {
  /** Targets to send, in order, without duplicates. */
  targets: string[];
  /** One message per entry that is not a target. */
  errors: string[];
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const PART = `(${OCTET}(-${OCTET})?)`;
const CIDR_RE = new RegExp(`^${OCTET}(\\.${OCTET}){3}\\/(3[0-2]|[12]?\\d)$`);
const RANGE_RE = new RegExp(`^${PART}(\\.${PART}){3}(:\\d{1,5})?$`);
const HOST_RE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(:\d{1,5})?$/;

/** Whether one entry looks like a CIDR block, an octet range, or host[:port]. */
export function isTargetLike(entry: string): boolean {
  if (CIDR_RE.test(entry)) return true;
  if (RANGE_RE.test(entry)) {
    const port = /:(\d+)$/.exec(entry)?.[1];
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) return false;
    // Each range must run upwards (10.0.1-2.x, not 10.0.2-1.x).
    return entry
      .replace(/:\d+$/, '')
      .split('.')
      .every((p) => {
        const [a, b] = p.split('-').map(Number);
        return b === undefined || (a !== undefined && a <= b);
      });
  }
  // A dotted-quad that failed both patterns above (e.g. 10.0.0.300) is not a host name either.
  if (/^[\d.]+(:\d+)?$/.test(entry)) return false;
  if (!HOST_RE.test(entry)) return false;
  const port = /:(\d+)$/.exec(entry)?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65_535);
}

/** Splits the targets box on newlines, commas and spaces; drops blanks and repeats. */
export function parseTargets(text: string): ParsedTargets {
  const targets: string[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/[\s,;]+/)) {
    const entry = raw.trim();
    if (!entry || seen.has(entry)) continue;
    seen.add(entry);
    if (isTargetLike(entry)) targets.push(entry);
    else errors.push(`“${entry}” is not a CIDR block, a range (10.0.1-2.1-50) or host[:port]`);
  }
  return { targets, errors };
}

/** An optional whole number field: empty is `undefined`, anything else must be in [min, max]. */
export function parseOptionalInt(
  text: string,
  min: number,
  max: number,
  label: string,
): { value: number | undefined; error: string | null } {
  const t = text.trim();
  if (t === '') return { value: undefined, error: null };
  const n = Number(t);
  if (!Number.isInteger(n) || n < min || n > max)
    return { value: undefined, error: `${label} must be a whole number from ${min} to ${max}` };
  return { value: n, error: null };
}
