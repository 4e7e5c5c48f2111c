/**
 * An honest placeholder for a page whose capability has not been built yet.
 */
export interface NotBuiltPanelProps {
  title: string;
  /** What the page will do, in one sentence. */
  purpose: string;
  /** What it will offer, as a short list. */
  planned: readonly string[];
}

/** The "not built yet" panel: says what the page will do instead of pretending. */
export function NotBuiltPanel({ title, purpose, planned }: NotBuiltPanelProps) {
  return (
    <section className="panel not-built" aria-labelledby="not-built-title">
      <h2 id="not-built-title">{title} is not built yet</h2>
      <p>{purpose}</p>
      <p className="muted">
        This version of Hashwatch does not do this yet. When it does, this page will offer:
      </p>
      <ul>
        {planned.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </section>
  );
}
