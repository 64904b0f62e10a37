// The live stream's state, announced politely to screen readers.
import type { ViewState } from '../useView';

export function ViewStatus({ state }: { state: ViewState<any, any> }) {
  const text = state.status === 'connecting' ? 'Connecting…' : state.status === 'live' ? 'Live' : state.message ?? 'Error';
  return (
    <p class={`view-status ${state.status}`} role={state.status === 'error' ? 'alert' : 'status'} data-status={state.status}>
      {text}
    </p>
  );
}
