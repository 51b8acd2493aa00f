import {
  MsgClearAdmin,
  MsgClearAdminResponse,
  MsgExecuteContract,
  MsgExecuteContractResponse,
  MsgInstantiateContract,
  MsgInstantiateContract2,
  MsgInstantiateContract2Response,
  MsgInstantiateContractResponse,
  MsgMigrateContract,
  MsgMigrateContractResponse,
  MsgStoreCode,
  MsgStoreCodeResponse,
  MsgUpdateAdmin,
  MsgUpdateAdminResponse,
} from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import type { Context } from '../../app/context.js';
import type { MsgRouter } from '../../app/router.js';
import { parseCoins } from '../../types/coins.js';
import { accAddress } from '../auth/keeper.js';
import { WasmErrors } from './errors.js';
import { checkJsonMsg, type WasmExec, type WasmKeeper } from './keeper.js';

export const WASM_MODULE = 'wasm';
const MAX_LABEL = 128;
const MAX_SALT = 64;

function exec(ctx: Context): WasmExec {
  return { store: ctx.store, gas: ctx.gas, events: ctx.events, block: ctx.block, depth: 0, mode: ctx.mode };
}

function checkLabel(label: string): void {
  if (label.trim() === '') throw WasmErrors.Empty('label is empty');
  if (label.length > MAX_LABEL) throw WasmErrors.Limit(`label is longer than ${MAX_LABEL} characters`);
}

function checkCodeId(codeId: bigint): void {
  if (codeId === 0n) throw WasmErrors.Invalid('code id is required (0 is never a code)');
}

function funds(coins: ReadonlyArray<{ denom: string; amount: string }>) {
  return parseCoins(coins, { allowEmpty: true });
}

