// Node-only helper shared by build-kernels.ts and the unit test that checks the committed bytes.
import wabtFactory from 'wabt';

export async function compileWat(source: string): Promise<Uint8Array> {
  const wabt = await wabtFactory();
  const module = wabt.parseWat('hamming.wat', source, { simd: true });
  try {
    module.validate();
    return new Uint8Array(module.toBinary({ log: false, canonicalize_lebs: true }).buffer);
  } finally {
    module.destroy();
  }
}
