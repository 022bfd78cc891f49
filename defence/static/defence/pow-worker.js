// Searches one slice of a proof-of-work challenge for pow.js, off the page's thread.
// SHA-256 in plain JavaScript, in a tight loop: the salt's full 64-byte blocks are
// hashed once, then each number costs one compression (two for long salts). That is
// many times faster than one crypto.subtle.digest call and one `await` per number.
"use strict";

var K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]);
var H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
var w = new Int32Array(64);

// One SHA-256 compression of bytes[offset..offset+64) into state.
function compress(state, bytes, offset) {
  var i, x, y;
  for (i = 0; i < 16; i++) {
    x = offset + 4 * i;
    w[i] = (bytes[x] << 24) | (bytes[x + 1] << 16) | (bytes[x + 2] << 8) | bytes[x + 3];
  }
  for (i = 16; i < 64; i++) {
    x = w[i - 15];
    y = w[i - 2];
    w[i] = (w[i - 16] + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w[i - 7] +
      (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
  }
  var a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
  for (i = 0; i < 64; i++) {
    var t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
      ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    var t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
      ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0; state[1] = (state[1] + b) | 0; state[2] = (state[2] + c) | 0; state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0; state[5] = (state[5] + f) | 0; state[6] = (state[6] + g) | 0; state[7] = (state[7] + h) | 0;
}

// The number n in [start, end] with SHA-256(salt + n) == target (hex), or -1.
function search(salt, target, start, end) {
  var prefix = new TextEncoder().encode(salt);
  var whole = prefix.length - (prefix.length % 64);
  var mid = new Int32Array(H0);
  for (var offset = 0; offset < whole; offset += 64) compress(mid, prefix, offset);
  var tail = prefix.length - whole;
  var want = new Int32Array(8);
  for (var i = 0; i < 8; i++) want[i] = parseInt(target.substr(8 * i, 8), 16) | 0;

  var buf = new Uint8Array(128);
  buf.set(prefix.subarray(whole));
  var state = new Int32Array(8);
  var digits = 0, last = 0, blocks = 1;
  // Writes n's digits, the padding and the length after the salt's tail.
  function layout(n) {
    var text = String(n);
    digits = text.length;
    for (var j = 0; j < digits; j++) buf[tail + j] = text.charCodeAt(j);
    var length = tail + digits;
    blocks = length + 9 <= 64 ? 1 : 2;
    buf.fill(0, length, 128);
    buf[length] = 0x80;
    var bits = (prefix.length + digits) * 8, end = blocks * 64;
    buf[end - 1] = bits & 0xff;
    buf[end - 2] = (bits >>> 8) & 0xff;
    buf[end - 3] = (bits >>> 16) & 0xff;
    last = tail + digits - 1;
  }
  layout(start);
  for (var n = start; n <= end; n++) {
    state.set(mid);
    compress(state, buf, 0);
    if (blocks === 2) compress(state, buf, 64);
    if (state[0] === want[0] && state[1] === want[1] && state[2] === want[2] && state[3] === want[3] &&
        state[4] === want[4] && state[5] === want[5] && state[6] === want[6] && state[7] === want[7]) return n;
    if ((n & 0xffff) === 0xffff) self.postMessage({ tried: n - start + 1 });
    // Next number: bump the last digit, or lay out again every ten numbers.
    if (buf[last] < 57) buf[last]++;
    else layout(n + 1);
  }
  return -1;
}

self.onmessage = function (event) {
  var job = event.data;
  self.postMessage({ number: search(job.salt, job.challenge, job.start, job.end) });
};
