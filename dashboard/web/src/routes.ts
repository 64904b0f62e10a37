// The page registry: one entry per page, in navigation order. A page is one file under pages/;
// `planned` pages show a placeholder until someone builds them (see ../../README-dev.md).
import type { ComponentType } from 'preact';
import { OverviewPage } from './pages/OverviewPage';
import { PodsPage } from './pages/PodsPage';
import { PodDetailPage } from './pages/PodDetailPage';
import { ServicesPage } from './pages/ServicesPage';
import { EventsPage } from './pages/EventsPage';
import { WorkloadsPage } from './pages/WorkloadsPage';
import { ApplyPage } from './pages/ApplyPage';
import { ControlPlanePage } from './pages/ControlPlanePage';
import { NodePage } from './pages/NodePage';
import { TopologyPage } from './pages/TopologyPage';
import { planned } from './pages/PlannedPage';

export interface PageProps {
  /** The namespace filter; '' = all namespaces. Every view takes it. */
  namespace: string;
  /** The route's query parameters (after `?` in the hash), e.g. a pod's name on a detail page. */
  params: URLSearchParams;
  /** Call when the API answers 401: the app shows the login page. */
  onUnauthorized: () => void;
}

export interface PageDef {
  /** The hash path: #/overview */
  path: string;
  title: string;
  component: ComponentType<PageProps>;
  /** Shown in the navigation (detail pages are reached through links instead). */
  nav: boolean;
  /** Not built yet: the navigation marks it. */
  planned?: boolean;
}

export const pages: PageDef[] = [
  { path: 'overview', title: 'Overview', component: OverviewPage, nav: true },
  { path: 'pods', title: 'Pods', component: PodsPage, nav: true },
  { path: 'topology', title: 'Topology', component: TopologyPage, nav: true },
  { path: 'workloads', title: 'Workloads', component: WorkloadsPage, nav: true },
  { path: 'apply', title: 'Apply YAML', component: ApplyPage, nav: true },
  { path: 'services', title: 'Services', component: ServicesPage, nav: true },
  { path: 'events', title: 'Events', component: EventsPage, nav: true },
  { path: 'control-plane', title: 'Control plane', component: ControlPlanePage, nav: true },
  { path: 'node', title: 'Node', component: NodePage, nav: false },
  { path: 'pod', title: 'Pod', component: PodDetailPage, nav: false },
];

export const DEFAULT_PAGE = 'overview';

export function findPage(path: string): PageDef | undefined {
  return pages.find((p) => p.path === path);
}

/** The current route from location.hash: #/PATH?QUERY */
export function currentRoute(): { path: string; params: URLSearchParams } {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const q = hash.indexOf('?');
  return q < 0
    ? { path: hash, params: new URLSearchParams() }
    : { path: hash.slice(0, q), params: new URLSearchParams(hash.slice(q + 1)) };
}

/** The link to a page, keeping the namespace filter. */
export function href(path: string, namespace: string, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  if (namespace) params.set('namespace', namespace);
  const q = params.toString();
  return `#/${path}${q ? `?${q}` : ''}`;
}
