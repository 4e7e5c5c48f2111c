import { createCore } from '../core/index.js';
export const x = createCore;
