/**
 * Access tokens and roles for the headless host.
 *
 * Each token is bound to a role (viewer: read-only methods; operator: everything). Comparison is
 * constant-time, and a client that keeps presenting wrong tokens is locked out for a while, so a
 * token cannot be guessed from the LAN.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../service/dispatch.js';

export interface HostTokens {
  operator: string;
  viewer: string;
}

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

export function generateTokens(): HostTokens {
  return { operator: generateToken(), viewer: generateToken() };
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The role a presented token grants, or null; every comparison runs in constant time. */
export function roleForToken(tokens: HostTokens, presented: string | null | undefined): Role | null {
  if (!presented || presented.length > 512) return null;
  const p = digest(presented);
  // Compare against both so timing does not reveal which role matched.
  const isOperator = timingSafeEqual(p, digest(tokens.operator));
  const isViewer = timingSafeEqual(p, digest(tokens.viewer));
  if (isOperator) return 'operator';
  if (isViewer) return 'viewer';
  return null;
}

export interface FailureLimiterOptions {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
  now?: () => number;
}

/** Counts failed authentications per client and locks a client out after too many. */
export class FailureLimiter {
  private readonly failures = new Map<string, { count: number; firstAt: number; lockedUntil: number }>();
  private readonly now: () => number;
  constructor(private readonly opts: FailureLimiterOptions) {
    this.now = opts.now ?? Date.now;
  }
  isLocked(client: string): boolean {
    const f = this.failures.get(client);
    return !!f && f.lockedUntil > this.now();
  }
  fail(client: string): void {
    const now = this.now();
    let f = this.failures.get(client);
    if (!f || now - f.firstAt > this.opts.windowMs) {
      f = { count: 0, firstAt: now, lockedUntil: 0 };
      this.failures.set(client, f);
    }
    f.count++;
    if (f.count >= this.opts.maxFailures) f.lockedUntil = now + this.opts.lockoutMs;
    if (this.failures.size > 10_000) this.prune(now);
  }
  succeed(client: string): void {
    this.failures.delete(client);
  }
  private prune(now: number) {
    for (const [k, f] of this.failures) {
      if (f.lockedUntil < now && now - f.firstAt > this.opts.windowMs) this.failures.delete(k);
    }
  }
}
