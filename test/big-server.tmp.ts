// Starts a private Dovecot with two large messages for user big, prints its ports, runs until killed.
import { startDovecot } from './servers/dovecot';

const mb = (n: number) => n * 1024 * 1024;
function bigMessage(size: number): Buffer {
  const head = 'From: Big Sender <big@example.org>\r\nTo: big@example.org\r\nSubject: one hundred megabytes\r\nMessage-ID: <big-100@example.org>\r\nDate: Mon, 07 Dec 2026 08:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="bb"\r\n\r\n--bb\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe dugong survey archive is attached.\r\n--bb\r\nContent-Type: application/octet-stream; name="survey.bin"\r\nContent-Disposition: attachment; filename="survey.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n';
  const tail = '\r\n--bb--\r\n';
  const raw = Buffer.alloc(Math.floor(((size - head.length - tail.length) / 78) * 57));
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
  const b64 = raw.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(head + b64 + tail);
}
function dataImageMessage(): Buffer {
  const img = Buffer.alloc(mb(3.75));
  for (let i = 0; i < img.length; i++) img[i] = (i * 2246822519) >>> 24;
  const html = `<html><body><p>Before the picture: platypus.</p><img src="data:image/png;base64,${img.toString('base64')}"><p>After the picture: cassowary.</p></body></html>`;
  const b = Buffer.from(html).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from('From: Pic <pic@example.org>\r\nTo: big@example.org\r\nSubject: inline picture\r\nMessage-ID: <pic-1@example.org>\r\nDate: Mon, 07 Dec 2026 08:10:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n' + b + '\r\n');
}
const server = await startDovecot({ users: [{ name: 'big', password: 'big-secret' }] });
const which = process.argv[2] ?? 'both';
if (which !== 'pic') await server.deliver('big', bigMessage(mb(100)));
if (which !== 'big') await server.deliver('big', dataImageMessage());
console.log(JSON.stringify({ ports: server.ports, fp: server.certificate.fingerprint256 }));
process.on('SIGTERM', () => void server.destroy().then(() => process.exit(0)));
process.on('SIGINT', () => void server.destroy().then(() => process.exit(0)));
setInterval(() => {}, 1 << 30);
