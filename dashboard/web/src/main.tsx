// The dashboard's front end: checks the session, then shows the login page or the shell with the
// routed page. Routing is by location.hash (#/pods?namespace=demo), so links and reloads work
// without server routes.
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { session as fetchSession } from './api';
import { Shell } from './components/Shell';
import { LoginPage } from './pages/LoginPage';
import { currentRoute, DEFAULT_PAGE, findPage, href } from './routes';

function useRoute() {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function App() {
  const route = useRoute();
  const [user, setUser] = useState<string | null | undefined>(undefined); // undefined: not known yet

  useEffect(() => {
    fetchSession().then(
      (s) => setUser(s.user),
      () => setUser(null),
    );
  }, []);

  const onUnauthorized = useCallback(() => setUser(null), []);

  if (user === undefined) {
    return <p class="loading">Loading…</p>;
  }
  if (user === null || route.path === 'login') {
    return (
      <LoginPage
        reason={route.params.get('reason')}
        onSignedIn={(u) => {
          setUser(u);
          window.location.hash = href(DEFAULT_PAGE, '');
        }}
      />
    );
  }
  const page = findPage(route.path);
  if (!page) {
    window.location.hash = href(DEFAULT_PAGE, route.params.get('namespace') ?? '');
    return null;
  }
  const namespace = route.params.get('namespace') ?? '';
  const Page = page.component;
  return (
    <Shell user={user} page={page} namespace={namespace} onSignedOut={() => setUser(null)} onUnauthorized={onUnauthorized}>
      <Page key={page.path + '|' + namespace} namespace={namespace} params={route.params} onUnauthorized={onUnauthorized} />
    </Shell>
  );
}

render(<App />, document.getElementById('app')!);
