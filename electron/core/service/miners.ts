/**
 * `miners.*` methods over the inventory.
 */
import { HashwatchError } from '../../../shared/errors.js';
import type { Inventory } from '../fleet/inventory.js';
import type { Handlers } from './dispatch.js';

export interface MinersServiceDeps {
  inventory: Inventory;
}

export function minersService(deps: MinersServiceDeps): Pick<Handlers, 'miners.list' | 'miners.get'> {
  return {
    'miners.list': () => ({ miners: deps.inventory.list() }),
    'miners.get': ({ id }) => {
      const record = deps.inventory.get(id);
      if (!record) throw new HashwatchError('NotFound', `No miner with id ${id}`);
      return record;
    },
  };
}
