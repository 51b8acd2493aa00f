import type { AppModule } from '../../app/module.js';
import { defaultBankGenesis, initBankGenesis, type BankGenesis } from './genesis.js';
import type { BankKeeper } from './keeper.js';
import { registerBankMsgs } from './msgServer.js';
import { registerBankQueries } from './queries.js';

export function bankModule(keeper: BankKeeper): AppModule {
  return {
    name: 'bank',
    register: (msgs, queries) => {
      registerBankMsgs(msgs, keeper);
      registerBankQueries(queries, keeper);
    },
    initGenesis: (ctx, state) => initBankGenesis(ctx, keeper, (state ?? defaultBankGenesis()) as BankGenesis),
    defaultGenesis: defaultBankGenesis,
  };
}
