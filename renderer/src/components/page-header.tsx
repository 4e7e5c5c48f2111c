/**
 * The heading row of a page: title on the left, page-specific controls or facts on the right.
 */
import type { ReactNode } from 'react';

/** A page title with optional facts or controls beside it. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children ? <div className="page-header-aside">{children}</div> : null}
    </header>
  );
}
