import t from 'tap';
import { sha256 } from '../../../../chain/crypto/hash.js';
import { BlockIDFlag, commitHash, GO_ZERO_TIME, headerHash, txsHash, type Header } from '../../../../chain/consensus/types/index.js';

const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('hex').toUpperCase());
const tm = (s: string) => sha256(Buffer.from(s));

function exampleHeader(): Header {
  return {
    version: { block: 1n, app: 2n },
    chainId: 'chainId',
    height: 3n,
    time: { seconds: BigInt(Date.UTC(2019, 9, 13, 16, 14, 44) / 1000), nanos: 0 },
    lastBlockId: { hash: new Uint8Array(32), partSetHeader: { total: 6, hash: new Uint8Array(32) } },
    lastCommitHash: tm('last_commit_hash'),
    dataHash: tm('data_hash'),
    validatorsHash: tm('validators_hash'),
    nextValidatorsHash: tm('next_validators_hash'),
    consensusHash: tm('consensus_hash'),
    appHash: tm('app_hash'),
    lastResultsHash: tm('last_results_hash'),
    evidenceHash: tm('evidence_hash'),
    proposerAddress: tm('proposer_address').slice(0, 20),
  };
}

t.test('header hash: CometBFT TestHeaderHash vector', async (t) => {
  t.equal(hex(headerHash(exampleHeader())), 'F740121F553B5418C3EFBD343C2DBFE9E007BB67B0D020A0741374BAB65242A4');
  t.equal(headerHash({ ...exampleHeader(), validatorsHash: new Uint8Array(0) }), null, 'no validators hash: no hash');
  t.not(hex(headerHash({ ...exampleHeader(), height: 4n })), hex(headerHash(exampleHeader())), 'every field is hashed');
  t.not(hex(headerHash({ ...exampleHeader(), appHash: tm('other') })), hex(headerHash(exampleHeader())));
});

t.test('data hash: merkle root over tx hashes', async (t) => {
  t.equal(hex(txsHash([])), 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', 'empty: SHA-256 of nothing');
  const tx = Buffer.from('tx');
  t.equal(hex(txsHash([tx])), hex(sha256(Uint8Array.of(0), sha256(tx))));
});

t.test('commit hash: leaves are CommitSig protobuf bytes, absent slots carry the Go zero time', async (t) => {
  const absent = { blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_ABSENT, validatorAddress: new Uint8Array(0), timestamp: GO_ZERO_TIME, signature: new Uint8Array(0) };
  // CommitSig {block_id_flag = 1 (varint 1), timestamp = 3 {seconds = Go zero}}
  const leaf = Buffer.from('08011a0b088092b8c398feffffff01', 'hex');
  const commit = { height: 1n, round: 0, blockId: { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } }, signatures: [absent] };
  t.equal(hex(commitHash(commit)), hex(sha256(Uint8Array.of(0), leaf)));
});
