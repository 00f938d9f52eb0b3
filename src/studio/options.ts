import { InvalidArgumentError } from 'commander';

/** `datagen studio --port`: 1 … 65535, or 0 for any free port (loaded with the CLI: nothing else here). */
export function parsePort(v: string): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) > 65535) throw new InvalidArgumentError('expected a port number from 1 to 65535, or 0 for any free port, e.g. --port 4700');
  return Number(v);
}
