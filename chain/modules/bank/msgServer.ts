import { MsgMultiSend, MsgMultiSendResponse, MsgSend, MsgSendResponse } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import type { MsgRouter } from '../../app/router.js';
import { SdkErrors } from '../../types/sdkErrors.js';
import type { BankKeeper } from './keeper.js';
import { validateMsgMultiSend, validateMsgSend } from './messages.js';

export const BANK_MODULE = 'bank';

export function registerBankMsgs(router: MsgRouter, keeper: BankKeeper): void {
  router.register<MsgSend>({
    typeUrl: '/cosmos.bank.v1beta1.MsgSend',
    module: BANK_MODULE,
    decode: (b) => MsgSend.decode(b),
    signers: (m) => [m.fromAddress],
    validateBasic: (m) => void validateMsgSend(m),
    handle(ctx, m) {
      const coins = validateMsgSend(m);
      for (const c of coins) {
        if (!keeper.isSendEnabled(ctx.store, c.denom)) throw SdkErrors.InvalidRequest(`${c.denom} transfers are currently disabled`);
      }
      if (keeper.isBlockedRecipient(m.toAddress)) {
        throw SdkErrors.Unauthorized(`${m.toAddress} is a module account and is not allowed to receive funds`);
      }
      keeper.send(ctx.store, ctx.events, m.fromAddress, m.toAddress, coins);
      return { typeUrl: '/cosmos.bank.v1beta1.MsgSendResponse', value: MsgSendResponse.encode({}).finish() };
    },
  });

  router.register<MsgMultiSend>({
    typeUrl: '/cosmos.bank.v1beta1.MsgMultiSend',
    module: BANK_MODULE,
    decode: (b) => MsgMultiSend.decode(b),
    signers: (m) => m.inputs.map((i) => i.address),
    validateBasic: (m) => void validateMsgMultiSend(m),
    handle(ctx, m) {
      const { input, outputs } = validateMsgMultiSend(m);
      for (const c of input.coins) {
        if (!keeper.isSendEnabled(ctx.store, c.denom)) throw SdkErrors.InvalidRequest(`${c.denom} transfers are currently disabled`);
      }
      for (const o of outputs) {
        if (keeper.isBlockedRecipient(o.address)) {
          throw SdkErrors.Unauthorized(`${o.address} is a module account and is not allowed to receive funds`);
        }
      }
      // the input pays each output in turn; the totals were checked equal in validateBasic
      for (const o of outputs) keeper.send(ctx.store, ctx.events, input.address, o.address, o.coins);
      return { typeUrl: '/cosmos.bank.v1beta1.MsgMultiSendResponse', value: MsgMultiSendResponse.encode({}).finish() };
    },
  });
}
