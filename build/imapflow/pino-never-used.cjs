/* global module */
// Stands in for pino inside the bundled imapflow (build/build-main.mjs). imapflow requires pino when it
// loads, but uses it only for connections given no logger of their own, and every connection we open gives
// one (electron/protocols/imap/imap-connection.ts). Loading pino cost ~35 ms of every sync worker's start.
'use strict';
module.exports = function pino() {
  throw new Error('imapflow was given no logger: every ImapFlow must be created with one (imap-connection.ts)');
};
