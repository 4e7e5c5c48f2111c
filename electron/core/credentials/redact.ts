/**
 * Keeps known secrets out of text before it leaves the credential code.
 *
 * A firmware error body, a library message or a wrapped exception could in principle quote the password
 * that was just sent. Cutting the secret out would leave a readable message for long passwords but a
 * mangled one (and a hint) for short ones, so a message that contains a secret is replaced whole.
 */
export function safeMessage(
  text: string,
  secrets: ReadonlyArray<string | null | undefined>,
  fallback: string,
): string {
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length === 0) continue;
    // Also the forms a secret takes inside a quoted JSON body or a URL.
    const forms = [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)];
    if (forms.some((f) => text.includes(f))) return fallback;
  }
  return text;
}
