/**
 * Contract area `credentials`: miner web passwords in the OS keychain, by scope.
 *
 * Secrets only travel inward: a password can be set, tested and changed, never read back. No output
 * schema here has a field that could carry one, and every input error message on a password field is a
 * fixed text, so a rejected password is never echoed back to the caller.
 */
import { z } from 'zod';
import { minerIdInput, noInput, type MethodSpec } from './spec.js';

const SCOPE_MESSAGE =
  'A scope is `farm`, `miner:<MAC>` (like miner:aa:bb:cc:dd:ee:ff) or `range:<IPv4 CIDR>` (like range:10.0.0.0/22)';
const SCOPE_RE =
  /^(farm|miner:[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\2[0-9a-fA-F]{2}){4}|range:\d{1,3}(\.\d{1,3}){3}\/\d{1,2})$/;

/** A scope key as callers send it; the core also checks octets and host bits. */
export const ScopeInputSchema = z
  .string({ error: SCOPE_MESSAGE })
  .max(64, { error: SCOPE_MESSAGE })
  .regex(SCOPE_RE, { error: SCOPE_MESSAGE });

export const PASSWORD_MAX_CHARS = 128;
const PASSWORD_MESSAGE = `A password is 1 to ${PASSWORD_MAX_CHARS} characters with no control characters`;

/** True when a string has no C0/C1 control characters (and no line or paragraph separators). */
export function hasNoControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return false;
  }
  return true;
}

/** A miner web password: every issue message is the same fixed text, whatever was sent. */
export const PasswordInputSchema = z
  .string({ error: PASSWORD_MESSAGE })
  .min(1, { error: PASSWORD_MESSAGE })
  .max(PASSWORD_MAX_CHARS, { error: PASSWORD_MESSAGE })
  .refine(hasNoControlChars, { error: PASSWORD_MESSAGE });

const ADDRESS_MESSAGE = 'An address is host[:port], like 10.0.0.5 or 10.0.0.5:8080';
/** A miner address as the client dials it: IPv4, a host name or [IPv6], with an optional port. */
export const AddressInputSchema = z
  .string({ error: ADDRESS_MESSAGE })
  .min(1, { error: ADDRESS_MESSAGE })
  .max(255, { error: ADDRESS_MESSAGE })
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(:\d{1,5})?$/, {
    error: ADDRESS_MESSAGE,
  });

export const ScopeKindSchema = z.enum(['miner', 'range', 'farm']);

export const ScopeInfoSchema = z.object({ scope: z.string(), kind: ScopeKindSchema });

export const KeychainStatusSchema = z.object({ available: z.boolean(), message: z.string() });

export const CredentialTestResultSchema = z.enum(['ok', 'wrong', 'unreachable', 'no-password']);
export type CredentialTestResult = z.infer<typeof CredentialTestResultSchema>;

/** Which password a test or a change used: a scope key, the factory default, or none. */
export const PasswordSourceSchema = z.string().nullable();

export const ChangePasswordStatusSchema = z.enum([
  /** Changed on the miner, unlocked with the new password, stored in the keychain (miner scope). */
  'changed',
  /** The miner took the change but did not unlock with the new password: keychain left as it was. */
  'unverified',
  /** Changed and verified, but the keychain refused the new password: store it by hand now. */
  'not-stored',
  /** The current password did not unlock the miner: nothing changed. */
  'wrong-password',
  /** No current password was given, stored, or allowed (factory): nothing changed. */
  'no-password',
  'unreachable',
  'not-found',
  /** Any other failure (firmware error, rate limit...): see code and message. */
  'failed',
]);
export type ChangePasswordStatus = z.infer<typeof ChangePasswordStatusSchema>;

export const ChangePasswordResultSchema = z.object({
  target: z.string(),
  minerId: z.string().nullable(),
  address: z.string().nullable(),
  status: ChangePasswordStatusSchema,
  /** The keychain scope written for this miner (when status is `changed`). */
  scope: z.string().nullable(),
  code: z.string().nullable(),
  message: z.string(),
});
export type ChangePasswordResult = z.infer<typeof ChangePasswordResultSchema>;

export const CredentialSettingsSchema = z.object({ tryFactoryPassword: z.boolean() }).strict();

const TEST_TARGET_MESSAGE = 'Give exactly one of minerId or address';

export const credentialsMethods = {
  'credentials.set': {
    input: z.object({ scope: ScopeInputSchema, password: PasswordInputSchema }).strict(),
    output: z.object({ scope: z.string() }),
    access: 'write',
  },
  'credentials.delete': {
    input: z.object({ scope: ScopeInputSchema }).strict(),
    output: z.object({ scope: z.string(), removed: z.boolean() }),
    access: 'write',
  },
  'credentials.list': {
    input: noInput,
    output: z.object({ scopes: z.array(ScopeInfoSchema), keychain: KeychainStatusSchema }),
    access: 'read',
  },
  'credentials.test': {
    input: z
      .object({ minerId: minerIdInput.optional(), address: AddressInputSchema.optional() })
      .strict()
      .refine((v) => (v.minerId === undefined) !== (v.address === undefined), { error: TEST_TARGET_MESSAGE }),
    output: z.object({
      result: CredentialTestResultSchema,
      minerId: z.string().nullable(),
      address: z.string(),
      source: PasswordSourceSchema,
      message: z.string(),
    }),
    access: 'write',
  },
  'credentials.changePassword': {
    input: z
      .object({
        targets: z.array(z.string().min(1).max(200)).min(1).max(1000),
        /** The miners' current password; omitted: use the stored one (or the factory one when allowed). */
        current: PasswordInputSchema.optional(),
        newPassword: PasswordInputSchema,
      })
      .strict(),
    output: z.object({
      results: z.array(ChangePasswordResultSchema),
      changed: z.number().int(),
      failed: z.number().int(),
    }),
    access: 'write',
  },
  'credentials.settings.get': { input: noInput, output: CredentialSettingsSchema, access: 'read' },
  'credentials.settings.set': {
    input: CredentialSettingsSchema,
    output: CredentialSettingsSchema,
    access: 'write',
  },
} as const satisfies Record<string, MethodSpec>;
