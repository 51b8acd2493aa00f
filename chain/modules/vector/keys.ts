/** The vector module's key space inside the state (module byte 0x05). */
export const VECTOR_PREFIX = 0x05;
/** 0x05 0x01 -> VectorParams bytes */
export const PARAMS_KEY = Uint8Array.of(VECTOR_PREFIX, 0x01);
