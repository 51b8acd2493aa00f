import type { MsgMultiSend, MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { parseCoins, type Coin } from '../../types/coins.js';
import { SdkErrors } from '../../types/sdkErrors.js';
import { accAddress } from '../auth/keeper.js';

/** MsgSend's stateless checks: both addresses valid bech32, amount positive, sorted, unique denoms. */
export function validateMsgSend(msg: MsgSend): Coin[] {
  accAddress(msg.fromAddress, 'from address');
  accAddress(msg.toAddress, 'to address');
  return parseCoins(msg.amount);
}

/** MsgMultiSend: exactly one input (as the SDK requires since v0.46), inputs and outputs balance per denom. */
export function validateMsgMultiSend(msg: MsgMultiSend): { input: { address: string; coins: Coin[] }; outputs: Array<{ address: string; coins: Coin[] }> } {
  if (msg.inputs.length === 0) throw SdkErrors.InvalidRequest('no inputs to send transaction');
  if (msg.inputs.length > 1) throw SdkErrors.InvalidRequest(`multiple senders not allowed: got ${msg.inputs.length} inputs`);
  if (msg.outputs.length === 0) throw SdkErrors.InvalidRequest('no outputs to send transaction');
  const inp = msg.inputs[0]!;
  accAddress(inp.address, 'input address');
  const input = { address: inp.address, coins: parseCoins(inp.coins) };
  const totals = new Map<string, bigint>();
  const outputs = msg.outputs.map((o) => {
    accAddress(o.address, 'output address');
    const coins = parseCoins(o.coins);
    for (const c of coins) totals.set(c.denom, (totals.get(c.denom) ?? 0n) + c.amount);
    return { address: o.address, coins };
  });
  const inTotal = new Map(input.coins.map((c) => [c.denom, c.amount]));
  const denoms = new Set([...totals.keys(), ...inTotal.keys()]);
  for (const d of [...denoms].sort()) {
    if ((totals.get(d) ?? 0n) !== (inTotal.get(d) ?? 0n)) {
      throw SdkErrors.InvalidCoins(`sum inputs != sum outputs for ${d}: ${inTotal.get(d) ?? 0n} vs ${totals.get(d) ?? 0n}`);
    }
  }
  return { input, outputs };
}
