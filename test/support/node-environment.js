// Jest's sandbox has its own typed-array constructors; onnxruntime-node checks
// `instanceof Float32Array` against the outer realm's, so share the outer ones.
const { TestEnvironment } = require("jest-environment-node");

const SHARED = ["Float32Array", "Float64Array", "Int8Array", "Int16Array", "Int32Array", "Uint8Array", "Uint16Array", "Uint32Array", "Uint8ClampedArray", "BigInt64Array", "BigUint64Array", "ArrayBuffer", "SharedArrayBuffer"];

class KindredEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = KindredEnvironment;
