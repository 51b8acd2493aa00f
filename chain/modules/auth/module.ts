import type { AppModule } from '../../app/module.js';
import { initAuthGenesis, defaultAuthGenesis, type AuthGenesis } from './genesis.js';
import type { AuthKeeper } from './keeper.js';
import { registerAuthQueries } from './queries.js';

export function authModule(keeper: AuthKeeper): AppModule {
  return {
    name: 'auth',
    register: (_msgs, queries) => registerAuthQueries(queries, keeper),
    initGenesis: (ctx, state) => initAuthGenesis(ctx, keeper, (state ?? defaultAuthGenesis()) as AuthGenesis, [...keeper.moduleAccounts.keys()].sort()),
    defaultGenesis: defaultAuthGenesis,
  };
}
