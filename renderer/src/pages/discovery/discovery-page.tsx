/**
 * Discovery: finding vnish miners on the farm's network.
 *
 * Not built yet. When the contract gains `discovery.scan` / `discovery.cancel` and the event
 * `discovery.progress`, this folder gets a scan form (targets: CIDR, ranges, hosts; mDNS toggle), a
 * progress bar fed by a `discovery` store slice (subscribed in api/bootstrap.ts like `fleet.tick`),
 * and the per-scan summary; the placeholder below is then replaced.
 */
import { NotBuiltPanel } from '../../components/not-built-panel.js';
import { PageHeader } from '../../components/page-header.js';

export function DiscoveryPage() {
  return (
    <div className="page" data-testid="page-discovery">
      <PageHeader title="Discovery" />
      <NotBuiltPanel
        title="Discovery"
        purpose="Finds the farm's vnish miners by scanning address ranges and listening for mDNS, and adds them to the inventory."
        planned={[
          'Scan targets: CIDR (10.0.0.0/22), ranges (10.0.1-2.1-50), single hosts and lists',
          'A live progress bar (probed / total, found so far) and cancellation',
          'Other miners (stock Antminer, Braiins OS, LuxOS, Whatsminer…) listed as found but not managed',
        ]}
      />
    </div>
  );
}
