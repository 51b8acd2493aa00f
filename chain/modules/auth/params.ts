import { Params } from 'cosmjs-types/cosmos/auth/v1beta1/auth';

export type AuthParams = Params;

/** The Cosmos SDK's defaults (x/auth/types/params.go). */
export const DEFAULT_AUTH_PARAMS: AuthParams = {
  maxMemoCharacters: 256n,
  txSigLimit: 7n,
  txSizeCostPerByte: 10n,
  sigVerifyCostEd25519: 590n,
  sigVerifyCostSecp256k1: 1000n,
};

export function authParamsToJson(p: AuthParams) {
  return {
    max_memo_characters: p.maxMemoCharacters.toString(),
    tx_sig_limit: p.txSigLimit.toString(),
    tx_size_cost_per_byte: p.txSizeCostPerByte.toString(),
    sig_verify_cost_ed25519: p.sigVerifyCostEd25519.toString(),
    sig_verify_cost_secp256k1: p.sigVerifyCostSecp256k1.toString(),
  };
}

export function authParamsFromJson(j: Record<string, unknown> | undefined): AuthParams {
  const d = DEFAULT_AUTH_PARAMS;
  const num = (v: unknown, def: bigint) => (v === undefined ? def : BigInt(String(v)));
  return {
    maxMemoCharacters: num(j?.max_memo_characters, d.maxMemoCharacters),
    txSigLimit: num(j?.tx_sig_limit, d.txSigLimit),
    txSizeCostPerByte: num(j?.tx_size_cost_per_byte, d.txSizeCostPerByte),
    sigVerifyCostEd25519: num(j?.sig_verify_cost_ed25519, d.sigVerifyCostEd25519),
    sigVerifyCostSecp256k1: num(j?.sig_verify_cost_secp256k1, d.sigVerifyCostSecp256k1),
  };
}
