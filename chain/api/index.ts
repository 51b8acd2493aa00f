import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { VivianNode } from '../node/node.js';
import { apiOptionsFrom, type ApiOptions } from './options.js';
import { buildRestServer } from './rest/server.js';
import { buildRpcServer } from './rpc/server.js';

export { buildRpcServer } from './rpc/server.js';
export { buildRestServer } from './rest/server.js';
export { ApiErrors, mapError } from './errors.js';
export { DEFAULT_API_OPTIONS, apiOptionsFrom, type ApiOptions } from './options.js';
export { registerAnyType } from './rest/protoJson.js';

export interface RunningServers {
  rpcUrl: string;
  apiUrl: string;
  close(): Promise<void>;
}

function urlOf(app: FastifyInstance): string {
  const a = app.server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return `http://${host}:${a.port}`;
}

/**
 * Starts the JSON-RPC and REST servers on config.listen_address : rpc_port / api_port (port 0 = any free
 * port; the returned URLs carry the real ones). Call after node.start().
 */
export async function startServers(node: VivianNode, overrides: Partial<ApiOptions> = {}): Promise<RunningServers> {
  const opts = apiOptionsFrom(node.config, overrides);
  // cosmjs reads the latest block on connect; a chain that makes blocks only on demand needs one to be connectable
  if (node.app.height < node.reader.initialHeight() && node.config.block_time_ms === 0) node.engine.produceBlock();
  const rpc = buildRpcServer(node, opts);
  const rest = buildRestServer(node, opts);
  try {
    await rpc.listen({ host: node.config.listen_address, port: node.config.rpc_port });
    await rest.listen({ host: node.config.listen_address, port: node.config.api_port });
  } catch (e) {
    await Promise.allSettled([rpc.close(), rest.close()]);
    throw e;
  }
  return {
    rpcUrl: urlOf(rpc),
    apiUrl: urlOf(rest),
    close: async () => {
      await Promise.allSettled([rpc.close(), rest.close()]);
    },
  };
}
