import { parseAddress } from '../../crypto/addresses.js';
import { NATIVE_DENOM } from '../bank/genesis.js';
import { WasmErrors } from './errors.js';

/**
 * The `staking` capability on a chain without a staking module. VIVIAN's validators come from genesis and
 * consensus, not from bonding: nobody can delegate, so there are no staking validators, no delegations and no
 * rewards. Contracts built with cosmwasm-std's `staking` feature (most of cw-plus) declare the capability without
 * using it; the queries they could make are answered truthfully as such a chain would, and the messages that
 * would need a staking module (StakingMsg, DistributionMsg) fail the call with an error that says so.
 */

/** The denomination a staking module would bond (the chain's native token). */
export const BONDED_DENOM = NATIVE_DENOM;

type Args = Record<string, unknown>;

function checkAddress(value: unknown, field: string): string {
  const address = String(value ?? '');
  try {
    parseAddress(address);
  } catch (e) {
    throw WasmErrors.Invalid(`${field}: ${(e as Error).message}`);
  }
  return address;
}

/** The answer to `QueryRequest::Staking`, or undefined for a variant cosmwasm-std does not define. */
export function stakingQuery(variant: string, args: Args): unknown {
  switch (variant) {
    case 'bonded_denom':
      return { denom: BONDED_DENOM };
    case 'all_validators':
      return { validators: [] };
    case 'validator':
      return { validator: null };
    case 'all_delegations':
      checkAddress(args.delegator, 'delegator');
      return { delegations: [] };
    case 'delegation':
      checkAddress(args.delegator, 'delegator');
      return { delegation: null };
    default:
      return undefined;
  }
}

/** The answer to `QueryRequest::Distribution` (cosmwasm_1_3 / 1_4), or undefined for an unknown variant. */
export function distributionQuery(variant: string, args: Args): unknown {
  switch (variant) {
    case 'delegator_withdraw_address':
      // without a distribution module nobody has set another one: rewards would go to the delegator
      return { withdraw_address: checkAddress(args.delegator_address, 'delegator_address') };
    case 'delegation_rewards':
      checkAddress(args.delegator_address, 'delegator_address');
      throw WasmErrors.NotFound(`no delegation to ${String(args.validator_address)}: this chain has no staking module`);
    case 'delegation_total_rewards':
      checkAddress(args.delegator_address, 'delegator_address');
      return { rewards: [], total: [] };
    case 'delegator_validators':
      checkAddress(args.delegator_address, 'delegator_address');
      return { validators: [] };
    default:
      return undefined;
  }
}

/** Messages that need a staking or distribution module: refused, naming the message. */
export function refuseStakingMsg(kind: string, variant: string): never {
  throw WasmErrors.UnknownMsg(`the contract message ${kind}.${variant || '(empty)'} needs a staking module, which this chain does not have`);
}
