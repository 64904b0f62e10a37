// A page that is not built yet: its title and what it will show.
import type { PageProps } from '../routes';

export function planned(title: string, what: string) {
  return function PlannedPage(_: PageProps) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">{title}</h1>
        <p class="muted">Not built yet. It will show: {what}</p>
      </section>
    );
  };
}
