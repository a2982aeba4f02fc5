// The content hash's reference, as it was first computed: libxml2-wasm's canonicalizeToString of the
// dossier parsed with the engine's options (layout kept). Plain JavaScript in its own thread, because
// libxml2-wasm is an ES module that Jest's CommonJS cannot load; the test hashes the string it returns.
import { parentPort } from 'node:worker_threads';
import { ParseOption, XmlC14NMode, XmlDocument } from 'libxml2-wasm';

const option =
  ParseOption.XML_PARSE_NONET |
  ParseOption.XML_PARSE_NO_XXE |
  ParseOption.XML_PARSE_NOERROR |
  ParseOption.XML_PARSE_NOWARNING |
  ParseOption.XML_PARSE_HUGE |
  ParseOption.XML_PARSE_COMPACT;

parentPort.on('message', ({ id, bytes }) => {
  let document;
  try {
    document = XmlDocument.fromBuffer(bytes, { option });
  } catch {
    parentPort.postMessage({ id, canonical: null }); // not well-formed: no canonical form
    return;
  }
  try {
    const canonical = document.canonicalizeToString({
      mode: XmlC14NMode.XML_C14N_EXCLUSIVE_1_0,
      withComments: false,
    });
    parentPort.postMessage({ id, canonical });
  } finally {
    document.dispose();
  }
});
