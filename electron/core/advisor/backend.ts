/**
 * Finds the TensorFlow.js backend this machine can run: tfjs-node (native) when it loads, else the
 * WebAssembly backend that ships inside the npm package, else the pure-JS CPU backend.
 */
import type { AppInfo } from '../../../shared/contract.js';

export type TfBackendInfo = AppInfo['tfBackend'];

export async function detectTfBackend(): Promise<TfBackendInfo> {
  try {
    await import('@tensorflow/tfjs-node' as string);
    return { name: 'tensorflow', detail: 'native libtensorflow via @tensorflow/tfjs-node' };
  } catch {
    // Optional dependency: absent or unbuilt on this machine.
  }
  try {
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return { name: 'wasm', detail: 'WebAssembly backend (@tensorflow/tfjs-backend-wasm)' };
    }
  } catch {
    // fall through to the CPU backend
  }
  try {
    const tf = await import('@tensorflow/tfjs');
    if (await tf.setBackend('cpu')) return { name: 'cpu', detail: 'pure JavaScript CPU backend (slow)' };
  } catch {
    // nothing usable
  }
  return { name: 'none', detail: 'TensorFlow.js could not be loaded' };
}
