import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectSecp256k1HdWallet, makeAuthInfoBytes, makeSignDoc, type OfflineDirectSigner, encodePubkey } from '@cosmjs/proto-signing';
import { encodeSecp256k1Pubkey, encodeEd25519Pubkey, makeCosmoshubPath } from '@cosmjs/amino';
import { TxRaw, TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { DEFAULT_CONFIG, type NodeConfig } from '../../chain/node/config.js';
import { initHome } from '../../chain/node/home.js';
import { VivianNode } from '../../chain/node/node.js';

export const TEST_MNEMONIC = 'test test test test test test test test test test test junk';
export const CHAIN_ID = 'vivian-test-1';

export interface TestAccount {
  address: string;
  signer: OfflineDirectSigner;
  pubkey: Uint8Array;
  algo: 'secp256k1' | 'ed25519';
}

/** A cosmjs wallet holding the mnemonic's secp256k1 accounts at the given Cosmos HD indexes (0..n-1 for a count). */
export function secpWallet(indexes: number | number[], mnemonic = TEST_MNEMONIC): Promise<DirectSecp256k1HdWallet> {
  const list = typeof indexes === 'number' ? Array.from({ length: indexes }, (_, i) => i) : indexes;
  return DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: 'vivian', hdPaths: list.map((i) => makeCosmoshubPath(i)) });
}

export async function secpAccounts(n: number, mnemonic = TEST_MNEMONIC): Promise<TestAccount[]> {
  const wallet = await secpWallet(n, mnemonic);
  const accs = await wallet.getAccounts();
  return accs.map((a) => ({ address: a.address, signer: wallet, pubkey: a.pubkey, algo: 'secp256k1' as const }));
}

/** A fresh node home in a temp dir, with `funded` addresses at genesis; the engine is not started. */
export function makeTestNode(funded: string[], cfg: Partial<NodeConfig> = {}, amount = 1_000_000_000_000n) {
  const home = mkdtempSync(join(tmpdir(), 'vivian-test-'));
  initHome(home, {
    chainId: CHAIN_ID,
    moniker: 'test',
    balances: funded.map((address) => ({ address, coins: [{ denom: 'uviv', amount: amount.toString() }] })),
  });
  const config: NodeConfig = { ...DEFAULT_CONFIG, min_gas_price: '0uviv', block_time_ms: 0, no_sync: true, ...cfg };
  const node = VivianNode.open(home, config);
  return {
    home,
    node,
    config,
    reopen: () => VivianNode.open(home, config),
    cleanup: async () => {
      await node.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface TxOpts {
  accountNumber: bigint;
  sequence: bigint;
  chainId?: string;
  fee?: Array<{ denom: string; amount: string }>;
  gas?: bigint;
  memo?: string;
}

/** Signs messages with SIGN_MODE_DIRECT as cosmjs does and returns TxRaw bytes. */
export async function signTx(acc: TestAccount, messages: Any[], o: TxOpts): Promise<Uint8Array> {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages, memo: o.memo ?? '' })).finish();
  const pubkey = encodePubkey(acc.algo === 'secp256k1' ? encodeSecp256k1Pubkey(acc.pubkey) : encodeEd25519Pubkey(acc.pubkey));
  const authInfoBytes = makeAuthInfoBytes([{ pubkey, sequence: Number(o.sequence) }], o.fee ?? [], Number(o.gas ?? 200_000n), undefined, undefined, SignMode.SIGN_MODE_DIRECT);
  const doc = makeSignDoc(bodyBytes, authInfoBytes, o.chainId ?? CHAIN_ID, Number(o.accountNumber));
  const { signature, signed } = await acc.signer.signDirect(acc.address, doc);
  return TxRaw.encode({ bodyBytes: signed.bodyBytes, authInfoBytes: signed.authInfoBytes, signatures: [Buffer.from(signature.signature, 'base64')] }).finish();
}

export function msgSend(from: string, to: string, amount: bigint, denom = 'uviv'): Any {
  return {
    typeUrl: '/cosmos.bank.v1beta1.MsgSend',
    value: MsgSend.encode({ fromAddress: from, toAddress: to, amount: [{ denom, amount: amount.toString() }] }).finish(),
  };
}
