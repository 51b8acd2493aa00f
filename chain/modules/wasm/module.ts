import type { AppModule } from '../../app/module.js';
import type { WasmKeeper } from './keeper.js';
import { registerWasmMsgs } from './msgServer.js';
import { registerWasmQueries } from './queries.js';

/** The CosmWasm module. Genesis carries nothing yet: code and contracts arrive by transactions. */
export function wasmModule(keeper: WasmKeeper): AppModule {
  return {
    name: 'wasm',
    register: (msgs, queries) => {
      registerWasmMsgs(msgs, keeper);
      registerWasmQueries(queries, keeper);
      // contracts' stargate queries and messages go through the app's own routes
      keeper.attachRouters(msgs, queries);
    },
    initGenesis: () => {},
    defaultGenesis: () => ({}),
  };
}
