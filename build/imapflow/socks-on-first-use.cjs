/* global module, require */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: bundled into the sync worker as imapflow's socks */
// Stands in for socks inside the bundled imapflow (build/build-main.mjs): imapflow requires it when it loads,
// but needs it only for connections through a SOCKS proxy, which we never open. The real package loads on
// first use, so nothing changes if one ever is; loading it cost ~30 ms of every sync worker's start.
'use strict';
let socks;
module.exports = {
  get SocksClient() {
    socks ??= require('socks');
    return socks.SocksClient;
  },
};
