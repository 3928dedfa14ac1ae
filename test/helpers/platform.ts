// Tests import deep modules directly; the package entry would register Node's platform, so this
// setup file does it for them.
import '../../src/platform/node.js';