export function registerWasmMsgs(router: MsgRouter, keeper: WasmKeeper): void {
  router.register<MsgStoreCode>({
    typeUrl: '/cosmwasm.wasm.v1.MsgStoreCode',
    module: WASM_MODULE,
    decode: (b) => MsgStoreCode.decode(b),
    signers: (m) => [m.sender],
    validateBasic(m) {
      accAddress(m.sender, 'sender');
      if (m.wasmByteCode.length === 0) throw WasmErrors.Empty('wasm byte code is empty');
      if (m.wasmByteCode.length > keeper.config.maxWasmSize) {
        throw WasmErrors.Limit(`wasm byte code is ${m.wasmByteCode.length} bytes, more than the ${keeper.config.maxWasmSize} allowed`);
      }
    },
    handle(ctx, m) {
      const { codeId, checksum } = keeper.storeCode(exec(ctx), m.sender, m.wasmByteCode);
      return { typeUrl: '/cosmwasm.wasm.v1.MsgStoreCodeResponse', value: MsgStoreCodeResponse.encode({ codeId, checksum }).finish() };
    },
  });

  const validateInstantiate = (m: MsgInstantiateContract | MsgInstantiateContract2): void => {
    accAddress(m.sender, 'sender');
    if (m.admin) accAddress(m.admin, 'admin');
    checkCodeId(m.codeId);
    checkLabel(m.label);
    checkJsonMsg(m.msg);
    funds(m.funds);
  };

  router.register<MsgInstantiateContract>({
    typeUrl: '/cosmwasm.wasm.v1.MsgInstantiateContract',
    module: WASM_MODULE,
    decode: (b) => MsgInstantiateContract.decode(b),
    signers: (m) => [m.sender],
    validateBasic: validateInstantiate,
    handle(ctx, m) {
      const r = keeper.instantiate(exec(ctx), { creator: m.sender, admin: m.admin, codeId: m.codeId, label: m.label, msg: m.msg, funds: funds(m.funds) });
      return { typeUrl: '/cosmwasm.wasm.v1.MsgInstantiateContractResponse', value: MsgInstantiateContractResponse.encode(r).finish() };
    },
  });

  router.register<MsgInstantiateContract2>({
    typeUrl: '/cosmwasm.wasm.v1.MsgInstantiateContract2',
    module: WASM_MODULE,
    decode: (b) => MsgInstantiateContract2.decode(b),
    signers: (m) => [m.sender],
    validateBasic(m) {
      validateInstantiate(m);
      if (m.salt.length === 0) throw WasmErrors.Empty('salt is empty');
      if (m.salt.length > MAX_SALT) throw WasmErrors.Limit(`salt is longer than ${MAX_SALT} bytes`);
    },
    handle(ctx, m) {
      const r = keeper.instantiate(exec(ctx), {
        creator: m.sender, admin: m.admin, codeId: m.codeId, label: m.label, msg: m.msg, funds: funds(m.funds), salt: m.salt, fixMsg: m.fixMsg,
      });
      return { typeUrl: '/cosmwasm.wasm.v1.MsgInstantiateContract2Response', value: MsgInstantiateContract2Response.encode(r).finish() };
    },
  });

  router.register<MsgExecuteContract>({
    typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract',
    module: WASM_MODULE,
    decode: (b) => MsgExecuteContract.decode(b),
    signers: (m) => [m.sender],
    validateBasic(m) {
      accAddress(m.sender, 'sender');
      accAddress(m.contract, 'contract');
      checkJsonMsg(m.msg);
      funds(m.funds);
    },
    handle(ctx, m) {
      const data = keeper.execute(exec(ctx), { sender: m.sender, contract: m.contract, msg: m.msg, funds: funds(m.funds) });
      return { typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContractResponse', value: MsgExecuteContractResponse.encode({ data }).finish() };
    },
  });

  router.register<MsgMigrateContract>({
    typeUrl: '/cosmwasm.wasm.v1.MsgMigrateContract',
    module: WASM_MODULE,
    decode: (b) => MsgMigrateContract.decode(b),
    signers: (m) => [m.sender],
    validateBasic(m) {
      accAddress(m.sender, 'sender');
      accAddress(m.contract, 'contract');
      checkCodeId(m.codeId);
      checkJsonMsg(m.msg);
    },
    handle(ctx, m) {
      const data = keeper.migrate(exec(ctx), { sender: m.sender, contract: m.contract, codeId: m.codeId, msg: m.msg });
      return { typeUrl: '/cosmwasm.wasm.v1.MsgMigrateContractResponse', value: MsgMigrateContractResponse.encode({ data }).finish() };
    },
  });

  router.register<MsgUpdateAdmin>({
    typeUrl: '/cosmwasm.wasm.v1.MsgUpdateAdmin',
    module: WASM_MODULE,
    decode: (b) => MsgUpdateAdmin.decode(b),
    signers: (m) => [m.sender],
    validateBasic(m) {
      accAddress(m.sender, 'sender');
      accAddress(m.contract, 'contract');
      accAddress(m.newAdmin, 'new admin');
    },
    handle(ctx, m) {
      keeper.setAdmin(exec(ctx), m.sender, m.contract, m.newAdmin);
      return { typeUrl: '/cosmwasm.wasm.v1.MsgUpdateAdminResponse', value: MsgUpdateAdminResponse.encode({}).finish() };
    },
  });

  router.register<MsgClearAdmin>({
    typeUrl: '/cosmwasm.wasm.v1.MsgClearAdmin',
    module: WASM_MODULE,
    decode: (b) => MsgClearAdmin.decode(b),
    signers: (m) => [m.sender],
    validateBasic(m) {
      accAddress(m.sender, 'sender');
      accAddress(m.contract, 'contract');
    },
    handle(ctx, m) {
      keeper.setAdmin(exec(ctx), m.sender, m.contract, '');
      return { typeUrl: '/cosmwasm.wasm.v1.MsgClearAdminResponse', value: MsgClearAdminResponse.encode({}).finish() };
    },
  });
}
