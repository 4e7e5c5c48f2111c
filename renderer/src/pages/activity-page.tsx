/**
 * Activity: the journal of changes applied and alerts raised (not built yet).
 */
import { NotBuiltPanel } from '../components/not-built-panel.js';
import { PageHeader } from '../components/page-header.js';

export function ActivityPage() {
  return (
    <div className="page" data-testid="page-activity">
      <PageHeader title="Activity" />
      <NotBuiltPanel
        title="Activity"
        purpose="A journal of what happened on the farm and what Hashwatch changed, with the measured outcome of each change."
        planned={[
          'Alerts raised and cleared (offline, low hashrate, temperatures, fans, chains, pools)',
          'Every change applied to a miner, who accepted it, and whether it was rolled back',
          'Before/after figures for each applied change',
        ]}
      />
    </div>
  );
}
