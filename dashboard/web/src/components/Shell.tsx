// The frame around every page: the navigation (from the page registry), the namespace filter and
// the signed-in user with a sign-out button.
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { logout } from '../api';
import { href, pages, type PageDef } from '../routes';
import { NamespaceFilter } from './NamespaceFilter';

interface Props {
  user: string;
  page: PageDef;
  namespace: string;
  onSignedOut: () => void;
  onUnauthorized: () => void;
  children: ComponentChildren;
}

export function Shell({ user, page, namespace, onSignedOut, onUnauthorized, children }: Props) {
  useEffect(() => {
    document.title = `${page.title} · kubelite dashboard`;
  }, [page]);
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={href('overview', namespace)}>kubelite</a>
        <NamespaceFilter
          namespace={namespace}
          onUnauthorized={onUnauthorized}
          onChange={(ns) => (window.location.hash = href(page.path, ns))}
        />
        <span class="user" aria-label="signed in as">{user}</span>
        <button type="button" class="link-button" onClick={() => logout().finally(onSignedOut)}>
          Sign out
        </button>
      </header>
      <nav class="sidebar" aria-label="Pages">
        <ul>
          {pages
            .filter((p) => p.nav)
            .map((p) => (
              <li key={p.path}>
                <a href={href(p.path, namespace)} aria-current={p.path === page.path ? 'page' : undefined} class={p.planned ? 'planned' : ''}>
                  {p.title}
                  {p.planned && <span class="badge">soon</span>}
                </a>
              </li>
            ))}
        </ul>
      </nav>
      <main class="content" id="main">
        {children}
      </main>
    </div>
  );
}
