/**
 * Recommendations: the local model's suggested changes (not built yet).
 */
import { NotBuiltPanel } from '../components/not-built-panel.js';
import { PageHeader } from '../components/page-header.js';

export function RecommendationsPage() {
  return (
    <div className="page" data-testid="page-recommendations">
      <PageHeader title="Recommendations" />
      <NotBuiltPanel
        title="Recommendations"
        purpose="Changes suggested by a model trained on this farm's own history, computed on this workstation."
        planned={[
          'Power presets per miner for the electricity price and hashprice you set',
          'Cooling, maintenance and pool suggestions with the evidence behind them',
          'Accept a change, watch it applied and verified, and roll it back if it does not help',
        ]}
      />
    </div>
  );
}
